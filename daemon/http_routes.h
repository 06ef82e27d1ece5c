// The routes of the daemon's HTTP endpoint (http_listener.h): /healthz,
// /metrics (Prometheus), /api/v1/status, the officers' /ack/<token> and
// /calendar/<token>.ics (ack_pages.h), and, for local clients only,
// /calendar.ics?owner=. Each answer is computed from the configuration in
// force and the ledger at the time of the request; only POST /ack/<token>
// changes state.
#ifndef PLAZO_DAEMON_HTTP_ROUTES_H_
#define PLAZO_DAEMON_HTTP_ROUTES_H_

#include <functional>
#include <string>
#include <vector>

#include "daemon/http_listener.h"
#include "daemon/loaded_config.h"
#include "dispatch/outbox_sender.h"

namespace plazo {

class Ledger;
class WebAuth;

// What the routes read of the running daemon.
struct DaemonState {
  const LoadedConfig* loaded = nullptr;
  Ledger* ledger = nullptr;
  OutboxSenderStats delivery;  // since this start
  // What of the files on disk is not in force ("running on the
  // configuration accepted at ..."); empty when everything is.
  std::string config_problem;
  size_t config_errors = 0;
  bool last_good = false;  // some file runs on its last good version
  Instant last_reload_at{};
  Instant now{};
  // Hands outbox entries a route stored (an acknowledgement's webhooks) to
  // the sender; unset in tests that do not send.
  std::function<void(std::vector<OutboxEntry>)> enqueued;
  // Checks the web users' logins ([http] users_file); unset: no one logs in.
  WebAuth* auth = nullptr;
};

// The answer to r: 200 with the resource, 404 for any other path, 405 for
// a POST anywhere but /ack/, 503 when the ledger cannot be read for
// /api/v1/status. /api/v1/status and /calendar.ics show officers'
// addresses: with [http] users_file they need a user (401 with
// WWW-Authenticate, 429 with Retry-After past the failure limits), without
// it they answer local clients only (403).
HttpResponse Route(const HttpRequest& r, const DaemonState& state);

}  // namespace plazo

#endif  // PLAZO_DAEMON_HTTP_ROUTES_H_
