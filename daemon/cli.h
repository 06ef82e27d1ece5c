// The `plazod` command line (SPEC 4): parses arguments and runs a command.
#ifndef PLAZO_DAEMON_CLI_H_
#define PLAZO_DAEMON_CLI_H_

#include <iosfwd>
#include <string>
#include <vector>

namespace plazo {

// Exit codes of every command (SPEC 4).
enum ExitCode {
  kExitOk = 0,
  kExitInvalid = 1,   // invalid input or failed check
  kExitUsage = 2,     // usage error
  kExitDelivery = 3,  // delivery failed
};

// Runs the command line args (without the program name), writing results to
// out and problems to err. Returns the process exit code.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace plazo

#endif  // PLAZO_DAEMON_CLI_H_
