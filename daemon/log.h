// Logging for plazod: spdlog to stderr, each line prefixed with its syslog
// priority as "<N>" (sd-daemon(3)), which journald turns into the entry's
// priority; nothing else on the line is decoration, since journald adds the
// time and the unit itself. Secrets are never passed to the log: callers log
// paths and names of secrets, not their values.
#ifndef PLAZO_DAEMON_LOG_H_
#define PLAZO_DAEMON_LOG_H_

#include <string_view>

namespace plazo {

// Installs the stderr logger as spdlog's default at level ("debug", "info",
// "warning" or "error"; anything else means "info").
void SetUpLogging(std::string_view level);

}  // namespace plazo

#endif  // PLAZO_DAEMON_LOG_H_
