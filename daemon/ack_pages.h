// The officer-facing routes (issue 14), reached through [http] public_url:
//   GET  /ack/<token>           what the link acknowledges, and a form;
//                               never changes anything (mail scanners open
//                               every link)
//   POST /ack/<token>           records the acknowledgement (idempotent) and
//                               tells the program's webhooks
//   GET  /calendar/<token>.ics  the officer's own deadlines
// Tokens are link_token.h's. Every refusal is a short Spanish page with a
// 4xx status that changes nothing; tokens are never logged.
#ifndef PLAZO_DAEMON_ACK_PAGES_H_
#define PLAZO_DAEMON_ACK_PAGES_H_

#include <string_view>

#include "daemon/http_routes.h"

namespace plazo {

// The longest comment an officer may leave, in characters (code points).
inline constexpr size_t kMaxAckComment = 1000;

// The answer to GET, HEAD or POST /ack/<token>.
HttpResponse AckRoute(const HttpRequest& r, std::string_view token, const DaemonState& state);

// The answer to GET /calendar/<token>.ics.
HttpResponse CalendarRoute(std::string_view token, const DaemonState& state);

}  // namespace plazo

#endif  // PLAZO_DAEMON_ACK_PAGES_H_
