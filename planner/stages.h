// The reminder stages of one commitment part under its schedule (SPEC 5.1):
// before-<offset>, due, overdue-<k> and escalation, each at an instant.
#ifndef PLAZO_PLANNER_STAGES_H_
#define PLAZO_PLANNER_STAGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "config/model.h"

namespace plazo {

// In sequence order: a later kind is more urgent.
enum class StageKind : uint8_t { kBefore, kDue, kOverdue, kEscalation };

struct Stage {
  StageKind kind = StageKind::kDue;
  // kBefore: the index into Schedule::before (largest offset first);
  // kOverdue: k, from 1. Unused otherwise.
  uint8_t index = 0;

  friend bool operator==(const Stage&, const Stage&) = default;
};

// "before-30d", "due", "overdue-3", "escalation". before offsets are spelled
// by FormatDuration (duration.h), so "2w" in a schedule reads "before-14d".
std::string StageName(const Stage& stage, const Schedule& schedule);

struct StageTime {
  Stage stage;
  Instant at;
};

// Every stage of part c under schedule s, sorted by instant; empty for a part
// that is not open (cumplido, or evidence submitted).
//
// Date dues: stages fall on local days at s.send_at; days that are not
// workdays or are holidays move before/due earlier and overdue/escalation
// later, to the nearest workday. Offsets that are not whole days count from
// the due instant (end of the due day) instead, unshifted.
// Date-time dues: stages are exact instants (due - offset, due, due + k *
// overdue_every, due + escalate_after), never shifted: whoever sets an hour
// means that hour.
// Two stages that land on the same instant (e.g. before-1d and before-3d
// both moved to a Friday) collapse into the more urgent one, so nobody gets
// the same part twice in one message.
std::vector<StageTime> StagesFor(const Commitment& c, const Schedule& s);

}  // namespace plazo

#endif  // PLAZO_PLANNER_STAGES_H_
