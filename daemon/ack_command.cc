// plazod ack list | revoke: the admin's view of officers' acknowledgements
// (ledger.h Acknowledgement) and the way to undo one.
#include <chrono>
#include <ostream>

#include <boost/json.hpp>

#include "config/time_text.h"
#include "daemon/cli.h"
#include "daemon/commands.h"
#include "ledger/ledger.h"

namespace plazo {
namespace {

int ListAcks(const Settings& settings, bool json, bool all, std::ostream& out, std::ostream& err) {
  std::string error;
  std::vector<Acknowledgement> acks;
  std::unique_ptr<Ledger> ledger = Ledger::OpenReadOnly(LedgerPath(settings.state), &error);
  if (!ledger && !error.empty()) {
    err << "plazod ack: " << error << "\n";
    return kExitInvalid;
  }
  if (ledger && !ledger->Acks(all, &acks, &error)) {
    err << "plazod ack: " << error << "\n";
    return kExitInvalid;
  }
  const date::time_zone* zone = settings.zone;
  if (json) {
    boost::json::array a;
    for (const Acknowledgement& k : acks) {
      boost::json::object o{{"program", k.program}, {"commitment", k.commitment},
                            {"due", k.due},         {"status", k.status},
                            {"by", k.recipient},    {"at", FormatRfc3339(k.at, zone)},
                            {"comment", k.comment}, {"client", k.client}};
      if (k.revoked_at) o["revoked_at"] = FormatRfc3339(*k.revoked_at, zone);
      a.push_back(std::move(o));
    }
    out << boost::json::serialize(a) << "\n";
    return kExitOk;
  }
  out << acks.size() << (acks.size() == 1 ? " acknowledgement" : " acknowledgements")
      << (all ? "" : " in force") << "\n";
  for (const Acknowledgement& k : acks) {
    out << "  " << k.program << "/" << k.commitment << "  due " << k.due << "  by " << k.recipient
        << "  at " << FormatLocalMinute(k.at, zone) << "  from " << k.client;
    if (k.revoked_at) out << "  revoked " << FormatLocalMinute(*k.revoked_at, zone);
    out << "\n";
    if (!k.comment.empty()) out << "    \"" << k.comment << "\"\n";
  }
  return kExitOk;
}

int RevokeAck(const Settings& settings, const std::string& part, std::ostream& out,
              std::ostream& err) {
  size_t slash = part.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == part.size() ||
      part.find('/', slash + 1) != std::string::npos) {
    err << "plazod ack revoke: expected PROGRAM/COMMITMENT (e.g. sence-pil/c2-p1), not '" << part
        << "'\n";
    return kExitUsage;
  }
  std::string program = part.substr(0, slash), commitment = part.substr(slash + 1);
  std::string error;
  std::unique_ptr<Ledger> ledger = Ledger::Open(LedgerPath(settings.state), &error);
  int count = 0;
  Instant now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!ledger || !ledger->RevokeAcks(program, commitment, now, &count, &error)) {
    err << "plazod ack revoke: " << error << "\n";
    return kExitInvalid;
  }
  if (count == 0) {
    err << "plazod ack revoke: " << part << " has no acknowledgement in force\n";
    return kExitInvalid;
  }
  out << "revoked " << count << (count == 1 ? " acknowledgement" : " acknowledgements") << " of "
      << part << ": reminders resume at its next stage, and the links sent before now no longer"
      << " work\n";
  return kExitOk;
}

}  // namespace

int RunAck(const Options& options, std::ostream& out, std::ostream& err) {
  const std::vector<std::string>& args = options.positional;
  if (args.empty() || (args[0] != "list" && args[0] != "revoke")) {
    err << "plazod ack: expected 'list' or 'revoke PROGRAM/COMMITMENT'\n";
    return kExitUsage;
  }
  if (args[0] == "list" && args.size() != 1) {
    err << "plazod ack list: unexpected argument '" << args[1] << "'\n";
    return kExitUsage;
  }
  if (args[0] == "revoke" && args.size() != 2) {
    err << "plazod ack revoke: expected one PROGRAM/COMMITMENT\n";
    return kExitUsage;
  }
  Settings settings;
  if (!LoadSettingsForCommand(options, &settings, err)) return kExitInvalid;
  if (args[0] == "list")
    return ListAcks(settings, options.Has("json"), options.Has("all"), out, err);
  return RevokeAck(settings, args[1], out, err);
}

}  // namespace plazo
