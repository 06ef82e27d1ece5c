#include "daemon/http_routes.h"

#include "daemon/ack_pages.h"
#include "daemon/json_output.h"
#include "daemon/metrics.h"
#include "ledger/ledger.h"
#include "notifiers/calendar.h"
#include "planner/status.h"

namespace plazo {

HttpResponse Route(const HttpRequest& r, const DaemonState& state) {
  const Config& config = state.loaded->config;
  constexpr std::string_view kAck = "/ack/", kCalendar = "/calendar/", kIcs = ".ics";
  std::string_view path = r.path;
  if (path.substr(0, kAck.size()) == kAck) return AckRoute(r, path.substr(kAck.size()), state);
  if (r.method == "POST") {
    return {405, "text/plain; charset=utf-8", "only GET and HEAD here\n", {{"Allow", "GET, HEAD"}}};
  }
  if (path.substr(0, kCalendar.size()) == kCalendar && path.size() > kCalendar.size() + kIcs.size() &&
      path.substr(path.size() - kIcs.size()) == kIcs) {
    return CalendarRoute(path.substr(kCalendar.size(), path.size() - kCalendar.size() - kIcs.size()),
                         state);
  }
  // Healthy while it delivers, also on a last good configuration; the
  // detail line tells a prober (and an admin) what is not as on disk.
  if (r.path == "/healthz") {
    std::string body = "ok\n";
    if (!state.config_problem.empty()) body += state.config_problem + "\n";
    return {200, "text/plain; charset=utf-8", body, {}};
  }
  if (r.path == "/metrics") {
    DaemonMetrics m;
    m.open_parts = state.loaded->open_parts;
    m.overdue_parts = ComputeStatus(config, state.now).overdue.size();
    LedgerCounts counts;
    std::string error;
    if (state.ledger->Counts(&counts, &error)) {
      m.outbox_pending = counts.pending;
      m.outbox_given_up = counts.given_up;
    }
    std::vector<Acknowledgement> acks;
    if (state.ledger->Acks(false, &acks, &error)) m.acknowledged_parts = acks.size();
    m.delivery = state.delivery;
    m.last_reload_ok = state.config_problem.empty();
    m.last_good = state.last_good;
    m.last_reload_at = state.last_reload_at;
    m.config_errors = state.config_errors;
    return {200, "text/plain; version=0.0.4; charset=utf-8", PrometheusText(m), {}};
  }
  if (r.path == "/api/v1/status") {
    DeliveryReport report;
    std::string error;
    if (!state.ledger->Report(&report, &error)) {
      return {503, "text/plain; charset=utf-8", error + "\n", {}};
    }
    return {200, "application/json",
            StatusJson(ComputeStatus(config, state.now), report, config.settings.zone), {}};
  }
  if (r.path == "/calendar.ics") {
    // Everyone's deadlines and addresses: for the admin on this machine
    // only. Officers subscribe to /calendar/<token>.ics from their e-mails.
    if (!r.local) {
      return {403, "text/plain; charset=utf-8",
              "/calendar.ics is served to local clients only; use the link in your e-mails\n", {}};
    }
    CalendarOptions options;
    auto owner = r.query.find("owner");
    if (owner != r.query.end()) options.owner = owner->second;
    options.stamp = state.now;
    return {200, "text/calendar; charset=utf-8", RenderCalendar(config, options), {}};
  }
  return {404, "text/plain; charset=utf-8", "not found\n", {}};
}

}  // namespace plazo
