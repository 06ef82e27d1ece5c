// The control unit's pages: where every commitment stands, who was told,
// who answered. Server-rendered HTML without scripts, in the settings'
// language (Spanish, or English with language = "en"), printable. They show
// officers' addresses, so http_routes.cc serves them to logged-in users of
// [http] users_file only (or local clients when there is none).
//
// The data is the same as `plazod status --json` and /api/v1/status:
// ComputeStatus over the configuration in force, and Ledger::Report and the
// acknowledgements of the ledger.
#ifndef PLAZO_DAEMON_WEB_PAGES_H_
#define PLAZO_DAEMON_WEB_PAGES_H_

#include <string_view>

#include "daemon/http_routes.h"

namespace plazo {

// GET /: counts per ministry and service (open, overdue, due within 30
// days, fulfilled, acknowledged) and the next reminders. The query filters
// by ministry, service, owner and state (overdue, due_soon, later,
// fulfilled, acknowledged); with any filter the page also lists the parts
// of the view. format=csv answers that list as CSV (RFC 4180) instead.
HttpResponse SummaryPage(const HttpRequest& r, const DaemonState& state);

// GET /programs/<id>: the program's parts with status, due date (and
// earlier ones), days left, owners, acknowledgement and every delivery of
// each part. 404 for an unknown id, 503 when the ledger cannot be read.
HttpResponse ProgramPage(std::string_view id, const DaemonState& state);

// GET /deliveries: failing and given-up deliveries with their last error,
// newest first. 503 when the ledger cannot be read.
HttpResponse DeliveriesPage(const DaemonState& state);

}  // namespace plazo

#endif  // PLAZO_DAEMON_WEB_PAGES_H_
