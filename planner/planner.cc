#include "planner/planner.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "base/hash.h"
#include "config/time_text.h"

namespace plazo {
namespace {

// The seed of notification ids. It is not FNV's offset basis (a digit short
// of kFnv1aBasis), but ids are stored in ledgers and name outbox files, so it
// stays: another seed would give every pending notification a new id.
constexpr uint64_t kNotificationIdSeed = 1469598103934665603ULL;

int Urgency(StageKind k) { return static_cast<int>(k); }

// Sorts items (overdue and escalation first, then due, then reminders; by
// due date within), sets kind and derives the id.
void Finish(Notification& n) {
  std::sort(n.items.begin(), n.items.end(), [](const PlannedItem& a, const PlannedItem& b) {
    return std::make_tuple(-Urgency(a.stage.kind), a.commitment->due.date, std::cref(a.program->id),
                           a.commitment->number, a.commitment->part) <
           std::make_tuple(-Urgency(b.stage.kind), b.commitment->due.date, std::cref(b.program->id),
                           b.commitment->number, b.commitment->part);
  });
  StageKind most = StageKind::kBefore;
  for (const PlannedItem& i : n.items) most = std::max(most, i.stage.kind);
  n.kind = KindName(most);
  uint64_t h = Fnv1a(ChannelName(n.channel), kNotificationIdSeed);
  h = Fnv1a(n.destination, Fnv1a("\n", h));
  h = Fnv1a(std::to_string(n.at.time_since_epoch().count()), Fnv1a("\n", h));
  for (const PlannedItem& i : n.items) h = Fnv1a(i.key, Fnv1a("\n", h));
  char id[24];
  std::snprintf(id, sizeof id, "ntf_%016llx", static_cast<unsigned long long>(h));
  n.id = id;
}

// A notification per instant, channel and destination; and per program for
// a webhook whose format threads messages by program (Google Chat's
// threadKey, issue 16), whose program is then the last member.
using GroupKey = std::tuple<Instant, Channel, std::string, std::string>;

// Whether destination's notifications are split per program.
bool PerProgram(const Config& config, Channel channel, const std::string& destination) {
  if (channel != Channel::kWebhook) return false;
  auto it = config.settings.webhooks.find(destination);
  return it != config.settings.webhooks.end() && it->second.format == WebhookFormat::kGoogleChat;
}

std::vector<Notification> Collect(std::map<GroupKey, Notification>& groups) {
  std::vector<Notification> out;
  out.reserve(groups.size());
  for (auto& [key, n] : groups) {
    Finish(n);
    out.push_back(std::move(n));
  }
  return out;
}

void AddTo(const Config& config, std::map<GroupKey, Notification>& groups, Instant at,
           Channel channel, const std::string& destination, PlannedItem item) {
  std::string thread = PerProgram(config, channel, destination) ? item.program->id : std::string();
  auto [it, fresh] = groups.try_emplace(GroupKey{at, channel, destination, std::move(thread)});
  Notification& n = it->second;
  if (fresh) {
    n.at = at;
    n.channel = channel;
    n.destination = destination;
  }
  n.items.push_back(std::move(item));
}

}  // namespace

std::string_view KindName(StageKind k) {
  switch (k) {
    case StageKind::kBefore: return "reminder";
    case StageKind::kDue: return "due";
    case StageKind::kOverdue: return "overdue";
    case StageKind::kEscalation: return "escalation";
  }
  return "reminder";
}

std::string_view ChannelName(Channel channel) {
  return channel == Channel::kEmail ? "email" : "webhook";
}

std::string DueKey(const Commitment& c) {
  return c.due.instant ? std::to_string(c.due.instant->time_since_epoch().count())
                       : FormatIsoDate(c.due.date);
}

std::string DeliveryKey(const Program& p, const Commitment& c, std::string_view stage_name,
                        Channel channel, std::string_view destination) {
  std::string due = DueKey(c);
  std::string key;
  key.reserve(p.id.size() + c.id.size() + due.size() + stage_name.size() + destination.size() + 16);
  key += p.id;
  key += '/';
  key += c.id;
  key += '/';
  key += due;
  key += '/';
  key += stage_name;
  key += '/';
  key += ChannelName(channel);
  key += ':';
  key += destination;
  return key;
}

bool Planner::InIndexOrder(const Event& a, const Event& b) {
  return std::tie(a.at, a.program, a.commitment) < std::tie(b.at, b.program, b.commitment);
}

Planner::Planner(const Config& config) : config_(config) {
  const auto& programs = config.store.programs;
  // Reserve the most stages any part can have, so the index is built without
  // regrowing (which would briefly need twice its memory).
  size_t bound = 0;
  for (const Program& p : programs) {
    for (const Commitment& c : p.commitments) {
      if (!c.IsOpen()) continue;
      const Schedule& s = config.ScheduleFor(p, c);
      bound += s.before.size() + 2 + static_cast<size_t>(s.overdue_max);
    }
  }
  events_.reserve(bound);
  for (uint32_t pi = 0; pi < programs.size(); ++pi) AddProgram(pi, events_);
  std::sort(events_.begin(), events_.end(), InIndexOrder);
}

Planner::Planner(const Config& config, Instant from, Instant until)
    : config_(config), from_(from), until_(until) {
  for (uint32_t pi = 0; pi < config.store.programs.size(); ++pi) {
    AddProgram(pi, events_, from, until);
  }
  std::sort(events_.begin(), events_.end(), InIndexOrder);
}

Planner::Planner(const Config& config, const Planner& previous, const std::vector<int>& old_to_new,
                 const std::vector<uint32_t>& fresh)
    : config_(config), from_(previous.from_), until_(previous.until_) {
  std::vector<Event> added;
  for (uint32_t pi : fresh) AddProgram(pi, added, from_, until_);
  std::sort(added.begin(), added.end(), InIndexOrder);
  events_.reserve(previous.events_.size() + added.size());
  for (Event e : previous.events_) {
    int to = e.program < old_to_new.size() ? old_to_new[e.program] : -1;
    if (to < 0) continue;
    e.program = static_cast<uint32_t>(to);
    events_.push_back(e);
  }
  // Both runs are in instant order; ties between programs may interleave
  // differently than a full build, which no query depends on.
  auto middle = events_.insert(events_.end(), added.begin(), added.end());
  std::inplace_merge(events_.begin(), middle, events_.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
}

void Planner::AddProgram(uint32_t pi, std::vector<Event>& out, Instant from, Instant until) const {
  const Program& p = config_.store.programs[pi];
  for (size_t ci = 0; ci < p.commitments.size(); ++ci) {
    const Commitment& c = p.commitments[ci];
    for (const StageTime& st : StagesFor(c, config_.ScheduleFor(p, c))) {
      if (st.at < from || st.at > until) continue;
      out.push_back(Event{st.at, pi, static_cast<uint16_t>(ci), st.stage});
    }
  }
}

template <typename Add>
void Planner::Expand(const Event& e, Instant send_at, const LedgerView& ledger, Add add) const {
  const Program& p = config_.store.programs[e.program];
  const Commitment& c = p.commitments[e.commitment];
  // An acknowledged due date counts as submitted: nothing more about it.
  if (!ledger.acknowledged.empty() &&
      ledger.acknowledged.count(AckKey(p.id, c.id, DueKey(c), StatusName(c.status))) > 0) {
    return;
  }
  const Schedule& s = config_.ScheduleFor(p, c);
  std::string stage_name = StageName(e.stage, s);
  auto item_for = [&](Channel channel, const std::string& destination) {
    PlannedItem item;
    item.program = &p;
    item.commitment = &c;
    item.schedule = &s;
    item.stage = e.stage;
    item.stage_name = stage_name;
    item.stage_at = e.at;
    item.days_left = DaysLeft(c.due, send_at, s.zone);
    item.late = send_at - e.at > kLateAfter;
    item.key = DeliveryKey(p, c, stage_name, channel, destination);
    return item;
  };
  std::vector<const std::string*> emails;
  for (const std::string& owner : config_.OwnersFor(p, c)) emails.push_back(&owner);
  const size_t owners = emails.size();  // the rest are escalation contacts
  if (e.stage.kind == StageKind::kEscalation) {
    for (const std::string& boss : s.escalate_to) {
      bool dup = std::any_of(emails.begin(), emails.end(), [&](auto* x) { return *x == boss; });
      if (!dup) emails.push_back(&boss);
    }
  }
  for (size_t k = 0; k < emails.size(); ++k) {
    const std::string* email = emails[k];
    PlannedItem item = item_for(Channel::kEmail, *email);
    item.escalation_contact = k >= owners;
    if (!ledger.Handled(item.key)) add(Channel::kEmail, *email, std::move(item));
  }
  for (const std::string& hook : p.webhooks) {
    PlannedItem item = item_for(Channel::kWebhook, hook);
    if (!ledger.Handled(item.key)) add(Channel::kWebhook, hook, std::move(item));
  }
}

std::vector<Notification> Planner::Window(Instant from, Instant until, const LedgerView& ledger,
                                          std::vector<PlannedItem>* snoozed) const {
  auto by_at = [](const Event& e, Instant t) { return e.at < t; };
  auto first = std::lower_bound(events_.begin(), events_.end(), from, by_at);
  std::map<GroupKey, Notification> groups;
  for (auto it = first; it != events_.end() && it->at <= until; ++it) {
    Expand(*it, it->at, ledger, [&](Channel ch, const std::string& dest, PlannedItem item) {
      if (!InSnooze(item)) {
        AddTo(config_, groups, it->at, ch, dest, std::move(item));
      } else if (snoozed != nullptr) {
        snoozed->push_back(std::move(item));
      }
    });
  }
  return Collect(groups);
}

DuePlan Planner::Due(Instant now, const LedgerView& ledger) const {
  bool catch_up = ledger.planned_through && *ledger.planned_through < now;
  auto by_at = [](const Event& e, Instant t) { return e.at < t; };
  auto first = catch_up ? std::upper_bound(events_.begin(), events_.end(), *ledger.planned_through,
                                           [](Instant t, const Event& e) { return t < e.at; })
                        : std::lower_bound(events_.begin(), events_.end(), now, by_at);
  // The newest unhandled stage per delivery target (part, channel,
  // destination) wins; events come in time order, so a later one replaces.
  using Target = std::tuple<uint32_t, uint16_t, Channel, std::string>;
  std::map<Target, PlannedItem> newest;
  DuePlan plan;
  for (auto it = first; it != events_.end() && it->at <= now; ++it) {
    Expand(*it, now, ledger, [&](Channel ch, const std::string& dest, PlannedItem item) {
      if (InSnooze(item)) {
        plan.snoozed.push_back(std::move(item));
        return;
      }
      auto [slot, fresh] = newest.try_emplace(Target{it->program, it->commitment, ch, dest});
      if (!fresh) plan.skipped.push_back(std::move(slot->second));
      slot->second = std::move(item);
    });
  }
  std::map<GroupKey, Notification> groups;
  for (auto& [target, item] : newest) {
    AddTo(config_, groups, now, std::get<2>(target), std::get<3>(target), std::move(item));
  }
  plan.notifications = Collect(groups);
  return plan;
}

bool InSnooze(const PlannedItem& item) {
  std::optional<Snooze> snooze = SnoozeOf(*item.program, *item.commitment);
  return snooze && item.stage_at < StartOfDay(*snooze->until, item.schedule->zone);
}

std::optional<Instant> Planner::NextInstant(Instant t) const {
  auto it = std::upper_bound(events_.begin(), events_.end(), t,
                             [](Instant x, const Event& e) { return x < e.at; });
  if (it == events_.end()) return std::nullopt;
  return it->at;
}

}  // namespace plazo
