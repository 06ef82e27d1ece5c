// The outbox sender over a real ledger on disk, with a fake transport and a
// fake clock: what it starts, when, how many at once, what it records, and
// what a crash, a reload or a stop leaves behind.
#include <catch2/catch.hpp>

#include <thread>

#include <boost/asio/io_context.hpp>

#include "dispatch/attempt_writer.h"
#include "dispatch/outbox_sender.h"
#include "ledger/ledger.h"
#include "tests/fake_transport.h"
#include "tests/peer_process.h"

namespace plazo {
namespace {

using std::chrono::seconds;
using testing::FakeTransport;

Instant T(int64_t s) { return Instant(seconds(s)); }

// A sender on a ledger in a temporary folder, with fake transports and a
// clock the test moves.
struct Rig {
  explicit Rig(DeliverySettings d = {}) : delivery(d) { Open(); }

  void Open() {
    std::string error;
    ledger = Ledger::Open(dir.File("ledger.db"), &error);
    INFO(error);
    REQUIRE(ledger);
    sender = std::make_unique<OutboxSender>(io, *ledger, [this] { return now; });
    REQUIRE(sender->Load(&error));
    sender->Configure(delivery, email, webhook);
  }

  // What a crash leaves: the sender and the ledger gone without a word.
  void Crash() {
    sender.reset();
    ledger.reset();
  }

  // Enqueues a webhook entry in the ledger and hands it to the sender, as
  // the dispatcher does.
  void Enqueue(const std::string& id, const std::string& destination,
               const std::string& channel = "webhook") {
    OutboxEntry e;
    e.notification_id = id;
    e.channel = channel;
    e.destination = destination;
    e.kind = "reminder";
    e.payload = "payload of " + id;
    std::string error;
    REQUIRE(ledger->Enqueue(e, {}, now, &error));
    e.created_at = e.next_attempt_at = now;
    sender->Add({e});
  }

  // Runs what the event loop has ready: the commits of finished attempts.
  void Settle() {
    io.restart();
    io.poll();
  }

  OutboxEntry Find(const std::string& id) {
    std::optional<OutboxEntry> e;
    std::string error;
    REQUIRE(ledger->FindEntry(id, &e, &error));
    REQUIRE(e);
    return *e;
  }

  testing::ScratchDir dir;
  boost::asio::io_context io;
  Instant now = T(1'000'000);
  DeliverySettings delivery;
  std::shared_ptr<FakeTransport> email = std::make_shared<FakeTransport>(/*one_peer=*/true);
  std::shared_ptr<FakeTransport> webhook = std::make_shared<FakeTransport>();
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<OutboxSender> sender;
};

TEST_CASE("OutboxSender sends each entry once with its stored bytes and records it", "[sender]") {
  Rig rig;
  rig.Enqueue("n1", "equipo-a");
  rig.Enqueue("n2", "equipo-b");
  REQUIRE(rig.webhook->open.size() == 2);
  CHECK(rig.webhook->open[0].message.payload == "payload of n1");
  CHECK(rig.webhook->open[0].message.destination == "equipo-a");
  CHECK(rig.webhook->open[0].at == rig.now);

  rig.webhook->AnswerAll(DeliveryOutcome::kDelivered, "HTTP 200");
  rig.Settle();
  CHECK(rig.Find("n1").state == OutboxState::kSent);
  CHECK(rig.Find("n2").state == OutboxState::kSent);
  CHECK(rig.sender->queued() == 0);
  CHECK(rig.sender->stats().webhook.delivered == 2);
  // Nothing left: the sender sleeps without a timer.
  CHECK_FALSE(rig.sender->next_wake());

  // Adding an id again does not send it again.
  rig.sender->Add({rig.Find("n1")});
  rig.sender->Pump();
  CHECK(rig.webhook->started == std::vector<std::string>{"n1", "n2"});
}

TEST_CASE("OutboxSender retries a failure at its backoff time, not before", "[sender]") {
  DeliverySettings d;
  d.first_retry = seconds(30);
  Rig rig(d);
  rig.Enqueue("n1", "equipo-a");
  rig.webhook->Answer("n1", DeliveryOutcome::kRetry, "HTTP 503");
  rig.Settle();

  OutboxEntry e = rig.Find("n1");
  CHECK(e.state == OutboxState::kPending);
  CHECK(e.attempts == 1);
  CHECK(e.last_error == "HTTP 503");
  // Equal jitter over 30 s: between 15 and 30 s later, and the one timer
  // is set for exactly that.
  CHECK(e.next_attempt_at >= rig.now + seconds(15));
  CHECK(e.next_attempt_at <= rig.now + seconds(30));
  CHECK(rig.sender->next_wake() == e.next_attempt_at);

  rig.now = e.next_attempt_at - seconds(1);
  rig.sender->Pump();
  CHECK(rig.webhook->open.empty());

  rig.now = e.next_attempt_at;
  rig.sender->Pump();
  REQUIRE(rig.webhook->open.size() == 1);
  CHECK(rig.webhook->open[0].message.id == "n1");  // the same id on every retry
  CHECK(rig.webhook->open[0].message.payload == "payload of n1");
  rig.webhook->Answer("n1", DeliveryOutcome::kDelivered);
  rig.Settle();
  CHECK(rig.Find("n1").state == OutboxState::kSent);
  CHECK(rig.Find("n1").attempts == 2);
}

TEST_CASE("OutboxSender gives up on a permanent failure and after give_up_after", "[sender]") {
  DeliverySettings d;
  d.first_retry = seconds(10);
  d.max_retry = seconds(60);
  d.give_up_after = seconds(120);
  Rig rig(d);
  rig.Enqueue("gone", "equipo-a");
  rig.Enqueue("flaky", "equipo-b");
  rig.webhook->Answer("gone", DeliveryOutcome::kPermanent, "HTTP 404");
  rig.Settle();
  CHECK(rig.Find("gone").state == OutboxState::kGivenUp);
  CHECK(rig.Find("gone").attempts == 1);

  int attempts = 0;
  while (rig.Find("flaky").state == OutboxState::kPending) {
    REQUIRE(attempts < 20);
    if (rig.webhook->open.empty()) {
      REQUIRE(rig.sender->next_wake());
      rig.now = *rig.sender->next_wake();
      rig.sender->Pump();
    }
    REQUIRE(rig.webhook->open.size() == 1);
    rig.webhook->Answer("flaky", DeliveryOutcome::kRetry, "connection refused");
    ++attempts;
    rig.Settle();
  }
  OutboxEntry flaky = rig.Find("flaky");
  CHECK(flaky.state == OutboxState::kGivenUp);
  CHECK(flaky.attempts == attempts);
  CHECK(attempts >= 3);
  // The last attempt came at the deadline, not after it.
  CHECK(rig.now == T(1'000'000) + seconds(120));
  CHECK(rig.sender->stats().given_up == 2);
  // Two notifications failed, in 1 + attempts attempts.
  CHECK(rig.sender->stats().webhook.failed == 2);
  CHECK(rig.sender->stats().webhook.failed_attempts == static_cast<uint64_t>(1 + attempts));
  CHECK(rig.sender->queued() == 0);
  CHECK_FALSE(rig.sender->next_wake());
}

TEST_CASE("OutboxSender bounds transfers per peer and in all", "[sender]") {
  DeliverySettings d;
  d.per_destination = 2;
  d.max_in_flight = 3;
  Rig rig(d);
  for (int i = 0; i < 4; ++i) rig.Enqueue("a" + std::to_string(i), "equipo-a");
  for (int i = 0; i < 2; ++i) rig.Enqueue("b" + std::to_string(i), "equipo-b");
  // Two to a, one to b: three in all.
  CHECK(rig.webhook->OpenTo("equipo-a") == 2);
  CHECK(rig.webhook->OpenTo("equipo-b") == 1);
  CHECK(rig.sender->in_flight() == 3);

  // A finished transfer to a frees a place that a's next entry takes, in
  // the order they were enqueued; b's second waits for b's first.
  rig.webhook->Answer("a0", DeliveryOutcome::kDelivered);
  rig.Settle();
  CHECK(rig.webhook->OpenTo("equipo-a") == 2);
  CHECK(rig.webhook->OpenTo("equipo-b") == 1);
  CHECK(rig.webhook->started == std::vector<std::string>{"a0", "a1", "b0", "a2"});

  rig.webhook->AnswerAll(DeliveryOutcome::kDelivered);
  rig.Settle();
  rig.webhook->AnswerAll(DeliveryOutcome::kDelivered);
  rig.Settle();
  CHECK(rig.webhook->started.size() == 6);
  CHECK(rig.sender->queued() == 0);

  // Every e-mail goes to the one relay: per_destination bounds them all.
  for (int i = 0; i < 3; ++i) {
    rig.Enqueue("m" + std::to_string(i), "x" + std::to_string(i) + "@example.org", "email");
  }
  CHECK(rig.email->open.size() == 2);
}

TEST_CASE("OutboxSender: a crash with a transfer in flight resends it with the same id",
          "[sender]") {
  Rig rig;
  rig.Enqueue("n1", "equipo-a");
  rig.Enqueue("n2", "equipo-b");
  rig.webhook->Answer("n2", DeliveryOutcome::kDelivered);
  rig.Settle();
  REQUIRE(rig.webhook->OpenTo("equipo-a") == 1);
  rig.Crash();  // n1 in flight, its outcome never recorded

  auto before = rig.webhook->started.size();
  rig.webhook->open.clear();
  rig.Open();
  // The restarted sender reads what is pending once and sends n1 alone.
  REQUIRE(rig.webhook->open.size() == 1);
  CHECK(rig.webhook->open[0].message.id == "n1");
  CHECK(rig.webhook->open[0].message.payload == "payload of n1");
  CHECK(rig.webhook->started.size() == before + 1);
  rig.webhook->Answer("n1", DeliveryOutcome::kDelivered);
  rig.Settle();
  CHECK(rig.Find("n1").state == OutboxState::kSent);
}

TEST_CASE("OutboxSender: a reload mid-burst lets transfers finish on the old transport",
          "[sender]") {
  DeliverySettings d;
  d.max_in_flight = 2;
  Rig rig(d);
  for (int i = 0; i < 4; ++i) rig.Enqueue("n" + std::to_string(i), "equipo-" + std::to_string(i));
  REQUIRE(rig.webhook->open.size() == 2);

  auto old_transport = rig.webhook;
  auto fresh = std::make_shared<FakeTransport>();
  rig.sender->Configure(d, rig.email, fresh);
  CHECK(fresh->open.empty());  // the bound is still full

  old_transport->AnswerAll(DeliveryOutcome::kDelivered);
  rig.Settle();
  CHECK(rig.Find("n0").state == OutboxState::kSent);
  CHECK(rig.Find("n1").state == OutboxState::kSent);
  // The rest go through the transport now configured.
  CHECK(fresh->started == std::vector<std::string>{"n2", "n3"});
  CHECK(old_transport->started.size() == 2);
}

TEST_CASE("OutboxSender::Drain waits for transfers in flight and starts nothing new", "[sender]") {
  DeliverySettings d;
  d.max_in_flight = 2;
  Rig rig(d);
  for (int i = 0; i < 4; ++i) rig.Enqueue("n" + std::to_string(i), "equipo-" + std::to_string(i));
  REQUIRE(rig.webhook->open.size() == 2);

  bool drained = false;
  rig.sender->Drain([&] { drained = true; });
  rig.Settle();
  CHECK_FALSE(drained);

  rig.webhook->Answer("n0", DeliveryOutcome::kDelivered);
  rig.Settle();
  CHECK_FALSE(drained);
  CHECK(rig.webhook->started.size() == 2);  // n0's place is not taken

  rig.webhook->Answer("n1", DeliveryOutcome::kRetry, "HTTP 503");
  rig.Settle();
  CHECK(drained);
  CHECK(rig.Find("n0").state == OutboxState::kSent);
  CHECK(rig.Find("n1").attempts == 1);
  // What was never started stays pending for the next start.
  CHECK(rig.Find("n2").state == OutboxState::kPending);
  CHECK(rig.Find("n2").attempts == 0);
  CHECK(rig.Find("n3").state == OutboxState::kPending);
}

TEST_CASE("OutboxSender waits for a channel without a transport", "[sender]") {
  Rig rig;
  rig.sender->Configure(rig.delivery, nullptr, rig.webhook);
  rig.Enqueue("m1", "ana@example.org", "email");
  CHECK(rig.email->open.empty());
  CHECK_FALSE(rig.sender->next_wake());  // parked, not a timer due at once
  rig.sender->Configure(rig.delivery, rig.email, rig.webhook);
  REQUIRE(rig.email->open.size() == 1);
  CHECK(rig.email->open[0].message.id == "m1");
}

}  // namespace
}  // namespace plazo

namespace plazo {
namespace {

TEST_CASE("OutboxSender with an AttemptWriter records on its thread, and Drain waits for it",
          "[sender]") {
  DeliverySettings d;
  d.max_in_flight = 2;
  Rig rig(d);
  std::string error;
  std::unique_ptr<AttemptWriter> writer =
      AttemptWriter::Open(rig.io, rig.dir.File("ledger.db"), &error);
  INFO(error);
  REQUIRE(writer);
  rig.sender = std::make_unique<OutboxSender>(rig.io, *rig.ledger, [&] { return rig.now; },
                                              writer.get());
  rig.sender->Configure(d, rig.email, rig.webhook);
  for (int i = 0; i < 3; ++i) rig.Enqueue("n" + std::to_string(i), "equipo-" + std::to_string(i));
  REQUIRE(rig.webhook->open.size() == 2);

  // Runs the loop until done(), for at most 5 s. The writer's reports come
  // from its thread: an idle loop sleeps a little rather than returning.
  auto until = [&](auto done) {
    for (int i = 0; i < 500 && !done(); ++i) {
      rig.io.restart();
      if (rig.io.poll() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
  };
  rig.webhook->Answer("n0", DeliveryOutcome::kDelivered);
  rig.webhook->Answer("n1", DeliveryOutcome::kRetry, "HTTP 503");
  // The freed places are taken before the disk answers.
  CHECK(until([&] { return rig.webhook->started.size() == 3; }));
  CHECK(until([&] { return rig.Find("n1").attempts == 1; }));
  CHECK(rig.Find("n0").state == OutboxState::kSent);
  CHECK(rig.Find("n1").state == OutboxState::kPending);

  bool drained = false;
  rig.sender->Drain([&] { drained = true; });
  rig.webhook->Answer("n2", DeliveryOutcome::kDelivered);
  CHECK(until([&] { return drained; }));
  // Drained means recorded.
  CHECK(rig.Find("n2").state == OutboxState::kSent);
  CHECK(rig.sender->stats().delivered == 2);
}

}  // namespace
}  // namespace plazo
