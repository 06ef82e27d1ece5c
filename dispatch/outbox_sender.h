// The outbox sender (SPEC 6): delivers what the ledger's durable outbox
// holds, through one Transport per channel, records every attempt in the
// ledger, and retries failures with backoff until each entry is delivered or
// given up.
//
// It keeps its own queue of pending entries in memory, fed by one read of
// the ledger at start (Load) and by the dispatcher as it enqueues (Add), so
// the outbox is never re-read while the daemon runs. An entry's message is
// read from the ledger only when its transfer starts. The attempts that
// finish in one turn of the event loop are committed together (one sync to
// disk for a burst). Between events it sleeps on one timer, until the next
// retry; with nothing in flight and nothing waiting, it does not wake at all.
#ifndef PLAZO_DISPATCH_OUTBOX_SENDER_H_
#define PLAZO_DISPATCH_OUTBOX_SENDER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/model.h"
#include "dispatch/transport.h"
#include "ledger/ledger.h"

namespace boost::asio {
class io_context;
}

namespace plazo {

class AttemptWriter;  // attempt_writer.h

// Events of one kind in one batch (a tick's queued notifications, a turn's
// deliveries or retries) are logged one line each at info up to this many;
// a larger burst logs one summary line at info and the single lines at
// debug. journald drops a service's messages past 10,000 in 30 s by
// default, and one burst of 10,000 webhooks would otherwise write 20,000.
inline constexpr size_t kLoggedOneByOne = 10;

// Upper bounds (seconds) of the delivery latency histogram's buckets.
inline constexpr std::array<double, 10> kLatencyBuckets = {0.01, 0.05, 0.1, 0.5, 1,
                                                           5,    30,   60,  300, 3600};

// Counters of one channel since start, for metrics.
struct ChannelStats {
  uint64_t delivered = 0;
  uint64_t failed = 0;           // notifications, at their first failed attempt
  uint64_t failed_attempts = 0;  // attempts that failed (retried or not)
  uint64_t given_up = 0;
  // Delivery latency, from enqueueing (the planned instant, when on time)
  // to the peer's acceptance: cumulative counts per bucket bound, as
  // Prometheus histograms want, plus the sum.
  std::array<uint64_t, kLatencyBuckets.size()> latency_le{};
  double latency_sum = 0;
};

struct OutboxSenderStats {
  uint64_t delivered = 0;  // both channels
  uint64_t retried = 0;    // failed attempts that will be retried
  uint64_t given_up = 0;
  ChannelStats email;
  ChannelStats webhook;
};

class OutboxSender {
 public:
  using Clock = std::function<Instant()>;

  // ledger (and writer, when given) must outlive the sender. clock gives
  // the current time (the daemon passes the system clock, tests a fake
  // one). With a writer, attempts are recorded on its thread; without
  // one, on the event loop. Nothing is sent until Configure has given the
  // transports.
  OutboxSender(boost::asio::io_context& io, Ledger& ledger, Clock clock,
               AttemptWriter* writer = nullptr);
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  // Uses delivery's bounds and retry policy, and the transports of the two
  // channels, for attempts started from now on; transfers in flight finish
  // on the transport they started on. Then starts what is due.
  void Configure(const DeliverySettings& delivery, std::shared_ptr<Transport> email,
                 std::shared_ptr<Transport> webhook);

  // Called when a webhook's receiver answers 410 Gone, with the webhook's
  // name, the attempt's detail and the time: the daemon records it in the
  // ledger. From then on the sender gives up every entry for that webhook
  // without sending it, until SetDisabledWebhooks says otherwise.
  using GoneHandler = std::function<void(const std::string& webhook, const std::string& detail,
                                         Instant at)>;
  void OnGone(GoneHandler handler);

  // The webhooks not to send to (name -> why, for the attempt's detail):
  // those a 410 Gone disabled and whose settings have not changed since.
  // Replaces the previous set.
  void SetDisabledWebhooks(std::map<std::string, std::string> disabled);

  // Reads every pending entry from the ledger into the queue (without
  // their messages): what the last run left. Call once, at start. False
  // with *error on a ledger error.
  [[nodiscard]] bool Load(std::string* error);

  // Queues entries just enqueued in the ledger (their payloads are dropped:
  // they are read again when sent) and starts what is due. Ids already
  // queued are ignored.
  void Add(std::vector<OutboxEntry> entries);

  // Starts every due entry the bounds allow, then sleeps until the next
  // retry. The daemon never needs to call it (Configure, Add and finished
  // transfers do); tests call it after moving their clock.
  void Pump();

  // Starts nothing new; runs drained (on the io_context) once no transfer
  // is in flight and every finished attempt is recorded. Entries not
  // started stay pending in the ledger for the next start.
  void Drain(std::function<void()> drained);

  // Transfers running now.
  size_t in_flight() const;
  // Entries held: waiting for their time, ready, or in flight.
  size_t queued() const;
  // When the sender's timer is set to wake: the next retry; nullopt when
  // it sleeps until told otherwise.
  std::optional<Instant> next_wake() const;
  OutboxSenderStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plazo

#endif  // PLAZO_DISPATCH_OUTBOX_SENDER_H_
