#include "planner/status.h"

#include <algorithm>
#include <tuple>

#include "config/time_text.h"

namespace plazo {

StatusReport ComputeStatus(const Config& config, Instant at) {
  StatusReport report;
  report.at = at;
  for (const Program& p : config.store.programs) {
    for (const Commitment& c : p.commitments) {
      const date::time_zone* zone = config.ScheduleFor(p, c).zone;
      StatusItem item{&p, &c, DaysLeft(c.due, at, zone), HoursLeft(c.due, at)};
      if (c.status == Status::kCumplido) {
        report.fulfilled.push_back(item);
      } else if (at >= DueInstant(c.due, zone)) {
        report.overdue.push_back(item);
      } else if (item.days_left <= kDueSoonDays) {
        report.due_soon.push_back(item);
      } else {
        report.later.push_back(item);
      }
    }
  }
  auto order = [](const StatusItem& a, const StatusItem& b) {
    return std::forward_as_tuple(a.commitment->due.date, a.program->id,
                                 a.commitment->number, a.commitment->part) <
           std::forward_as_tuple(b.commitment->due.date, b.program->id,
                                 b.commitment->number, b.commitment->part);
  };
  for (auto* list : {&report.overdue, &report.due_soon, &report.later, &report.fulfilled}) {
    std::sort(list->begin(), list->end(), order);
  }
  return report;
}

}  // namespace plazo
