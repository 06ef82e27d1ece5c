// The stable JSON shapes of SPEC 4 (`status --json`), as text.
#ifndef PLAZO_DAEMON_JSON_OUTPUT_H_
#define PLAZO_DAEMON_JSON_OUTPUT_H_

#include <string>

#include "planner/status.h"

namespace plazo {

// {"at": ..., "overdue": [ITEM], "due_soon": [...], "later": [...],
//  "fulfilled": [...]} with `at` in RFC 3339 at zone's offset. ITEM adds
// "submitted" (a date) to the documented fields when evidence was submitted.
std::string StatusJson(const StatusReport& report, const date::time_zone* zone);

}  // namespace plazo

#endif  // PLAZO_DAEMON_JSON_OUTPUT_H_
