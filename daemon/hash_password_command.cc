// plazod hash-password: a users_file line's hash (commands.h).
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "daemon/cli.h"
#include "daemon/commands.h"
#include "daemon/web_auth.h"

namespace plazo {

namespace {

// One line of standard input, without echo when it is a terminal.
std::string ReadPassword(std::ostream& err) {
  termios saved{};
  bool tty = isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    err << "Password: " << std::flush;
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    err << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int RunHashPassword(const Options& options, std::ostream& out, std::ostream& err) {
  std::string cost_text = options.Get("cost", "10");
  int cost = 0;
  try {
    size_t used = 0;
    cost = std::stoi(cost_text, &used);
    if (used != cost_text.size()) cost = 0;
  } catch (const std::exception&) {
    cost = 0;
  }
  if (cost < 4 || cost > 31) {
    err << "plazod hash-password: --cost is a number from 4 to 31, not '" << cost_text << "'\n";
    return kExitUsage;
  }
  std::string password = ReadPassword(err);
  if (password.empty()) {
    err << "plazod hash-password: the password is empty\n";
    return kExitUsage;
  }
  std::string hash, error;
  if (!HashPassword(password, cost, &hash, &error)) {
    err << "plazod hash-password: " << error << "\n";
    return kExitInvalid;
  }
  out << hash << "\n";
  return kExitOk;
}

}  // namespace plazo
