// Duration strings of the settings file: "90s", "15m", "12h", "7d", "2w", "0".
#ifndef PLAZO_CONFIG_DURATION_H_
#define PLAZO_CONFIG_DURATION_H_

#include <optional>
#include <string>
#include <string_view>

#include "config/model.h"

namespace plazo {

// Parses a whole number followed by one unit (s, m, h, d, w), or a bare "0".
// Returns nullopt for anything else: empty, signs, spaces, fractions, unknown
// units, or values above ten years (a typo, never a real schedule).
[[nodiscard]] std::optional<Duration> ParseDuration(std::string_view text);

// The shortest exact spelling: 604800s -> "7d", 1209600s -> "14d", 90s -> "90s".
// Weeks are written as days, matching how schedules name stages ("before-14d").
std::string FormatDuration(Duration d);

}  // namespace plazo

#endif  // PLAZO_CONFIG_DURATION_H_
