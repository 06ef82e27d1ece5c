#include "notifiers/ical_text.h"

#include <cstdio>

#include "base/utf8.h"

namespace plazo {

std::string EscapeIcalText(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r':
        // CRLF is one line break; a lone CR is one too (old Mac text).
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      default: {
        unsigned char u = static_cast<unsigned char>(c);
        out += ((u < 0x20 && c != '\t') || u == 0x7f) ? ' ' : c;
      }
    }
  }
  return out;
}

std::string FoldIcalLine(std::string_view line) {
  std::string out;
  out.reserve(line.size() + 3 * (line.size() / (kIcalLineOctets - 1) + 1));
  // The first physical line holds 75 octets; a continuation's leading space
  // counts too, leaving 74 for content.
  size_t room = kIcalLineOctets;
  while (line.size() > room) {
    size_t cut = Utf8Boundary(line, room);
    // Only invalid UTF-8 (a run of continuation bytes longer than a line)
    // backs off to nothing; then cutting anywhere is the best there is.
    if (cut == 0) cut = room;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    room = kIcalLineOctets - 1;
  }
  out.append(line);
  out += "\r\n";
  return out;
}

std::string FormatIcalDate(Days d) {
  date::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string FormatIcalUtc(Instant t) {
  date::sys_days day = date::floor<date::days>(t);
  date::hh_mm_ss<Duration> time{t - day};
  date::year_month_day ymd{day};
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buf;
}

std::string FormatIcalDuration(Duration d) {
  long long total = d.count();
  std::string out = total < 0 ? "-P" : "P";
  unsigned long long magnitude = total < 0 ? 0ULL - static_cast<unsigned long long>(total)
                                           : static_cast<unsigned long long>(total);
  unsigned long long days = magnitude / 86400, rest = magnitude % 86400;
  unsigned long long hours = rest / 3600, minutes = rest % 3600 / 60, seconds = rest % 60;
  if (days > 0) out += std::to_string(days) + "D";
  if (rest == 0) {
    if (days == 0) out += "T0S";
    return out;
  }
  out += "T";
  if (hours > 0) out += std::to_string(hours) + "H";
  if (minutes > 0 || (hours > 0 && seconds > 0)) out += std::to_string(minutes) + "M";
  if (seconds > 0) out += std::to_string(seconds) + "S";
  return out;
}

}  // namespace plazo
