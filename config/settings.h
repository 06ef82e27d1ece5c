// Loading the settings file (SPEC 3.1) and the whole configuration.
#ifndef PLAZO_CONFIG_SETTINGS_H_
#define PLAZO_CONFIG_SETTINGS_H_

#include <string>
#include <string_view>

#include "config/diagnostics.h"
#include "config/file_text.h"
#include "config/model.h"

namespace plazo {

// Where the settings live when --config is not given.
inline constexpr std::string_view kDefaultSettingsPath = "/etc/plazo/plazod.toml";

// The embedded defaults: SPEC 3.1's [daemon] values and the built-in "dipres"
// schedule, no [email] (mail goes to the outbox), no webhooks.
Settings DefaultSettings();

// The built-in "dipres" schedule in zone timezone. It equals SPEC 3.1's example
// except that escalate_to is empty: a built-in cannot know a real address, so
// escalations go to the owners only until a settings file names one.
Schedule BuiltinDipresSchedule(const std::string& timezone);

// Reads and validates the settings file at path on top of the defaults.
// Relative paths inside it (store, state, holidays_file, secret files) are
// resolved against the file's folder. Every problem is added to diags;
// returns true when there was none (then *out is complete and valid). read
// gets the settings file and every holidays file it names.
[[nodiscard]] bool LoadSettings(const std::string& path, Settings* out, Diagnostics* diags,
                                const TextReader& read = ReadFileText);

// Like LoadSettings, but *out always receives what could be read: each value
// with a problem keeps its default, and a file that cannot be read or is not
// TOML gives the embedded defaults. For `plazod check`, which goes on to check
// what the file names (secret files, URLs) and reports everything in one pass;
// never for running. Returns true when there was no problem.
[[nodiscard]] bool LoadSettingsBestEffort(const std::string& path, Settings* out,
                                          Diagnostics* diags);

// Parses settings from text as if read from file name; holidays files it
// names come from read.
[[nodiscard]] bool ParseSettings(std::string_view text, const std::string& name,
                                 Settings* out, Diagnostics* diags,
                                 const TextReader& read = ReadFileText);

}  // namespace plazo

#endif  // PLAZO_CONFIG_SETTINGS_H_
