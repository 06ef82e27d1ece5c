#include "dispatch/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "config/time_text.h"
#include "dispatch/composer.h"
#include "dispatch/outbox_sender.h"
#include "ledger/ledger.h"
#include "planner/planner.h"

namespace plazo {
namespace {

// After a failed tick: the disk may come back, a template be fixed.
constexpr Duration kRetryTick = std::chrono::minutes(1);

// Whether any schedule of config escalates to address.
bool IsEscalationContact(const Config& config, const std::string& address) {
  for (const auto& [name, schedule] : config.settings.schedules) {
    for (const std::string& boss : schedule.escalate_to) {
      if (boss == address) return true;
    }
  }
  return false;
}

// Fills n.acknowledged, for an e-mail to an escalation contact, with the
// acknowledgements in acks recorded after since (every one when nullopt)
// that still hold under config (same due date and rating) for a part whose
// schedule escalates to n's destination.
void AddAcknowledged(const Config& config, const std::vector<Acknowledgement>& acks,
                     std::optional<Instant> since, Notification& n) {
  for (const Acknowledgement& a : acks) {
    if (since && a.at <= *since) continue;
    for (const Program& p : config.store.programs) {
      if (p.id != a.program) continue;
      for (const Commitment& c : p.commitments) {
        if (c.id != a.commitment || DueKey(c) != a.due || StatusName(c.status) != a.status)
          continue;
        const Schedule& s = config.ScheduleFor(p, c);
        if (std::find(s.escalate_to.begin(), s.escalate_to.end(), n.destination) ==
            s.escalate_to.end()) {
          continue;
        }
        n.acknowledged.push_back({&p, &c, a.recipient, a.at, a.comment});
      }
    }
  }
}

}  // namespace

bool Dispatcher::Start(Instant now, std::string* error) {
  LedgerView view;
  // Keys planned from the end of time on: none; this reads planned_through.
  if (!ledger_.LoadView(Instant::max(), &view, error)) return false;
  planned_through_ = view.planned_through;
  if (planned_through_) return true;
  if (!ledger_.SetPlannedThrough(now, error)) return false;
  planned_through_ = now;
  return true;
}

TickReport Dispatcher::Tick(const Planner& planner, const Composer& composer, Instant now) {
  TickReport report;
  LedgerView view;
  // Due looks only at stages after planned_through: only their keys matter.
  Instant since = planned_through_ ? std::min(*planned_through_, now) : now;
  if (!ledger_.LoadView(since, &view, &report.error)) {
    spdlog::error("ledger: {}", report.error);
    report.next = now + kRetryTick;
    return report;
  }
  DuePlan plan = planner.Due(now, view);
  // Escalation contacts hear, in their next e-mail, who acknowledged what.
  if (!view.acknowledged.empty()) {
    std::vector<Acknowledgement> acks;
    std::string error;
    bool read = false;
    for (Notification& n : plan.notifications) {
      if (n.channel != Channel::kEmail || !IsEscalationContact(planner.config(), n.destination)) {
        continue;
      }
      std::optional<Instant> since;
      if ((!read && !(read = ledger_.Acks(false, &acks, &error))) ||
          !ledger_.LastEmailTo(n.destination, &since, &error)) {
        spdlog::warn("ledger: {}; e-mails go without acknowledgement news", error);
        break;
      }
      AddAcknowledged(planner.config(), acks, since, n);
    }
  }
  Ledger::Tick tick;
  tick.enqueue.reserve(plan.notifications.size());
  for (const Notification& n : plan.notifications) {
    Ledger::Enqueued e;
    std::string error;
    if (!composer.Compose(n, now, &e.entry, &error)) {
      spdlog::error("{}", error);
      report.error = error;
      continue;
    }
    e.items = PendingItems(n);
    tick.enqueue.push_back(std::move(e));
  }
  for (const PlannedItem& i : plan.skipped) {
    tick.skipped.push_back(DeliveryRecord{i.key, "", DeliveryState::kSkipped, i.stage_at, {}});
  }
  size_t superseded = tick.skipped.size();
  for (const PlannedItem& i : plan.snoozed) {
    tick.skipped.push_back(DeliveryRecord{i.key, "", DeliveryState::kSkipped, i.stage_at, {}});
  }
  // A notification that could not be composed is planned again next tick.
  bool complete = report.error.empty();
  if (complete && (!view.planned_through || *view.planned_through < now)) {
    tick.planned_through = now;
  }
  if (!tick.enqueue.empty() || !tick.skipped.empty() || tick.planned_through) {
    std::string error;
    if (!ledger_.CommitTick(tick, now, &error)) {
      spdlog::error("ledger: {}", error);
      report.error = error;
      report.next = now + kRetryTick;
      return report;
    }
  }
  if (tick.planned_through) planned_through_ = tick.planned_through;
  const bool one_by_one = tick.enqueue.size() + tick.skipped.size() <= kLoggedOneByOne;
  const auto level = one_by_one ? spdlog::level::info : spdlog::level::debug;
  if (!one_by_one) {
    spdlog::info("queued {} notification(s), skipped {} superseded and {} snoozed stage(s)",
                 tick.enqueue.size(), superseded, tick.skipped.size() - superseded);
  }
  for (const Ledger::Enqueued& e : tick.enqueue) {
    spdlog::log(level, "queued {} {} to {} {} with {} item(s)", e.entry.kind,
                e.entry.notification_id, e.entry.channel, e.entry.destination, e.items.size());
  }
  for (size_t i = 0; i < tick.skipped.size(); ++i) {
    if (i < superseded) {
      spdlog::log(level, "skipped {} (superseded by a later stage)", tick.skipped[i].key);
      continue;
    }
    const PlannedItem& item = plan.snoozed[i - superseded];
    std::optional<Snooze> snooze = SnoozeOf(*item.program, *item.commitment);
    spdlog::log(level, "skipped {} (snoozed until {}{}{})", item.key, FormatIsoDate(*snooze->until),
                snooze->reason.empty() ? "" : ": ", snooze->reason);
  }
  report.queued = tick.enqueue.size();
  report.skipped = tick.skipped.size();
  std::vector<OutboxEntry> entries;
  entries.reserve(tick.enqueue.size());
  for (Ledger::Enqueued& e : tick.enqueue) {
    // What the ledger set on insert, which the sender orders by.
    e.entry.created_at = now;
    e.entry.next_attempt_at = now;
    entries.push_back(std::move(e.entry));
  }
  if (!entries.empty()) sender_.Add(std::move(entries));
  report.next = complete ? planner.NextInstant(now) : std::optional<Instant>(now + kRetryTick);
  return report;
}

}  // namespace plazo
