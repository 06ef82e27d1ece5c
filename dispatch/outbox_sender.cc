#include "dispatch/outbox_sender.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/text.h"
#include "dispatch/attempt_writer.h"
#include "ledger/backoff.h"

namespace plazo {

namespace asio = boost::asio;

namespace {

// What a ledger error costs an entry: the disk may come back.
constexpr Duration kLedgerRetry = std::chrono::minutes(1);

}  // namespace

struct OutboxSender::Impl {
  Impl(asio::io_context& io_context, Ledger& l, Clock c, AttemptWriter* w)
      : io(io_context), ledger(l), clock(std::move(c)), wake(io_context), writer(w) {}

  // Waiting entries in DueEntries' order: longest overdue first.
  using WaitKey = std::tuple<Instant, Instant, std::string>;  // due, created, id

  struct Held {
    OutboxEntry entry;  // without payload
    std::string peer;   // set once ready
    bool in_flight = false;
  };

  asio::io_context& io;
  Ledger& ledger;
  Clock clock;
  asio::steady_timer wake;
  std::optional<Instant> wake_at;
  size_t max_in_flight = 256;
  size_t per_peer = 16;
  RetryPolicy retry;
  std::shared_ptr<Transport> email;
  std::shared_ptr<Transport> webhook;
  std::map<std::string, std::string> disabled;  // webhook -> why (410 Gone)
  OutboxSender::GoneHandler on_gone;

  // Every entry the sender holds, by id. The ledger says pending for all of
  // them, so none may be taken again until its attempt is on disk.
  std::unordered_map<std::string, Held> held;
  std::set<WaitKey> waiting;     // not yet due
  std::vector<WaitKey> parked;  // due, but their channel has no transport
  // Due entries per peer, in the order they came due, so that one slow
  // peer at its bound does not hold up the others.
  std::map<std::string, std::deque<std::string>> ready;
  std::unordered_map<std::string, size_t> busy;  // transfers per peer
  size_t transfers = 0;
  // Attempts finished in this turn of the event loop, committed together.
  std::vector<std::pair<std::string, DeliveryResult>> finished;
  bool flush_posted = false;
  AttemptWriter* writer = nullptr;  // null: attempts are recorded in place
  bool writing = false;             // a batch is with the writer
  OutboxSenderStats stats;
  bool draining = false;
  std::function<void()> drained;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Transport* TransportFor(const OutboxEntry& e) const {
    return (e.channel == "email" ? email : webhook).get();
  }

  void Hold(OutboxEntry entry) {
    entry.payload.clear();
    entry.payload.shrink_to_fit();
    std::string id = entry.notification_id;
    auto [it, fresh] = held.try_emplace(id);
    if (!fresh) return;
    waiting.emplace(entry.next_attempt_at, entry.created_at, id);
    it->second.entry = std::move(entry);
  }

  void Pump() {
    if (draining) return;
    Instant now = clock();
    // What has come due moves to its peer's queue; entries of a channel
    // without a transport are parked until Configure gives one (not left
    // waiting, where the timer would fire for them again and again).
    for (auto it = waiting.begin(); it != waiting.end() && std::get<0>(*it) <= now;) {
      Held& h = held.at(std::get<2>(*it));
      Transport* t = TransportFor(h.entry);
      if (t == nullptr) {
        parked.push_back(*it);
        it = waiting.erase(it);
        continue;
      }
      h.peer = std::string(ChannelPrefix(h.entry)) + t->PeerOf(h.entry.destination);
      ready[h.peer].push_back(std::get<2>(*it));
      it = waiting.erase(it);
    }
    for (auto it = ready.begin(); it != ready.end() && transfers < max_in_flight;) {
      std::deque<std::string>& queue = it->second;
      while (!queue.empty() && Busy(it->first) < per_peer && transfers < max_in_flight) {
        std::string id = std::move(queue.front());
        queue.pop_front();
        Start(held.at(id), now);
      }
      it = queue.empty() ? ready.erase(it) : std::next(it);
    }
    ArmWake(now);
  }

  size_t Busy(const std::string& peer) const {
    auto it = busy.find(peer);
    return it == busy.end() ? 0 : it->second;
  }

  static std::string_view ChannelPrefix(const OutboxEntry& e) {
    return e.channel == "email" ? "email:" : "webhook:";
  }

  void Start(Held& h, Instant now) {
    const std::string id = h.entry.notification_id;  // outlives a held.erase
    std::optional<std::string> payload;
    std::string error;
    if (!ledger.PendingPayload(id, &payload, &error)) {
      spdlog::error("ledger: {}", error);
      Requeue(h, now + kLedgerRetry);
      return;
    }
    if (!payload) {
      // Sent or given up by someone else meanwhile: nothing left to do.
      held.erase(id);
      return;
    }
    h.in_flight = true;
    if (h.entry.channel == "webhook") {
      if (auto it = disabled.find(h.entry.destination); it != disabled.end()) {
        Finished(id, DeliveryResult{DeliveryOutcome::kPermanent, it->second});
        return;
      }
    }
    ++transfers;
    ++busy[h.peer];
    TransportFor(h.entry)->Start(Outgoing{id, h.entry.destination, std::move(*payload)}, now,
                                 [this, id, peer = h.peer, live = alive](DeliveryResult result) {
                                   if (!*live) return;
                                   --transfers;
                                   if (--busy[peer] == 0) busy.erase(peer);
                                   Finished(id, std::move(result));
                                 });
  }

  void Requeue(Held& h, Instant at) {
    h.in_flight = false;
    h.entry.next_attempt_at = at;
    waiting.emplace(at, h.entry.created_at, h.entry.notification_id);
  }

  // Notes the outcome of one attempt; Flush records it with every other
  // attempt that finishes in this turn of the event loop.
  void Finished(const std::string& id, DeliveryResult result) {
    finished.emplace_back(id, std::move(result));
    if (flush_posted) return;
    flush_posted = true;
    asio::post(io, [this, live = alive] {
      if (*live) Flush();
    });
  }

  // Records the finished attempts: on the writer's thread when there is
  // one (the loop goes on sending meanwhile), else here. One batch at a
  // time; what finishes meanwhile waits for the next.
  void Flush() {
    flush_posted = false;
    if (finished.empty() || writing) return;
    std::vector<std::pair<std::string, DeliveryResult>> batch;
    batch.swap(finished);
    Instant now = clock();
    std::vector<std::pair<std::string, AttemptResult>> attempts;
    attempts.reserve(batch.size());
    for (const auto& [id, result] : batch) {
      const OutboxEntry& entry = held.at(id).entry;
      AttemptResult attempt;
      attempt.ok = result.ok();
      attempt.permanent = result.outcome == DeliveryOutcome::kPermanent;
      attempt.detail = result.detail;
      if (!attempt.ok && !attempt.permanent) {
        attempt.retry_at =
            NextRetry(retry, entry.attempts + 1, entry.created_at, now, JitterSeed(id));
        // The peer's Retry-After, bounded by the longest wait between
        // attempts: a receiver cannot park a reminder for a day.
        if (attempt.retry_at && result.retry_after) {
          Duration asked = std::min<Duration>(*result.retry_after, retry.max_delay);
          attempt.retry_at = std::max(*attempt.retry_at, now + asked);
        }
      }
      attempts.emplace_back(id, std::move(attempt));
    }
    if (writer != nullptr) {
      writing = true;
      auto copy = attempts;
      writer->Write(std::move(copy), now,
                    [this, live = alive, batch = std::move(batch), attempts = std::move(attempts),
                     now](bool ok, const std::string& error) {
                      if (!*live) return;
                      writing = false;
                      Recorded(batch, attempts, now, ok, error);
                    });
      // Places freed by the finished transfers need not wait for the disk.
      if (!draining) Pump();
      return;
    }
    std::string error;
    bool ok = ledger.RecordAttempts(attempts, now, &error);
    Recorded(batch, attempts, now, ok, error);
  }

  // What follows the recording of one batch: counters, logs, and each
  // entry done or waiting for its retry.
  void Recorded(const std::vector<std::pair<std::string, DeliveryResult>>& batch,
                const std::vector<std::pair<std::string, AttemptResult>>& attempts, Instant now,
                bool recorded, const std::string& error) {
    if (!recorded) {
      // The attempts happened but are not on disk: the entries stay pending
      // and go again later with the same ids, which SPEC 6 allows.
      spdlog::error("ledger: cannot record {} attempt(s): {}", attempts.size(), error);
    }
    size_t delivered = 0, retried = 0;
    for (const auto& [id, attempt] : attempts) {
      delivered += attempt.ok;
      retried += !attempt.ok && attempt.retry_at.has_value();
    }
    OneByOne one_by_one{delivered <= kLoggedOneByOne, retried <= kLoggedOneByOne};
    if (recorded && !one_by_one.delivered) spdlog::info("delivered {} notifications", delivered);
    if (recorded && !one_by_one.retried) {
      spdlog::warn("{} deliveries failed and will be retried (details at log level debug)",
                   retried);
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      Held& h = held.at(batch[i].first);
      const AttemptResult& attempt = attempts[i].second;
      if (!recorded) {
        Requeue(h, now + kLedgerRetry);
        continue;
      }
      Count(h.entry, batch[i].second, attempt, now, one_by_one);
      if (attempt.ok || !attempt.retry_at) {
        held.erase(batch[i].first);
      } else {
        ++h.entry.attempts;
        Requeue(h, *attempt.retry_at);
      }
    }
    if (!finished.empty()) Flush();
    if (draining) {
      MaybeDrained();
      return;
    }
    Pump();
  }

  // Whether this flush logs its deliveries and retries one line each.
  struct OneByOne {
    bool delivered = true;
    bool retried = true;
  };

  void Count(const OutboxEntry& entry, const DeliveryResult& result, const AttemptResult& attempt,
             Instant now, OneByOne one_by_one) {
    ChannelStats& channel = entry.channel == "email" ? stats.email : stats.webhook;
    if (attempt.ok) {
      ++stats.delivered;
      ++channel.delivered;
      // Wall time, not the (possibly fake) clock: a latency in seconds.
      double latency = std::chrono::duration<double>(std::chrono::system_clock::now() -
                                                     std::chrono::system_clock::time_point(
                                                         entry.created_at.time_since_epoch()))
                           .count();
      latency = std::max(0.0, latency);
      channel.latency_sum += latency;
      for (size_t b = 0; b < kLatencyBuckets.size(); ++b) {
        if (latency <= kLatencyBuckets[b]) ++channel.latency_le[b];
      }
      spdlog::log(one_by_one.delivered ? spdlog::level::info : spdlog::level::debug,
                  "delivered {} {} to {} ({})", entry.kind, entry.notification_id,
                  entry.destination, result.detail);
    } else if (attempt.retry_at) {
      ++stats.retried;
      channel.failed += entry.attempts == 0;
      ++channel.failed_attempts;
      spdlog::log(one_by_one.retried ? spdlog::level::warn : spdlog::level::debug,
                  "attempt {} of {} to {} failed, retrying in {}s: {}", entry.attempts + 1,
                  entry.notification_id, entry.destination, (*attempt.retry_at - now).count(),
                  result.detail);
    } else {
      ++stats.given_up;
      channel.failed += entry.attempts == 0;
      ++channel.failed_attempts;
      ++channel.given_up;
      if (result.gone && disabled.count(entry.destination) == 0) {
        std::string why = "webhook " + entry.destination +
                          " answered 410 Gone and is disabled until its settings change";
        spdlog::error("{}", why);
        disabled[entry.destination] = why;
        if (on_gone) on_gone(entry.destination, result.detail, now);
      }
      spdlog::error("gave up {} {} to {} after {}: {}", entry.kind, entry.notification_id,
                    entry.destination, CountNoun(entry.attempts + 1, "attempt", "attempts"),
                    result.detail);
    }
  }

  // One timer: the earliest waiting entry. Entries ready but held back by
  // the bounds start when a transfer finishes, not on a timer.
  void ArmWake(Instant now) {
    std::optional<Instant> next;
    if (!waiting.empty()) next = std::get<0>(*waiting.begin());
    if (next == wake_at) return;
    wake_at = next;
    wake.cancel();
    if (!next) return;
    wake.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::max(*next - now, Duration::zero())));
    wake.async_wait([this, live = alive](const boost::system::error_code& ec) {
      if (ec || !*live) return;
      wake_at.reset();
      Pump();
    });
  }

  void MaybeDrained() {
    if (transfers > 0 || !finished.empty() || writing || !drained) return;
    auto done = std::move(drained);
    drained = nullptr;
    asio::post(io, std::move(done));
  }
};

OutboxSender::OutboxSender(asio::io_context& io, Ledger& ledger, Clock clock, AttemptWriter* writer)
    : impl_(std::make_unique<Impl>(io, ledger, std::move(clock), writer)) {}

OutboxSender::~OutboxSender() { *impl_->alive = false; }

void OutboxSender::Configure(const DeliverySettings& delivery, std::shared_ptr<Transport> email,
                             std::shared_ptr<Transport> webhook) {
  impl_->retry.first_delay = delivery.first_retry;
  impl_->retry.max_delay = delivery.max_retry;
  impl_->retry.give_up_after = delivery.give_up_after;
  impl_->max_in_flight = static_cast<size_t>(std::max(1, delivery.max_in_flight));
  impl_->per_peer = static_cast<size_t>(std::max(1, delivery.per_destination));
  impl_->email = std::move(email);
  impl_->webhook = std::move(webhook);
  for (auto& key : impl_->parked) impl_->waiting.insert(std::move(key));
  impl_->parked.clear();
  impl_->Pump();
}

void OutboxSender::OnGone(GoneHandler handler) { impl_->on_gone = std::move(handler); }

void OutboxSender::SetDisabledWebhooks(std::map<std::string, std::string> disabled) {
  impl_->disabled = std::move(disabled);
}

bool OutboxSender::Load(std::string* error) {
  std::vector<OutboxEntry> pending;
  if (!impl_->ledger.PendingEntries(&pending, error)) return false;
  for (OutboxEntry& e : pending) impl_->Hold(std::move(e));
  impl_->Pump();
  return true;
}

void OutboxSender::Add(std::vector<OutboxEntry> entries) {
  for (OutboxEntry& e : entries) impl_->Hold(std::move(e));
  impl_->Pump();
}

void OutboxSender::Pump() { impl_->Pump(); }

void OutboxSender::Drain(std::function<void()> drained) {
  Impl& s = *impl_;
  s.draining = true;
  s.wake.cancel();
  s.wake_at.reset();
  // Entries not started stay pending in the ledger for the next start.
  for (auto it = s.held.begin(); it != s.held.end();) {
    it = it->second.in_flight ? std::next(it) : s.held.erase(it);
  }
  s.waiting.clear();
  s.parked.clear();
  s.ready.clear();
  s.drained = std::move(drained);
  s.MaybeDrained();
}

size_t OutboxSender::in_flight() const { return impl_->transfers; }

size_t OutboxSender::queued() const { return impl_->held.size(); }

std::optional<Instant> OutboxSender::next_wake() const { return impl_->wake_at; }

OutboxSenderStats OutboxSender::stats() const { return impl_->stats; }

}  // namespace plazo
