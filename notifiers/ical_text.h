// The text layer of RFC 5545 iCalendar: escaping TEXT values, folding
// content lines, and the DATE, DATE-TIME and DURATION value spellings. Kept
// apart from what goes into a calendar (calendar.h) because these are the
// rules that decide whether calendar software can read the file at all.
#ifndef PLAZO_NOTIFIERS_ICAL_TEXT_H_
#define PLAZO_NOTIFIERS_ICAL_TEXT_H_

#include <string>
#include <string_view>

#include "config/model.h"

namespace plazo {

// The longest physical line RFC 5545 (3.1) allows, in octets, without the
// CRLF that ends it.
inline constexpr size_t kIcalLineOctets = 75;

// text as an RFC 5545 TEXT value (3.3.11): backslash, semicolon and comma
// are escaped with a backslash, and each line break (LF, CRLF or a lone CR)
// becomes the two characters "\n". Other control characters, which TEXT
// cannot hold, become spaces; horizontal tab is kept. Multi-byte UTF-8 passes
// through unchanged.
std::string EscapeIcalText(std::string_view text);

// One logical content line ("NAME;PARAM=x:value", without line break) as
// physical lines: each at most kIcalLineOctets octets, every continuation
// starting with one space, each ending in CRLF. A line is never cut inside a
// UTF-8 sequence, so every physical line is valid UTF-8 on its own (RFC 5545
// says SHOULD; several importers decode line by line). Unfolding (removing
// every CRLF followed by one space) gives line back. line must not contain
// CR or LF: values are escaped first.
std::string FoldIcalLine(std::string_view line);

// A DATE value: 2026-12-31 -> "20261231".
std::string FormatIcalDate(Days d);

// A DATE-TIME value in UTC ("form #2" of 3.3.5): "20261231T150000Z".
std::string FormatIcalUtc(Instant t);

// A DURATION value (3.3.6) in days, hours, minutes and seconds, signed:
// -30 days -> "-P30D"; -(29 days 15 hours) -> "-P29DT15H"; 90 s ->
// "PT1M30S"; zero -> "PT0S". Weeks are never used, since RFC 5545 does not
// let them mix with other units; an hour followed by seconds spells out the
// minutes ("PT1H0M5S"), as the grammar requires.
std::string FormatIcalDuration(Duration d);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_ICAL_TEXT_H_
