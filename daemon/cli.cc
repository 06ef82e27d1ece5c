#include "daemon/cli.h"

#include <algorithm>
#include <ostream>
#include <string_view>

#include "config/diagnostics.h"
#include "daemon/commands.h"
#include "daemon/options.h"

#ifndef PLAZO_VERSION
#define PLAZO_VERSION "0.0.0"
#endif

namespace plazo {
namespace {

using CommandFn = int (*)(const Options&, std::ostream&, std::ostream&);

struct Command {
  std::string_view name;
  std::string_view summary;
  std::string_view usage;  // the full --help text
  std::vector<OptionSpec> options;
  size_t max_positional;
  CommandFn run;
};

constexpr std::string_view kConfigHelp =
    "  --config F    settings file (default /etc/plazo/plazod.toml if present,\n"
    "                else the embedded defaults)\n"
    "  --store DIR   store folder, replacing [daemon] store\n";

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"run", "the daemon: plan, sleep until the next reminder, deliver (what systemd starts)",
       "usage: plazod run [--config F] [--store DIR] [--state DIR] [--log-level L]\n\n"
       "Runs until SIGTERM. Sleeps until the next reminder is due, stores it in\n"
       "the ledger's outbox under [daemon] state, delivers it, and retries\n"
       "failures. Edits to the store and settings are picked up on their own\n"
       "(and on SIGHUP); an invalid edit keeps the last good configuration.\n"
       "Logs to stderr with syslog priorities for journald.\n\n"
       "  --state DIR     ledger and outbox folder, replacing [daemon] state\n"
       "  --log-level L   debug, info, warning or error ([daemon] log_level)\n",
       {{"config", true}, {"store", true}, {"state", true}, {"log-level", true}, {"help", false}},
       0,
       RunDaemon},
      {"check", "validate settings and store; every error as file:line:col",
       "usage: plazod check [--config F] [--store DIR]\n\n"
       "Loads the settings and every store file and reports each problem as\n"
       "file:line:col: message. Exit 0 when all is valid, 1 otherwise.\n\n",
       {{"config", true}, {"store", true}, {"state", true}, {"help", false}},
       0,
       RunCheck},
      {"status", "commitments by state at T: overdue, due within 30 days, later, fulfilled",
       "usage: plazod status [--at T] [--json] [--config F] [--store DIR]\n\n"
       "Lists every commitment part by state at T (default now): overdue, due\n"
       "within 30 days, later, fulfilled, with days left (negative when late).\n"
       "T is a date (2026-11-24, its start in [daemon] timezone) or an RFC 3339\n"
       "date-time (2026-11-24T09:00:00-03:00).\n\n"
       "  --at T        the instant to evaluate (default now)\n"
       "  --json        the documented JSON shape instead of a table\n",
       {{"config", true}, {"store", true}, {"state", true}, {"at", true}, {"json", false},
        {"help", false}},
       0,
       RunStatus},
      {"plan", "dry run: the notifications the daemon would send at T, or over [T, T2]",
       "usage: plazod plan [--at T] [--until T2] [--json] [--config F] [--store DIR]\n\n"
       "Shows the notifications the daemon would send at T (default now): with\n"
       "--until, every notification over [T, T2] at its own instant; without it,\n"
       "what a daemon waking at T would send, catching up from the ledger's last\n"
       "run (only the newest missed stage per part and destination, marked late).\n"
       "Reads the ledger under [daemon] state; writes nothing.\n\n"
       "  --at T        the instant (default now)\n"
       "  --until T2    the end of the window\n"
       "  --json        the documented JSON shape instead of a table\n",
       {{"config", true}, {"store", true}, {"state", true}, {"at", true}, {"until", true},
        {"json", false}, {"help", false}},
       0,
       RunPlan},
      {"calendar", "iCalendar (RFC 5545) of the open deadlines, with alarms",
       "usage: plazod calendar [--owner EMAIL] [--config F] [--store DIR]\n\n"
       "Writes an iCalendar of every open commitment part to standard output:\n"
       "one all-day event on each due day (an event at the due instant for a\n"
       "date-time due), with an alarm for each `before` reminder of the part's\n"
       "schedule, in [daemon] language. UIDs are stable, so a calendar app that\n"
       "subscribes to the file, or imports it again, updates its events rather\n"
       "than duplicating them.\n\n"
       "  --owner EMAIL   only the parts EMAIL owns (case-insensitive)\n",
       {{"config", true}, {"store", true}, {"state", true}, {"owner", true}, {"help", false}},
       0,
       RunCalendar},
      {"import", "convert a compliance report into a store file, or --update one",
       "usage: plazod import REPORT.txt [--id SLUG] [--owner EMAIL]... [-o FILE]\n"
       "       plazod import NEWER.txt --update FILE [--dry-run] [--json] [--force]\n\n"
       "Converts the text extracted from a compliance report (\"Informe de\n"
       "cumplimiento de compromisos\") into one store file: the program and one\n"
       "[[commitment]] per part, with its due date, rating and texts. Every\n"
       "problem of the report is shown as REPORT.txt:line: message; exit 1 on\n"
       "any, and then nothing is written. FILE is replaced atomically: readers\n"
       "see the old file or the whole new one.\n\n"
       "With --update, folds a newer report of the same program into the store\n"
       "file FILE that an admin has edited: the report's values (ratings, status\n"
       "dates, observations, evidence, texts, due dates) are rewritten in place,\n"
       "one value at a time, and everything else (owners, schedules, submitted,\n"
       "webhooks, comments, layout) stays byte for byte. A moved due date keeps\n"
       "the earlier one in previous_due; parts new in the report are added; parts\n"
       "the report lacks are kept and listed. The old file is kept as FILE~.\n\n"
       "  --id SLUG       program id (default: made from the program name); with\n"
       "                  --update, the id of FILE's program when it was renamed\n"
       "  --owner EMAIL   the program's owner; repeat for several\n"
       "  -o, --output F  write to F instead of standard output\n"
       "  --update FILE   update the store file FILE instead\n"
       "  --dry-run       with --update: show the changes, write nothing\n"
       "  --json          with --update: the changes as JSON\n"
       "  --force         with --update: accept a report older than FILE's\n"
       "                  report_date\n",
       {{"id", true}, {"owner", true, true}, {"output", true}, {"update", true},
        {"dry-run", false}, {"json", false}, {"force", false}, {"help", false}},
       1,
       RunImport},
      {"send-test", "send one test message through the real channel",
       "usage: plazod send-test (--email ADDR | --webhook NAME) [--config F]\n\n"
       "Sends one test message (kind \"test\", no commitments) the way the daemon\n"
       "delivers: by e-mail through the [email] relay, or into the outbox folder\n"
       "under [daemon] state when there is no [email] section; or to the named\n"
       "[webhook.NAME], signed with its secret. Writes nothing to the ledger.\n"
       "Exit 3 with the reason when delivery fails.\n\n"
       "  --email ADDR    send a test e-mail to ADDR\n"
       "  --webhook NAME  post a test payload to [webhook.NAME]\n",
       {{"config", true}, {"store", true}, {"state", true}, {"email", true}, {"webhook", true},
        {"help", false}},
       0,
       RunSendTest},
      {"ack", "officers' acknowledgements: list them, or revoke one",
       "usage: plazod ack list [--json] [--all] [--config F]\n"
       "       plazod ack revoke PROGRAM/COMMITMENT [--config F]\n\n"
       "An officer who follows the \"Ya envié los medios de verificación\" link of a\n"
       "reminder and confirms acknowledges that part's due date: from then on the\n"
       "daemon sends no more stages for it until its due date or rating changes.\n"
       "list shows the acknowledgements in force (--all: revoked ones too).\n"
       "revoke undoes those of one part: reminders resume at its next stage, and\n"
       "every link sent before the revocation stops working. Run it as the\n"
       "daemon's user (it writes the ledger under [daemon] state).\n\n"
       "  --json   list as a JSON array\n"
       "  --all    list revoked acknowledgements too\n",
       {{"config", true}, {"state", true}, {"json", false}, {"all", false}, {"help", false}},
       2,
       RunAck},
      {"hash-password", "print the bcrypt hash of a password for [http] users_file",
       "usage: plazod hash-password [--cost N]\n\n"
       "Reads a password from standard input (without echo at a terminal) and\n"
       "prints its bcrypt hash. Add it to the file [http] users_file names as a\n"
       "line NAME:HASH; that user may then log in to the control unit's pages.\n\n"
       "  --cost N   bcrypt cost, 4 to 31 (default 10: about 50 ms a check)\n",
       {{"cost", true}, {"help", false}},
       0,
       RunHashPassword},
  };
  return commands;
}

void PrintHelp(std::ostream& out) {
  out << "usage: plazod COMMAND [OPTIONS]\n\n"
         "plazo plans and delivers reminders for the commitments of evaluated\n"
         "government programs.\n\ncommands:\n";
  for (const Command& c : Commands()) {
    out << "  " << c.name << std::string(c.name.size() < 15 ? 15 - c.name.size() : 1, ' ') << c.summary << "\n";
  }
  out << "\n  plazod --version | --help | COMMAND --help\n";
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    PrintHelp(err);
    return kExitUsage;
  }
  const std::string& name = args[0];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintHelp(out);
    return kExitOk;
  }
  if (name == "--version") {
    out << "plazod " << PLAZO_VERSION << "\n";
    return kExitOk;
  }
  std::vector<std::string_view> names;
  for (const Command& c : Commands()) names.push_back(c.name);
  for (const Command& c : Commands()) {
    if (c.name != name) continue;
    Options options;
    std::string error;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (!ParseOptions(rest, c.options, &options, &error)) {
      err << "plazod " << name << ": " << error << "\n";
      return kExitUsage;
    }
    if (options.Has("help")) {
      out << c.usage;
      bool takes_config = std::any_of(c.options.begin(), c.options.end(),
                                      [](const OptionSpec& o) { return o.name == "config"; });
      if (takes_config) out << kConfigHelp;
      return kExitOk;
    }
    if (options.positional.size() > c.max_positional) {
      err << "plazod " << name << ": unexpected argument '"
          << options.positional[c.max_positional] << "'\n";
      return kExitUsage;
    }
    return c.run(options, out, err);
  }
  err << "plazod: unknown command '" << name << "'" << DidYouMean(name, names)
      << "\nRun 'plazod --help' for the list of commands.\n";
  return kExitUsage;
}

}  // namespace plazo
