// What every HTML page of the daemon shares: the page shell with its
// security headers (no scripts, no framing, nothing loaded from elsewhere),
// and dates in words. The officers' pages (ack_pages.h) and the control
// unit's (web_pages.h) are built on it.
#ifndef PLAZO_DAEMON_HTML_PAGE_H_
#define PLAZO_DAEMON_HTML_PAGE_H_

#include <string>
#include <string_view>

#include "config/model.h"
#include "daemon/http_listener.h"

namespace plazo {

// A complete HTML document with status: lang ("es" or "en"), title (text,
// escaped here), body_html (trusted markup) inside <main>, and extra_style
// after the shared style sheet. Sends Content-Security-Policy
// (default-src 'none', inline style only, forms to this origin) and
// X-Frame-Options: DENY.
HttpResponse HtmlPage(int status, std::string_view lang, std::string_view title,
                      const std::string& body_html, std::string_view extra_style = "");

// "2 de diciembre de 2026", or with lang "en" "2 December 2026".
std::string DateWords(Days d, std::string_view lang = "es");

// "2 de diciembre de 2026 a las 13:39" ("2 December 2026 at 13:39"), local to zone.
std::string MomentWords(Instant t, const date::time_zone* zone, std::string_view lang = "es");

// A part's due date in words: a date, or a moment for a due date-time.
std::string DueWords(const Commitment& c, const date::time_zone* zone,
                     std::string_view lang = "es");

}  // namespace plazo

#endif  // PLAZO_DAEMON_HTML_PAGE_H_
