#include "notifiers/outbox_sender.h"

#include <deque>
#include <map>
#include <set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "ledger/ledger.h"
#include "notifiers/mailer.h"
#include "notifiers/outbox_folder.h"
#include "notifiers/smtp_transport.h"
#include "notifiers/transfer_loop.h"
#include "notifiers/webhook_transport.h"

namespace plazo {

namespace asio = boost::asio;

struct OutboxSender::Impl {
  Impl(asio::io_context& io_context, Ledger& l, OutboxSenderOptions o, Clock c)
      : io(io_context), ledger(l), options(o), clock(std::move(c)), loop(io_context),
        wake(io_context) {}

  // Idle transports per destination, reused so connections stay open.
  struct SmtpPool {
    std::vector<std::shared_ptr<SmtpTransport>> idle;
    size_t busy = 0;
  };
  struct WebhookPool {
    Webhook hook;
    std::vector<std::shared_ptr<WebhookTransport>> idle;
    size_t busy = 0;
  };

  asio::io_context& io;
  Ledger& ledger;
  OutboxSenderOptions options;
  Clock clock;
  TransferLoop loop;
  asio::steady_timer wake;
  Settings settings;
  bool configured = false;
  std::unique_ptr<OutboxFolder> folder;      // without [email]
  std::shared_ptr<SmtpPool> smtp;            // with [email]
  std::map<std::string, std::shared_ptr<WebhookPool>> webhooks;
  // Every id the sender holds: queued, in flight, or finished but not yet
  // recorded. The ledger still says pending for all of them, so none may be
  // taken from it again until its attempt is on disk.
  std::set<std::string> in_flight;
  size_t transfers = 0;  // in flight on the network, for max_in_flight
  // Due entries read from the ledger, per destination ("channel:dest"), so a
  // finished transfer starts the next without a query and one slow
  // destination does not hold up the others.
  std::map<std::string, std::deque<OutboxEntry>> ready;
  // Attempts finished in this turn of the event loop, committed together.
  std::vector<std::pair<OutboxEntry, DeliveryResult>> finished;
  bool flush_posted = false;
  OutboxSenderStats stats;
  bool draining = false;
  std::function<void()> drained;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  void Configure(const Settings& s) {
    settings = s;
    configured = true;
    options.retry.first_delay = s.delivery.first_retry;
    options.retry.max_delay = s.delivery.max_retry;
    options.retry.give_up_after = s.delivery.give_up_after;
    options.max_in_flight = static_cast<size_t>(s.delivery.max_in_flight);
    options.per_destination = static_cast<size_t>(s.delivery.per_destination);
    folder.reset();
    smtp.reset();
    webhooks.clear();
    if (!settings.email) {
      folder = std::make_unique<OutboxFolder>(settings.state);
    } else {
      smtp = std::make_shared<SmtpPool>();
    }
    for (const auto& [name, hook] : settings.webhooks) {
      auto pool = std::make_shared<WebhookPool>();
      pool->hook = hook;
      webhooks[name] = std::move(pool);
    }
  }

  // Notes the outcome of one attempt; Flush records it with every other
  // attempt that finishes in this turn of the event loop (one transaction,
  // one sync to disk, instead of one per delivery).
  void Record(const OutboxEntry& entry, const DeliveryResult& result) {
    finished.emplace_back(entry, result);
    if (flush_posted) return;
    flush_posted = true;
    asio::post(io, [this, live = alive] {
      if (*live) Flush();
    });
  }

  void Flush() {
    flush_posted = false;
    if (finished.empty()) return;
    std::vector<std::pair<OutboxEntry, DeliveryResult>> batch;
    batch.swap(finished);
    Instant now = clock();
    std::vector<std::pair<std::string, AttemptResult>> attempts;
    attempts.reserve(batch.size());
    for (const auto& [entry, result] : batch) {
      AttemptResult attempt;
      attempt.ok = result.ok();
      attempt.permanent = result.outcome == DeliveryOutcome::kPermanent;
      attempt.detail = result.detail;
      if (!attempt.ok && !attempt.permanent) {
        attempt.retry_at = NextRetry(options.retry, entry.attempts + 1, entry.created_at, now,
                                     JitterSeed(entry.notification_id));
      }
      attempts.emplace_back(entry.notification_id, std::move(attempt));
    }
    std::string error;
    if (!ledger.RecordAttempts(attempts, now, &error)) {
      // The attempts happened but are not on disk: the entries stay pending
      // and will be sent again with the same ids, which SPEC 6 allows.
      spdlog::error("ledger: cannot record {} attempt(s): {}", attempts.size(), error);
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      Log(batch[i].first, batch[i].second, attempts[i].second, now);
      in_flight.erase(batch[i].first.notification_id);
    }
    if (draining) {
      if (in_flight.empty() && drained) {
        auto done = std::move(drained);
        drained = nullptr;
        done();
      }
      return;
    }
    Kick(false);
  }

  void Log(const OutboxEntry& entry, const DeliveryResult& result, const AttemptResult& attempt,
           Instant now) {
    ChannelStats& channel = entry.channel == "email" ? stats.email : stats.webhook;
    if (attempt.ok) {
      ++stats.delivered;
      ++channel.delivered;
      double latency = std::chrono::duration<double>(
                           std::chrono::system_clock::now() -
                           std::chrono::system_clock::time_point(entry.created_at.time_since_epoch()))
                           .count();
      latency = std::max(0.0, latency);
      channel.latency_sum += latency;
      for (size_t b = 0; b < kLatencyBuckets.size(); ++b) {
        if (latency <= kLatencyBuckets[b]) ++channel.latency_le[b];
      }
      spdlog::info("delivered {} {} to {} ({})", entry.kind, entry.notification_id,
                   entry.destination, result.detail);
    } else if (attempt.retry_at) {
      ++stats.retried;
      ++channel.failed_attempts;
      spdlog::warn("attempt {} of {} to {} failed, retrying in {}s: {}", entry.attempts + 1,
                   entry.notification_id, entry.destination,
                   (*attempt.retry_at - now).count(), result.detail);
    } else {
      ++stats.given_up;
      ++channel.failed_attempts;
      ++channel.given_up;
      spdlog::error("gave up {} {} to {} after {} attempts: {}", entry.kind,
                    entry.notification_id, entry.destination, entry.attempts + 1, result.detail);
    }
  }

  // Runs t's prepared transfer for entry on the loop; the handler owns the
  // transport while it runs and gives it back to pool after.
  template <typename Pool, typename Transport>
  void Launch(const std::shared_ptr<Pool>& pool, std::shared_ptr<Transport> t,
              const OutboxEntry& entry) {
    ++pool->busy;
    ++transfers;
    bool started = loop.Start(t->handle(), [this, pool, t, entry, live = alive](int code, long) {
      if (!*live) return;
      --pool->busy;
      --transfers;
      Record(entry, t->Finish(static_cast<CURLcode>(code)));
      pool->idle.push_back(t);
    });
    if (!started) {
      --pool->busy;
      --transfers;
      pool->idle.push_back(std::move(t));
      Record(entry, DeliveryResult{DeliveryOutcome::kRetry, "curl refused the transfer"});
    }
  }

  // Starts entry's delivery, or records at once why it cannot be made.
  // Returns false, doing nothing, when its destination has no free slot.
  bool Start(const OutboxEntry& entry) {
    return entry.channel == "email" ? StartEmail(entry) : StartWebhook(entry);
  }

  bool StartEmail(const OutboxEntry& entry) {
    OutgoingEmail mail{entry.notification_id, entry.destination, entry.payload};
    if (folder) {
      // Local file writes: quick, done in place.
      Record(entry, folder->Send(mail));
      return true;
    }
    auto pool = smtp;
    if (pool->busy >= options.per_destination) return false;
    std::shared_ptr<SmtpTransport> t;
    if (!pool->idle.empty()) {
      t = std::move(pool->idle.back());
      pool->idle.pop_back();
    } else {
      std::string error;
      t = SmtpTransport::Create(*settings.email, &error);
      if (!t) {
        Record(entry, DeliveryResult{DeliveryOutcome::kRetry, error});
        return true;
      }
      if (!t->warning().empty()) spdlog::warn("{}", t->warning());
    }
    std::string error;
    if (!t->Prepare(mail, &error)) {
      pool->idle.push_back(std::move(t));
      Record(entry, DeliveryResult{DeliveryOutcome::kPermanent, error});
      return true;
    }
    Launch(pool, std::move(t), entry);
    return true;
  }

  bool StartWebhook(const OutboxEntry& entry) {
    auto it = webhooks.find(entry.destination);
    if (it == webhooks.end()) {
      // Removed from the settings: nothing can deliver it any more.
      Record(entry, DeliveryResult{DeliveryOutcome::kPermanent,
                                   "webhook '" + entry.destination + "' is no longer configured"});
      return true;
    }
    auto pool = it->second;
    if (pool->busy >= options.per_destination) return false;
    std::shared_ptr<WebhookTransport> t;
    if (!pool->idle.empty()) {
      t = std::move(pool->idle.back());
      pool->idle.pop_back();
    } else {
      std::string error;
      t = WebhookTransport::Create(pool->hook, &error);
      if (!t) {
        Record(entry, DeliveryResult{DeliveryOutcome::kRetry, error});
        return true;
      }
    }
    std::string error;
    if (!t->Prepare(entry.notification_id, clock(), entry.payload, &error)) {
      pool->idle.push_back(std::move(t));
      Record(entry, DeliveryResult{DeliveryOutcome::kPermanent, error});
      return true;
    }
    Launch(pool, std::move(t), entry);
    return true;
  }

  // Takes the due entries the sender does not hold yet from the ledger.
  void Refill() {
    constexpr size_t kBatch = 4096;
    std::vector<OutboxEntry> due;
    std::string error;
    if (!ledger.DueEntries(clock(), kBatch, &due, &error)) {
      spdlog::error("ledger: cannot read the outbox: {}", error);
      return;
    }
    for (OutboxEntry& entry : due) {
      if (!in_flight.insert(entry.notification_id).second) continue;
      std::string key = entry.channel + ":" + entry.destination;
      ready[key].push_back(std::move(entry));
    }
  }

  // Starts what the bounds allow. refill: look in the ledger for newly due
  // entries even when some are already waiting (new work arrived, or a retry
  // came due); otherwise only when nothing waits.
  void Kick(bool refill = true) {
    if (draining || !configured) return;
    if (refill || ready.empty()) Refill();
    for (auto it = ready.begin(); it != ready.end();) {
      auto& queue = it->second;
      while (!queue.empty() && transfers < options.max_in_flight && Start(queue.front())) {
        queue.pop_front();
      }
      it = queue.empty() ? ready.erase(it) : std::next(it);
    }
    ArmWake();
  }

  // Sleeps until the earliest pending retry that is not in flight.
  void ArmWake() {
    std::optional<Instant> next;
    std::string error;
    if (!ledger.NextAttempt(&next, &error)) {
      spdlog::error("ledger: cannot read the outbox: {}", error);
      return;
    }
    wake.cancel();
    if (!next) return;
    Instant now = clock();
    // Entries due now but waiting for a free slot are started when a
    // transfer finishes; wake at least every second to pick up the rest.
    auto delay = *next > now ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next - now)
                             : std::chrono::steady_clock::duration(std::chrono::seconds(1));
    wake.expires_after(delay);
    wake.async_wait([this, live = alive](const boost::system::error_code& ec) {
      if (!ec && *live) Kick();
    });
  }
};

OutboxSender::OutboxSender(asio::io_context& io, Ledger& ledger, OutboxSenderOptions options,
                           Clock clock)
    : impl_(std::make_unique<Impl>(io, ledger, options, std::move(clock))) {}

OutboxSender::~OutboxSender() { *impl_->alive = false; }

void OutboxSender::Configure(const Settings& settings) { impl_->Configure(settings); }

void OutboxSender::Kick() { impl_->Kick(); }

void OutboxSender::Drain(std::function<void()> drained) {
  impl_->draining = true;
  impl_->wake.cancel();
  // Entries not started stay pending in the ledger for the next start.
  for (auto& [key, queue] : impl_->ready) {
    for (const OutboxEntry& e : queue) impl_->in_flight.erase(e.notification_id);
  }
  impl_->ready.clear();
  if (impl_->in_flight.empty()) {
    asio::post(impl_->io, std::move(drained));
    return;
  }
  impl_->drained = std::move(drained);
}

size_t OutboxSender::in_flight() const { return impl_->transfers; }

OutboxSenderStats OutboxSender::stats() const { return impl_->stats; }

}  // namespace plazo
