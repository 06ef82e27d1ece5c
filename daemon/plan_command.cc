// plazod plan: the dry run of the planner against the real ledger.
#include <boost/json.hpp>
#include <cstdio>
#include <ostream>

#include "config/load_config.h"
#include "config/time_text.h"
#include "daemon/cli.h"
#include "daemon/commands.h"
#include "notifiers/payload.h"
#include "planner/planner.h"

namespace plazo {
namespace {

// A snoozed stage's key, planned instant and the snooze that holds it.
boost::json::object SnoozedJson(const PlannedItem& i, const date::time_zone* zone) {
  std::optional<Snooze> s = SnoozeOf(*i.program, *i.commitment);
  return {{"key", i.key},
          {"at", FormatRfc3339(i.stage_at, zone)},
          {"until", FormatIsoDate(*s->until)},
          {"reason", s->reason}};
}

std::string PlanJson(const std::vector<Notification>& notifications,
                     const std::vector<PlannedItem>& skipped, const std::vector<PlannedItem>& snoozed,
                     Instant from, Instant until, const date::time_zone* zone) {
  boost::json::object o;
  o["from"] = FormatRfc3339(from, zone);
  o["until"] = FormatRfc3339(until, zone);
  boost::json::array list;
  for (const Notification& n : notifications) {
    boost::json::object j;
    j["id"] = n.id;
    j["at"] = FormatRfc3339(n.at, zone);
    j["channel"] = ChannelName(n.channel);
    j["destination"] = n.destination;
    j["kind"] = n.kind;
    boost::json::array items;
    for (const PlannedItem& i : n.items) items.push_back(ItemJson(i));
    j["items"] = std::move(items);
    list.push_back(std::move(j));
  }
  o["notifications"] = std::move(list);
  if (!skipped.empty()) {
    boost::json::array keys;
    for (const PlannedItem& i : skipped) keys.push_back(boost::json::string(i.key));
    o["skipped"] = std::move(keys);
  }
  if (!snoozed.empty()) {
    boost::json::array list;
    for (const PlannedItem& i : snoozed) list.push_back(SnoozedJson(i, zone));
    o["snoozed"] = std::move(list);
  }
  return boost::json::serialize(o) + "\n";
}

void PrintPlan(std::ostream& out, const std::vector<Notification>& notifications,
               const std::vector<PlannedItem>& skipped, const std::vector<PlannedItem>& snoozed,
               Instant from, Instant until, const date::time_zone* zone) {
  out << "Plan from " << FormatRfc3339(from, zone) << " until " << FormatRfc3339(until, zone)
      << ": " << notifications.size()
      << (notifications.size() == 1 ? " notification\n" : " notifications\n");
  for (const Notification& n : notifications) {
    out << "\n" << FormatRfc3339(n.at, zone) << "  " << ChannelName(n.channel) << "  "
        << n.destination << "  " << n.kind << "  " << n.id << "\n";
    for (const PlannedItem& i : n.items) {
      char line[256];
      std::snprintf(line, sizeof line, "    %-12s %s %-6s  due %s  %5d days%s\n",
                    i.stage_name.c_str(), i.program->id.c_str(), i.commitment->id.c_str(),
                    FormatIsoDate(i.commitment->due.date).c_str(), i.days_left,
                    i.late ? "  (late)" : "");
      out << line;
    }
  }
  if (!skipped.empty()) {
    out << "\nSkipped (superseded by a later stage): " << skipped.size() << "\n";
    for (const PlannedItem& i : skipped) out << "    " << i.key << "\n";
  }
  if (!snoozed.empty()) {
    out << "\nSnoozed (not sent, recorded as skipped): " << snoozed.size() << "\n";
    for (const PlannedItem& i : snoozed) {
      std::optional<Snooze> s = SnoozeOf(*i.program, *i.commitment);
      out << "    " << FormatRfc3339(i.stage_at, zone) << "  " << i.key << "  until "
          << FormatIsoDate(*s->until) << (s->reason.empty() ? "" : ": " + s->reason) << "\n";
    }
  }
}

}  // namespace

int RunPlan(const Options& options, std::ostream& out, std::ostream& err) {
  Config config;
  if (!LoadForCommand(options, &config, err)) return kExitInvalid;
  Instant from;
  if (!ReadInstantOption(options, "at", config, &from, err)) return kExitUsage;
  LedgerView ledger;
  if (!ReadLedgerView(config, &ledger, err)) return kExitInvalid;
  const date::time_zone* zone = config.settings.zone;
  std::vector<Notification> notifications;
  std::vector<PlannedItem> skipped, snoozed;
  Instant until = from;
  // One query: index only the stages it can reach.
  if (options.Has("until")) {
    if (!ReadInstantOption(options, "until", config, &until, err)) return kExitUsage;
    if (until < from) {
      err << "plazod plan: --until is before --at\n";
      return kExitUsage;
    }
    notifications = Planner(config, from, until).Window(from, until, ledger, &snoozed);
  } else {
    Instant since = ledger.planned_through ? std::min(*ledger.planned_through, from) : from;
    DuePlan due = Planner(config, since, from).Due(from, ledger);
    notifications = std::move(due.notifications);
    skipped = std::move(due.skipped);
    snoozed = std::move(due.snoozed);
    if (ledger.planned_through && *ledger.planned_through < from) {
      // Report the window the daemon would catch up on.
      until = from;
      from = *ledger.planned_through;
    }
  }
  if (options.Has("json")) {
    out << PlanJson(notifications, skipped, snoozed, from, until, zone);
  } else {
    PrintPlan(out, notifications, skipped, snoozed, from, until, zone);
  }
  return kExitOk;
}

}  // namespace plazo
