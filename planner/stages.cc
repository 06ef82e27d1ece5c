#include "planner/stages.h"

#include <algorithm>

#include "config/duration.h"
#include "config/time_text.h"

namespace plazo {
namespace {

constexpr Duration kDay = std::chrono::days(1);

bool WholeDays(Duration d) { return d.count() % kDay.count() == 0; }

date::days AsDays(Duration d) { return std::chrono::duration_cast<date::days>(d); }

// The nearest workday at or before (earlier) / at or after (later) day.
// A schedule always has at least one workday and finitely many holidays, so
// this ends; the bound is a guard against a corrupt schedule.
Days Shift(Days day, const Schedule& s, bool earlier) {
  for (int i = 0; i < 3660 && !s.IsWorkday(day); ++i) day += date::days(earlier ? -1 : 1);
  return day;
}

}  // namespace

std::string StageName(const Stage& stage, const Schedule& schedule) {
  switch (stage.kind) {
    case StageKind::kBefore:
      return "before-" + FormatDuration(schedule.before[stage.index]);
    case StageKind::kDue:
      return "due";
    case StageKind::kOverdue:
      return "overdue-" + std::to_string(stage.index);
    case StageKind::kEscalation:
      return "escalation";
  }
  return "due";
}

std::vector<StageTime> StagesFor(const Commitment& c, const Schedule& s) {
  std::vector<StageTime> out;
  if (!c.IsOpen()) return out;
  const date::time_zone* zone = s.zone;
  const bool by_day = !c.due.instant;
  const Instant due_instant = DueInstant(c.due, zone);
  auto on_day = [&](Days day, bool earlier) {
    return AtLocalTime(Shift(day, s, earlier), s.send_at_minutes, zone);
  };

  for (size_t i = 0; i < s.before.size(); ++i) {
    Duration offset = s.before[i];
    Instant at = by_day && WholeDays(offset) ? on_day(c.due.date - AsDays(offset), true)
                                              : due_instant - offset;
    out.push_back({{StageKind::kBefore, static_cast<uint8_t>(i)}, at});
  }
  if (s.on_due) {
    out.push_back({{StageKind::kDue, 0}, by_day ? on_day(c.due.date, true) : due_instant});
  }
  const int overdue_count = s.overdue_every.count() == 0 ? std::min(s.overdue_max, 1) : s.overdue_max;
  for (int k = 1; k <= overdue_count; ++k) {
    Instant at;
    if (by_day && WholeDays(s.overdue_every)) {
      at = on_day(c.due.date + date::days(1) + AsDays(s.overdue_every) * (k - 1), false);
    } else if (by_day) {
      at = on_day(c.due.date + date::days(1), false) + s.overdue_every * (k - 1);
    } else {
      at = due_instant + (s.overdue_every.count() == 0 ? kDay : s.overdue_every * k);
    }
    out.push_back({{StageKind::kOverdue, static_cast<uint8_t>(k)}, at});
  }
  if (s.escalate_after) {
    Duration after = *s.escalate_after;
    Instant at = by_day && WholeDays(after) ? on_day(c.due.date + AsDays(after), false)
                                             : due_instant + after;
    out.push_back({{StageKind::kEscalation, 0}, at});
  }

  // Sequence order is the push order; a stable sort by instant keeps it among
  // equals, so the last of each run of equal instants is the most urgent.
  std::stable_sort(out.begin(), out.end(),
                   [](const StageTime& a, const StageTime& b) { return a.at < b.at; });
  std::vector<StageTime> unique;
  unique.reserve(out.size());
  for (const StageTime& st : out) {
    if (!unique.empty() && unique.back().at == st.at) {
      unique.back() = st;
    } else {
      unique.push_back(st);
    }
  }
  return unique;
}

}  // namespace plazo
