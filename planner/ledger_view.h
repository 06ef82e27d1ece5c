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

  [[nodiscard]] bool Handled(const std::string& key) const { return handled.count(key) > 0; }
};

}  // namespace plazo

#endif  // PLAZO_PLANNER_LEDGER_VIEW_H_
