// The outbox delivery loop (SPEC 6): takes due entries from the ledger's
// durable outbox, sends each through its channel (the SMTP relay or the
// outbox folder for e-mail, the named endpoint for webhooks), records every
// attempt in the ledger, and schedules retries with backoff until the entry
// is delivered or given up. Network transfers run concurrently on the Asio
// loop through TransferLoop; nothing here blocks except the outbox folder's
// local file writes.
#ifndef PLAZO_NOTIFIERS_OUTBOX_SENDER_H_
#define PLAZO_NOTIFIERS_OUTBOX_SENDER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "config/model.h"
#include "ledger/backoff.h"

namespace boost::asio {
class io_context;
}

namespace plazo {

class Ledger;

struct OutboxSenderOptions {
  size_t max_in_flight = 256;    // transfers at once, all destinations
  size_t per_destination = 16;   // transfers at once to one relay or endpoint
  RetryPolicy retry;
};

// Upper bounds (seconds) of the delivery latency histogram's buckets.
inline constexpr std::array<double, 10> kLatencyBuckets = {0.01, 0.05, 0.1, 0.5, 1,
                                                           5,    30,   60,  300, 3600};

// Counters of one channel since start, for metrics.
struct ChannelStats {
  uint64_t delivered = 0;
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

  // ledger must outlive the sender. clock gives the current time (the
  // daemon passes the system clock).
  OutboxSender(boost::asio::io_context& io, Ledger& ledger, OutboxSenderOptions options,
               Clock clock);
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  // Uses settings' [email], [webhook.*] and [delivery] (which replaces the
  // options' retry policy and bounds) for attempts started from now on;
  // transfers in flight finish with what they started with.
  void Configure(const Settings& settings);

  // Starts every due entry the concurrency bounds allow, then sleeps until
  // the next retry is due. Call after enqueuing.
  void Kick();

  // Starts nothing new; runs drained (on the io_context) once no transfer is
  // in flight. Pending entries stay in the ledger for the next start.
  void Drain(std::function<void()> drained);

  size_t in_flight() const;
  OutboxSenderStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_OUTBOX_SENDER_H_
