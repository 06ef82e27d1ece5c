// Reading and writing instants and dates as text: the T of `--at T`, RFC 3339
// output with a local offset, ISO dates. All zone arithmetic goes through
// date/tz so that DST changes are handled by the tz database, not by us.
#ifndef PLAZO_CONFIG_TIME_TEXT_H_
#define PLAZO_CONFIG_TIME_TEXT_H_

#include <optional>
#include <string>
#include <string_view>

#include "config/model.h"

namespace plazo {

// "2025-06-30" -> that date; nullopt unless it is a valid calendar date.
[[nodiscard]] std::optional<Days> ParseIsoDate(std::string_view text);

// "YYYY-MM-DD".
std::string FormatIsoDate(Days d);

// A command-line time: a date ("2026-11-24", meaning its first instant in
// zone) or an RFC 3339 date-time with offset ("2026-12-01T09:00:00-03:00",
// "...Z", fractional seconds dropped). nullopt for anything else.
[[nodiscard]] std::optional<Instant> ParseInstant(std::string_view text,
                                    const date::time_zone* zone);

// "2026-11-24T09:00:00-03:00": the instant in zone, with its offset there.
std::string FormatRfc3339(Instant t, const date::time_zone* zone);

// "2026-11-24 09:00": the local minute of t in zone, for status lines.
std::string FormatLocalMinute(Instant t, const date::time_zone* zone);

// The first instant of local day d in zone. On a day whose midnight does not
// exist (a DST gap), the first instant after the gap.
Instant StartOfDay(Days d, const date::time_zone* zone);

// The local calendar date of t in zone.
Days LocalDate(Instant t, const date::time_zone* zone);

// The instant of local day d at minutes after midnight in zone. A local time
// skipped by a DST gap maps to the instant the gap ends; an ambiguous one
// (clocks going back) to its first occurrence.
Instant AtLocalTime(Days d, int minutes, const date::time_zone* zone);

// The zone called name in the system tz database, or nullptr if unknown.
const date::time_zone* FindZone(std::string_view name);

}  // namespace plazo

#endif  // PLAZO_CONFIG_TIME_TEXT_H_
