#include "daemon/html_page.h"

#include "config/time_text.h"
#include "notifiers/template.h"

namespace plazo {

namespace {

// The pages load nothing and may be framed by nobody; forms post only back
// here.
constexpr std::string_view kPagePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

constexpr std::string_view kStyle = R"css(
body { font-family: Arial, Helvetica, sans-serif; color: #222; max-width: 40em; margin: 2em auto;
       padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.4em; }
dt { font-weight: bold; margin-top: .6em; }
dd { margin-left: 0; }
textarea { width: 100%; box-sizing: border-box; font: inherit; }
button { background: #1f5f9e; color: #fff; border: 0; border-radius: 4px; padding: .7em 1.2em;
         font-size: 1em; font-weight: bold; cursor: pointer; margin-top: .8em; }
.done { border-left: 4px solid #1e7e34; padding: .2em 1em; }
.refused { border-left: 4px solid #c0392b; padding: .2em 1em; }
.small { color: #555; font-size: .9em; }
)css";

const char* const kMonthsEs[] = {"enero",      "febrero", "marzo",     "abril",
                                 "mayo",       "junio",   "julio",     "agosto",
                                 "septiembre", "octubre", "noviembre", "diciembre"};
const char* const kMonthsEn[] = {"January",   "February", "March",    "April",
                                 "May",       "June",     "July",     "August",
                                 "September", "October",  "November", "December"};

}  // namespace

HttpResponse HtmlPage(int status, std::string_view lang, std::string_view title,
                      const std::string& body_html, std::string_view extra_style) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Content-Security-Policy", std::string(kPagePolicy));
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.body = "<!DOCTYPE html>\n<html lang=\"" + std::string(lang) +
           "\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"robots\" content=\"noindex\">\n<title>" +
           EscapeHtml(title) + " · plazo</title>\n<style>" + std::string(kStyle) +
           std::string(extra_style) + "</style>\n</head>\n<body>\n<main>\n" + body_html +
           "</main>\n</body>\n</html>\n";
  return r;
}

std::string DateWords(Days d, std::string_view lang) {
  date::year_month_day ymd{d};
  unsigned month = static_cast<unsigned>(ymd.month()) - 1;
  std::string day = std::to_string(static_cast<unsigned>(ymd.day()));
  std::string year = std::to_string(static_cast<int>(ymd.year()));
  if (lang == "en") return day + " " + kMonthsEn[month] + " " + year;
  return day + " de " + kMonthsEs[month] + " de " + year;
}

std::string MomentWords(Instant t, const date::time_zone* zone, std::string_view lang) {
  std::string minute = FormatLocalMinute(t, zone);  // "2026-12-02 13:39"
  return DateWords(LocalDate(t, zone), lang) + (lang == "en" ? " at " : " a las ") +
         minute.substr(minute.size() - 5);
}

std::string DueWords(const Commitment& c, const date::time_zone* zone, std::string_view lang) {
  if (!c.due.instant) return DateWords(c.due.date, lang);
  return MomentWords(*c.due.instant, zone, lang);
}

}  // namespace plazo
