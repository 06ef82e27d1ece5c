// The subcommands of `plazod`. Each takes its parsed options and writes its
// result to out and its problems to err; each returns an exit code (cli.h).
#ifndef PLAZO_DAEMON_COMMANDS_H_
#define PLAZO_DAEMON_COMMANDS_H_

#include <iosfwd>

#include "daemon/options.h"

namespace plazo {

// plazod check: loads settings and store, prints every problem as
// file:line:col: message; exit 1 on any.
int RunCheck(const Options& options, std::ostream& out, std::ostream& err);

// plazod status [--at T] [--json]: commitments by state at T.
int RunStatus(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace plazo

#endif  // PLAZO_DAEMON_COMMANDS_H_
