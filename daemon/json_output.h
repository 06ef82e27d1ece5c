// The stable JSON shapes of SPEC 4 (`status --json`), as text.
#ifndef PLAZO_DAEMON_JSON_OUTPUT_H_
#define PLAZO_DAEMON_JSON_OUTPUT_H_

#include <functional>
#include <string>

#include <cstdint>
#include <vector>

#include "ledger/ledger.h"
#include "planner/status.h"

namespace plazo {

// The active acknowledgement of item's due date among acks, or nullptr.
const Acknowledgement* AckOf(const StatusItem& item, const std::vector<Acknowledgement>& acks);

// {"at": ..., "overdue": [ITEM], "due_soon": [...], "later": [...],
//  "fulfilled": [...], "deliveries": {...}} with `at` in RFC 3339 at zone's
// offset. ITEM adds "submitted" (a date) to the documented fields when
// evidence was submitted, and "previous_due" (the earlier due dates, oldest
// first) when the part was rescheduled, and "acknowledged": {"by", "at",
// "comment"} when an officer acknowledged its due date (problems'
// acknowledged, matched by AckKey), and "snooze": {"until", "reason"} when
// the part or its program is snoozed (SnoozeOf). "deliveries" holds sent and pending
// counts and the failing and given_up lists ({"id", "channel", "destination",
// "kind", "attempts", "since", "last_error"}).
std::string StatusJson(const StatusReport& report, const DeliveryReport& problems,
                       const date::time_zone* zone);

// One page of StatusJson (/api/v1/status), so that a store of 100,000
// parts is never answered in one piece: the items [offset, offset + limit)
// of overdue, due_soon, later and fulfilled taken in that order, each in
// its list, the deliveries as in StatusJson, and "page": {"offset",
// "limit", "total" (items in all four lists), "next"}: next_cursor(the
// next page's offset), or null on the last page.
std::string StatusPageJson(const StatusReport& report, const DeliveryReport& problems,
                           const date::time_zone* zone, size_t offset, size_t limit,
                           const std::function<std::string(size_t offset)>& next_cursor);

}  // namespace plazo

#endif  // PLAZO_DAEMON_JSON_OUTPUT_H_
