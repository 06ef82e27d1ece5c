// What the planner needs to know of the ledger: which deliveries are already
// handled, and how far the daemon has planned. Plain data, filled by the
// ledger (ledger/ledger.h) and read by the planner, which never touches
// SQLite itself.
#ifndef PLAZO_PLANNER_LEDGER_VIEW_H_
#define PLAZO_PLANNER_LEDGER_VIEW_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "config/model.h"

namespace plazo {

struct LedgerView {
  // Delivery keys (DeliveryKey in planner/planner.h) recorded in any state:
  // pending, sent, failed, given up or skipped. A handled key is never
  // planned again.
  std::unordered_set<std::string> handled;
  // Every stage at or before this instant has been dealt with (sent or
  // skipped); catch-up only looks after it. Absent before the first run.
  std::optional<Instant> planned_through;
  // AckKey() of every active acknowledgement (ledger.h Acknowledgement):
  // parts whose due date the planner treats as submitted.
  std::unordered_set<std::string> acknowledged;

  [[nodiscard]] bool Handled(const std::string& key) const { return handled.count(key) > 0; }
};

// "program/commitment/due/status": an acknowledgement holds while the part
// keeps the due date and rating it had when acknowledged.
inline std::string AckKey(std::string_view program, std::string_view commitment,
                          std::string_view due, std::string_view status) {
  std::string key;
  key.reserve(program.size() + commitment.size() + due.size() + status.size() + 3);
  key.append(program).append("/").append(commitment).append("/").append(due).append("/").append(status);
  return key;
}

}  // namespace plazo

#endif  // PLAZO_PLANNER_LEDGER_VIEW_H_
