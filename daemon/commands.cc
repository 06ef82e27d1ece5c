#include "daemon/commands.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <ostream>

#include "config/load_config.h"
#include "config/store.h"
#include "base/text.h"
#include "config/time_text.h"
#include "daemon/cli.h"
#include "daemon/json_output.h"
#include "daemon/service.h"
#include "ledger/ledger.h"
#include "notifiers/run_requirements.h"
#include "planner/status.h"

namespace plazo {
namespace {

// A snapshot that could not be used or written: one line for the admin.
void ReportSnapshot(const SnapshotUse& snapshot, std::ostream& err) {
  if (!snapshot.problem.empty()) err << "plazod: store snapshot: " << snapshot.problem << "\n";
}

ConfigSource SourceFrom(const Options& options) {
  ConfigSource s;
  s.settings_path = options.Get("config");
  s.store_dir = options.Get("store");
  s.state_dir = options.Get("state");
  s.store_snapshot = true;
  return s;
}

void PrintGroup(std::ostream& out, const char* title, const std::vector<StatusItem>& items,
                const std::vector<Acknowledgement>& acks, const date::time_zone* zone) {
  out << title << " (" << items.size() << ")\n";
  if (items.empty()) return;
  size_t width = 7;
  for (const StatusItem& i : items) width = std::max(width, i.program->id.size());
  char line[512];
  std::snprintf(line, sizeof line, "  %-*s  %-8s  %-10s  %6s  %-16s  %s\n",
                static_cast<int>(width), "PROGRAM", "PART", "DUE", "DAYS", "ACKNOWLEDGED", "STATUS");
  out << line;
  for (const StatusItem& i : items) {
    const Commitment& c = *i.commitment;
    std::string status(StatusName(c.status));
    if (c.submitted) status += " (submitted " + FormatIsoDate(*c.submitted) + ")";
    if (!c.previous_due.empty()) {
      status += " (rescheduled from " + FormatIsoDate(c.previous_due.back()) + ")";
    }
    if (std::optional<Snooze> s = SnoozeOf(*i.program, c)) {
      status += " (snoozed until " + FormatIsoDate(*s->until) +
                (s->reason.empty() ? "" : ": " + s->reason) + ")";
    }
    // When an officer said the evidence is sent; by whom is in --json.
    const Acknowledgement* a = AckOf(i, acks);
    std::string acked = a != nullptr ? FormatLocalMinute(a->at, zone) : "-";
    std::snprintf(line, sizeof line, "  %-*s  %-8s  %-10s  %6d  %-16s  %s\n",
                  static_cast<int>(width), i.program->id.c_str(), c.id.c_str(),
                  FormatIsoDate(c.due.date).c_str(), i.days_left, acked.c_str(), status.c_str());
    out << line;
  }
}

// Opens the ledger under [daemon] state read-only and runs read on it,
// printing its error. A missing ledger is an empty one: read is not called.
bool ReadFromLedger(const Config& config, std::ostream& err,
                    const std::function<bool(Ledger&, std::string*)>& read) {
  std::string error;
  std::unique_ptr<Ledger> ledger = Ledger::OpenReadOnly(LedgerPath(config.settings.state), &error);
  if (ledger ? read(*ledger, &error) : error.empty()) return true;
  err << "plazod: " << error << "\n";
  return false;
}

// What the ledger says about deliveries that did not go through.
bool ReadDeliveryReport(const Config& config, DeliveryReport* out, std::ostream& err) {
  if (!ReadFromLedger(config, err,
                      [out](Ledger& ledger, std::string* error) { return ledger.Report(out, error); })) {
    return false;
  }
  out->gone = StillGone(out->gone, config.settings);
  return true;
}

void PrintDeliveries(std::ostream& out, const DeliveryReport& p, const date::time_zone* zone) {
  out << "\nDELIVERIES: " << p.sent << " sent, " << p.pending << " pending, " << p.failing.size()
      << " failing, " << p.given_up.size() << " given up\n";
  auto line = [&](const char* what, const OutboxEntry& e) {
    out << "  " << what << "  " << e.notification_id << "  " << e.channel << " " << e.destination
        << "  " << CountNoun(e.attempts, "attempt", "attempts") << ", since " << FormatRfc3339(e.created_at, zone) << ": "
        << e.last_error << "\n";
  };
  for (const OutboxEntry& e : p.failing) line("failing ", e);
  for (const OutboxEntry& e : p.given_up) line("given up", e);
  for (const GoneWebhook& g : p.gone) {
    out << "  disabled  webhook " << g.webhook << " since " << FormatRfc3339(g.at, zone) << ": "
        << g.detail << " (it answered 410 Gone; edit [webhook." << g.webhook
        << "] to send to it again)\n";
  }
}

// Prints the warnings of a load that worked, or every problem of one that
// did not; returns whether it worked.
bool Report(bool loaded, Diagnostics& diags, std::ostream& err) {
  if (loaded) {
    err << diags.WarningsToString();
    return true;
  }
  diags.Sort();
  err << diags.ToString();
  err << "plazod: " << diags.size() << (diags.size() == 1 ? " error" : " errors") << "\n";
  return false;
}

}  // namespace

bool LoadForCommand(const Options& options, Config* config, std::ostream& err) {
  Diagnostics diags;
  SnapshotUse snapshot;
  bool loaded = LoadConfig(SourceFrom(options), config, &diags, nullptr, &snapshot);
  ReportSnapshot(snapshot, err);
  return Report(loaded, diags, err);
}

bool LoadSettingsForCommand(const Options& options, Settings* settings, std::ostream& err) {
  Diagnostics diags;
  bool loaded = LoadSettingsFrom(SourceFrom(options), settings, &diags);
  return Report(loaded, diags, err);
}

bool ReadInstantOption(const Options& options, std::string_view name, const Config& config,
                       Instant* out, std::ostream& err) {
  if (!options.Has(name)) {
    *out = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return true;
  }
  std::string text = options.Get(name);
  if (auto t = ParseInstant(text, config.settings.zone)) {
    *out = *t;
    return true;
  }
  err << "plazod: --" << name << ": \"" << text
      << "\" is neither a date (2026-11-24) nor an RFC 3339 date-time "
         "(2026-11-24T09:00:00-03:00)\n";
  return false;
}

bool ReadLedgerView(const Config& config, LedgerView* out, std::ostream& err) {
  *out = LedgerView{};
  return ReadFromLedger(
      config, err, [out](Ledger& ledger, std::string* error) { return ledger.LoadView(out, error); });
}

int RunDaemon(const Options& options, std::ostream&, std::ostream& err) {
  std::string level = options.Get("log-level");
  if (!level.empty() && level != "debug" && level != "info" && level != "warning" &&
      level != "error") {
    err << "plazod run: --log-level must be debug, info, warning or error\n";
    return kExitUsage;
  }
  ServiceOptions service;
  service.source = SourceFrom(options);
  service.log_level = level;
  return RunService(service);
}

int RunCheck(const Options& options, std::ostream& out, std::ostream& err) {
  // One pass over everything `run` needs, so an admin fixes an edit at once:
  // what the settings name (secrets, URLs) is checked even when the settings
  // have other problems. The store is checked only against valid settings,
  // since the schedule and webhook names it uses come from them.
  Diagnostics diags;
  Config config;
  bool settings_ok = LoadSettingsFromBestEffort(SourceFrom(options), &config.settings, &diags);
  bool ok = CheckRunRequirements(config.settings, &diags) && settings_ok;
  if (settings_ok) {
    SnapshotUse snapshot;
    ok = LoadStoreWithSnapshot(config.settings, &config.store, &diags, nullptr, &snapshot) && ok;
    ReportSnapshot(snapshot, err);
  }
  diags.Sort();
  err << diags.AllToString();
  if (!ok) {
    err << "plazod: " << diags.size() << (diags.size() == 1 ? " error" : " errors") << "\n";
    return kExitInvalid;
  }
  const Settings& s = config.settings;
  out << "ok: " << (s.path.empty() ? "embedded default settings" : s.path) << ", "
      << CountNoun(static_cast<long long>(config.store.programs.size()), "program", "programs") << ", "
      << CountNoun(static_cast<long long>(config.store.CommitmentCount()), "commitment part",
                   "commitment parts")
      << " in " << s.store << "\n";
  return kExitOk;
}

int RunStatus(const Options& options, std::ostream& out, std::ostream& err) {
  Config config;
  if (!LoadForCommand(options, &config, err)) return kExitInvalid;
  Instant at;
  if (!ReadInstantOption(options, "at", config, &at, err)) return kExitUsage;
  StatusReport report = ComputeStatus(config, at);
  const date::time_zone* zone = config.settings.zone;
  DeliveryReport problems;
  if (!ReadDeliveryReport(config, &problems, err)) return kExitInvalid;
  if (options.Has("json")) {
    out << StatusJson(report, problems, zone);
    return kExitOk;
  }
  out << "Status at " << FormatRfc3339(at, zone) << "\n\n";
  PrintGroup(out, "OVERDUE", report.overdue, problems.acknowledged, zone);
  out << "\n";
  PrintGroup(out, "DUE WITHIN 30 DAYS", report.due_soon, problems.acknowledged, zone);
  out << "\n";
  PrintGroup(out, "LATER", report.later, problems.acknowledged, zone);
  out << "\n";
  PrintGroup(out, "FULFILLED", report.fulfilled, problems.acknowledged, zone);
  PrintDeliveries(out, problems, zone);
  return kExitOk;
}

}  // namespace plazo
