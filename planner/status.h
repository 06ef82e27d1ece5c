// Commitments by state at one instant (`plazod status`, SPEC 4).
#ifndef PLAZO_PLANNER_STATUS_H_
#define PLAZO_PLANNER_STATUS_H_

#include <optional>
#include <vector>

#include "config/model.h"

namespace plazo {

// Within this many days a part is "due soon".
inline constexpr int kDueSoonDays = 30;

// One part as seen at the report's instant. Pointers refer into the Config
// the report was computed from, which must outlive it.
struct StatusItem {
  const Program* program = nullptr;
  const Commitment* commitment = nullptr;
  // DaysLeft() at the report's instant, in the part's schedule time zone:
  // negative once the part is past its due instant.
  int days_left = 0;
  // HoursLeft(): set for a date-time due only.
  std::optional<int> hours_left;
};

struct StatusReport {
  Instant at;
  std::vector<StatusItem> overdue;    // open and past the due instant
  std::vector<StatusItem> due_soon;   // open, due within kDueSoonDays
  std::vector<StatusItem> later;      // open, due after that
  std::vector<StatusItem> fulfilled;  // rated cumplido
};

// Classifies every part of config's store at instant at. A part is overdue
// once its due instant (the end of the due day, local) has passed; a part with
// evidence submitted but not yet rated is still classified by its date (the
// caller shows `submitted`). Each list is sorted by due date, then program id,
// number and part.
StatusReport ComputeStatus(const Config& config, Instant at);

}  // namespace plazo

#endif  // PLAZO_PLANNER_STATUS_H_
