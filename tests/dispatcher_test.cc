// The dispatcher on the bundled sample, a real ledger on disk, the real
// composer and a fake transport: what one tick stores, in one commit, and
// what a crash between enqueue and send leaves to the next start.
#include <functional>

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include "config/time_text.h"
#include "dispatch/composer.h"
#include "dispatch/dispatcher.h"
#include "dispatch/outbox_sender.h"
#include "ledger/ledger.h"
#include "tests/fake_transport.h"
#include "tests/peer_process.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

using testing::FakeTransport;

Instant At(const std::string& text) {
  std::optional<Instant> t = ParseInstant(text, FindZone("America/Santiago"));
  REQUIRE(t);
  return *t;
}

const std::string kOwner = "encargado.pil@example.gob.cl";
const std::string kKeyPrefix = "sence-intermediacion-laboral/c8-p2/2026-12-31/";

// The sample's configuration, planner and composer; a ledger, sender and
// dispatcher that a test can crash and start again.
struct Rig {
  // edit changes the sample before the planner indexes it.
  explicit Rig(const std::function<void(Config&)>& edit = nullptr)
      : config(Edited(testing::SampleConfig(), edit)), planner(config) {
    Diagnostics diags;
    composer = Composer::Load(config.settings, &diags);
    REQUIRE(composer);
  }

  void Open(std::optional<Instant> planned_through, Instant now) {
    std::string error;
    ledger = Ledger::Open(dir.File("ledger.db"), &error);
    INFO(error);
    REQUIRE(ledger);
    if (planned_through) REQUIRE(ledger->SetPlannedThrough(*planned_through, &error));
    sender = std::make_unique<OutboxSender>(io, *ledger, [this] { return clock; });
    REQUIRE(sender->Load(&error));
    sender->Configure(config.settings.delivery, email, webhook);
    dispatcher = std::make_unique<Dispatcher>(*ledger, *sender);
    REQUIRE(dispatcher->Start(now, &error));
  }

  void Crash() {
    dispatcher.reset();
    sender.reset();
    ledger.reset();
    email->open.clear();
    webhook->open.clear();
  }

  TickReport Tick(Instant now) {
    clock = now;
    return dispatcher->Tick(planner, *composer, now);
  }

  std::optional<DeliveryRecord> Delivery(const std::string& key) {
    std::optional<DeliveryRecord> r;
    std::string error;
    REQUIRE(ledger->FindDelivery(key, &r, &error));
    return r;
  }

  static Config Edited(Config c, const std::function<void(Config&)>& edit) {
    if (edit) edit(c);
    return c;
  }

  Config config;
  Planner planner;
  std::optional<Composer> composer;
  testing::ScratchDir dir;
  boost::asio::io_context io;
  Instant clock{};
  std::shared_ptr<FakeTransport> email = std::make_shared<FakeTransport>(/*one_peer=*/true);
  std::shared_ptr<FakeTransport> webhook = std::make_shared<FakeTransport>();
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<OutboxSender> sender;
  std::unique_ptr<Dispatcher> dispatcher;
};

TEST_CASE("A tick stores its notifications, their deliveries and planned_through together",
          "[dispatcher]") {
  Rig rig;
  Instant now = At("2026-12-01T09:00:00-03:00");
  rig.Open(At("2026-12-01T08:00:00-03:00"), now);
  TickReport report = rig.Tick(now);
  CHECK(report.error.empty());
  CHECK(report.queued == 2);
  CHECK(report.skipped == 0);
  CHECK(report.next == At("2026-12-17T09:00:00-03:00"));  // before-14d

  // Both reached their transport with the bytes the ledger holds.
  REQUIRE(rig.email->open.size() == 1);
  REQUIRE(rig.webhook->open.size() == 1);
  const Outgoing& mail = rig.email->open[0].message;
  const Outgoing& hook = rig.webhook->open[0].message;
  CHECK(mail.destination == kOwner);
  CHECK(mail.payload.find("Message-ID: <" + mail.id + "@") != std::string::npos);
  CHECK(hook.destination == "equipo-pil");
  CHECK(hook.payload.find("\"stage\":\"before-30d\"") != std::string::npos);
  std::optional<OutboxEntry> stored;
  std::string error;
  REQUIRE(rig.ledger->FindEntry(hook.id, &stored, &error));
  REQUIRE(stored);
  CHECK(stored->payload == hook.payload);

  auto owner_key = rig.Delivery(kKeyPrefix + "before-30d/email:" + kOwner);
  REQUIRE(owner_key);
  CHECK(owner_key->state == DeliveryState::kPending);
  CHECK(owner_key->notification_id == mail.id);
  LedgerView view;
  REQUIRE(rig.ledger->LoadView(&view, &error));
  CHECK(view.planned_through == now);

  // Delivered: the deliveries follow their entries.
  rig.email->AnswerAll(DeliveryOutcome::kDelivered);
  rig.webhook->AnswerAll(DeliveryOutcome::kDelivered);
  rig.io.poll();
  CHECK(rig.Delivery(kKeyPrefix + "before-30d/email:" + kOwner)->state == DeliveryState::kSent);
  CHECK(rig.Delivery(kKeyPrefix + "before-30d/webhook:equipo-pil")->state == DeliveryState::kSent);

  // The same instant again sends nothing.
  report = rig.Tick(now + std::chrono::seconds(5));
  CHECK(report.queued == 0);
  CHECK(rig.email->started.size() == 1);
}

TEST_CASE("The first start treats what was due before it as history", "[dispatcher]") {
  Rig rig;
  Instant now = At("2026-12-05T10:00:00-03:00");
  rig.Open(std::nullopt, now);
  CHECK(rig.dispatcher->planned_through() == now);
  TickReport report = rig.Tick(now);
  CHECK(report.queued == 0);  // nine parts are overdue, none is e-mailed now
  CHECK(rig.email->started.empty());
  CHECK(report.next == At("2026-12-17T09:00:00-03:00"));
}

TEST_CASE("Catch-up stores the skipped stages in the tick that sends the newest", "[dispatcher]") {
  Rig rig;
  Instant now = At("2026-12-18T10:00:00-03:00");
  rig.Open(At("2026-11-20"), now);
  TickReport report = rig.Tick(now);
  CHECK(report.queued == 2);
  CHECK(report.skipped == 2);  // before-30d, to the owner and to the webhook
  CHECK(rig.Delivery(kKeyPrefix + "before-30d/email:" + kOwner)->state == DeliveryState::kSkipped);
  CHECK(rig.Delivery(kKeyPrefix + "before-30d/webhook:equipo-pil")->state ==
        DeliveryState::kSkipped);
  CHECK(rig.Delivery(kKeyPrefix + "before-14d/email:" + kOwner)->state == DeliveryState::kPending);
  REQUIRE(rig.webhook->open.size() == 1);
  CHECK(rig.webhook->open[0].message.payload.find("\"late\":true") != std::string::npos);
}

TEST_CASE("A crash between enqueue and send loses nothing and enqueues nothing twice",
          "[dispatcher]") {
  Rig rig;
  Instant now = At("2026-12-01T09:00:00-03:00");
  rig.Open(At("2026-12-01T08:00:00-03:00"), now);
  REQUIRE(rig.Tick(now).queued == 2);
  std::vector<std::string> first{rig.email->started.back(), rig.webhook->started.back()};
  rig.Crash();

  Instant later = now + std::chrono::seconds(30);
  rig.clock = later;
  rig.Open(std::nullopt, later);
  // The restarted sender sends the stored entries again, same ids, same
  // bytes; the tick finds their keys handled and queues nothing new.
  REQUIRE(rig.email->open.size() == 1);
  REQUIRE(rig.webhook->open.size() == 1);
  CHECK(rig.email->open[0].message.id == first[0]);
  CHECK(rig.webhook->open[0].message.id == first[1]);
  TickReport report = rig.Tick(later);
  CHECK(report.queued == 0);
  CHECK(rig.email->started.size() == 2);
  CHECK(rig.webhook->started.size() == 2);
}

TEST_CASE("A tick that cannot be stored writes nothing, sends nothing and runs again",
          "[dispatcher]") {
  Rig rig;
  Instant now = At("2026-12-01T09:00:00-03:00");
  rig.Open(At("2026-12-01T08:00:00-03:00"), now);
  rig.Crash();
  // The same file, read-only: every write fails.
  std::string error;
  rig.ledger = Ledger::OpenReadOnly(rig.dir.File("ledger.db"), &error);
  REQUIRE(rig.ledger);
  rig.sender = std::make_unique<OutboxSender>(rig.io, *rig.ledger, [&] { return rig.clock; });
  rig.sender->Configure(rig.config.settings.delivery, rig.email, rig.webhook);
  rig.dispatcher = std::make_unique<Dispatcher>(*rig.ledger, *rig.sender);
  REQUIRE(rig.dispatcher->Start(now, &error));

  TickReport report = rig.Tick(now);
  CHECK_THAT(report.error, Catch::Contains("read-only"));
  CHECK(report.queued == 0);
  CHECK(report.next == now + std::chrono::minutes(1));
  CHECK(rig.email->started.empty());
  CHECK(rig.webhook->started.empty());
  LedgerView view;
  REQUIRE(rig.ledger->LoadView(&view, &error));
  CHECK(view.planned_through == At("2026-12-01T08:00:00-03:00"));
  CHECK(view.handled.empty());
}

}  // namespace
}  // namespace plazo

namespace plazo {
namespace {

TEST_CASE("The next e-mail to an escalation contact says who acknowledged what", "[dispatcher]") {
  // c8 gets the due date of c8-p2: both escalate to the boss on one morning.
  Rig rig([](Config& c) {
    c.store.programs[0].commitments[10].due.date = Days(date::year{2026} / 12 / 31);
  });
  REQUIRE(rig.config.store.programs[0].commitments[10].id == "c8");
  Instant now = At("2026-12-02T10:00:00-03:00");
  rig.Open(now, now);
  std::string error;
  Acknowledgement a;
  a.program = "sence-intermediacion-laboral";
  a.commitment = "c8";
  a.due = "2026-12-31";
  a.status = "en_evaluacion";
  a.recipient = kOwner;
  a.at = now;
  a.comment = "enviado por oficina de partes";
  std::optional<Acknowledgement> existing;
  REQUIRE(rig.ledger->Acknowledge(a, {}, now, &existing, &error));

  const std::string boss = "jefatura.control@example.gob.cl";
  std::vector<std::string> to_boss;
  for (int i = 0; i < 40 && to_boss.empty(); ++i) {
    std::optional<Instant> next = rig.planner.NextInstant(now);
    REQUIRE(next);
    now = *next;
    rig.Tick(now);
    for (const auto& o : rig.email->open) {
      if (o.message.destination == boss) to_boss.push_back(o.message.payload);
    }
    for (const auto& o : rig.webhook->open) {  // c8 itself is acknowledged: no stage
      CHECK(o.message.payload.find("\"id\":\"c8\"") == std::string::npos);
      CHECK(o.message.payload.find("\"id\":\"c8-p2\"") != std::string::npos);
    }
    rig.email->AnswerAll(DeliveryOutcome::kDelivered);
    rig.webhook->AnswerAll(DeliveryOutcome::kDelivered);
    rig.io.poll();
  }
  REQUIRE(!to_boss.empty());
  // The escalation of c8-p2 carries the news of c8 (quoted-printable may
  // fold lines, so look for words that stay whole).
  CHECK(to_boss[0].find("Avisaron que ya enviaron") != std::string::npos);
  CHECK(to_boss[0].find("oficina de partes") != std::string::npos);
  CHECK(to_boss[0].find("Escalamiento") != std::string::npos);
}

}  // namespace
}  // namespace plazo
