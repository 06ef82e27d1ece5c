// The subcommands of `plazod`. Each takes its parsed options and writes its
// result to out and its problems to err; each returns an exit code (cli.h).
#ifndef PLAZO_DAEMON_COMMANDS_H_
#define PLAZO_DAEMON_COMMANDS_H_

#include <iosfwd>
#include <string_view>

#include "config/model.h"
#include "daemon/options.h"
#include "planner/ledger_view.h"

namespace plazo {

// plazod run: the daemon (daemon/service.h), until SIGTERM.
int RunDaemon(const Options& options, std::ostream& out, std::ostream& err);

// plazod check: loads settings and store, prints every problem as
// file:line:col: message; exit 1 on any.
int RunCheck(const Options& options, std::ostream& out, std::ostream& err);

// plazod status [--at T] [--json]: commitments by state at T.
int RunStatus(const Options& options, std::ostream& out, std::ostream& err);

// plazod plan [--at T] [--until T2] [--json]: the notifications the daemon
// would send at T, or over [T, T2]; reads the ledger, writes nothing.
int RunPlan(const Options& options, std::ostream& out, std::ostream& err);

// plazod import REPORT.txt [--id SLUG] [--owner EMAIL]... [-o FILE]: converts
// a compliance report's text into one store file, on stdout or written
// atomically to FILE; every problem of the report as REPORT.txt:line: message.
int RunImport(const Options& options, std::ostream& out, std::ostream& err);

// plazod import NEWER.txt --update FILE [--dry-run] [--json] [--force]
// [--id SLUG]: folds a newer report into the store file FILE
// (import/store_update.h), keeping the old file as FILE~, and prints the
// changes (a table, or JSON with --json). RunImport calls it when --update is
// given, with positional[0] set. Exit 1, nothing written, on any problem of
// the report or the file, or an older cut-off date without --force.
int RunImportUpdate(const Options& options, std::ostream& out, std::ostream& err);

// plazod send-test (--email ADDR | --webhook NAME): sends one test message
// (kind "test") through the real channel: the SMTP relay of [email] (or the
// outbox folder without one), or the named webhook. Exit 3 with the reason
// when delivery fails; no secret is ever printed.
int RunSendTest(const Options& options, std::ostream& out, std::ostream& err);

// plazod calendar [--owner EMAIL]: the RFC 5545 iCalendar of the open parts
// (notifiers/calendar.h), of one owner's only with --owner, on out. An owner
// that owns no part gets an empty calendar and a warning on err.
int RunCalendar(const Options& options, std::ostream& out, std::ostream& err);

// plazod ack list [--json] [--all] | ack revoke PROGRAM/COMMITMENT: the
// officers' acknowledgements in the ledger, and undoing one.
int RunAck(const Options& options, std::ostream& out, std::ostream& err);

// plazod hash-password [--cost N]: reads a password from standard input
// (without echo at a terminal) and prints its bcrypt hash (daemon/web_auth.h)
// for a line "name:HASH" of [http] users_file. Exit 2 for an empty password
// or a cost outside 4 to 31.
int RunHashPassword(const Options& options, std::ostream& out, std::ostream& err);

// Shared by the commands: loads the configuration named by --config, --store
// and --state, or prints every problem to err and returns false.
[[nodiscard]] bool LoadForCommand(const Options& options, Config* config, std::ostream& err);
// LoadForCommand for the settings alone, for commands that need no store.
[[nodiscard]] bool LoadSettingsForCommand(const Options& options, Settings* settings,
                                          std::ostream& err);

// Reads option name as a time (a date or RFC 3339, SPEC 4), defaulting to
// now; prints a usage error and returns false when it is malformed.
[[nodiscard]] bool ReadInstantOption(const Options& options, std::string_view name, const Config& config,
                       Instant* out, std::ostream& err);

// Reads what the ledger under [daemon] state has handled, without writing
// anything; a missing ledger is an empty one.
[[nodiscard]] bool ReadLedgerView(const Config& config, LedgerView* out, std::ostream& err);

}  // namespace plazo

#endif  // PLAZO_DAEMON_COMMANDS_H_
