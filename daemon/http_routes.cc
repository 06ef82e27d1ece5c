#include "daemon/http_routes.h"

#include "daemon/json_output.h"
#include "daemon/metrics.h"
#include "ledger/ledger.h"
#include "notifiers/calendar.h"
#include "planner/status.h"

namespace plazo {

HttpResponse Route(const HttpRequest& r, const DaemonState& state) {
  const Config& config = state.loaded->config;
  // Healthy while it delivers, also on a last good configuration; the
  // detail line tells a prober (and an admin) what is not as on disk.
  if (r.path == "/healthz") {
    std::string body = "ok\n";
    if (!state.config_problem.empty()) body += state.config_problem + "\n";
    return {200, "text/plain; charset=utf-8", body};
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
    m.delivery = state.delivery;
    m.last_reload_ok = state.config_problem.empty();
    m.last_good = state.last_good;
    m.last_reload_at = state.last_reload_at;
    m.config_errors = state.config_errors;
    return {200, "text/plain; version=0.0.4; charset=utf-8", PrometheusText(m)};
  }
  if (r.path == "/api/v1/status") {
    DeliveryReport report;
    std::string error;
    if (!state.ledger->Report(&report, &error)) {
      return {503, "text/plain; charset=utf-8", error + "\n"};
    }
    return {200, "application/json",
            StatusJson(ComputeStatus(config, state.now), report, config.settings.zone)};
  }
  if (r.path == "/calendar.ics") {
    CalendarOptions options;
    auto owner = r.query.find("owner");
    if (owner != r.query.end()) options.owner = owner->second;
    options.stamp = state.now;
    return {200, "text/calendar; charset=utf-8", RenderCalendar(config, options)};
  }
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

}  // namespace plazo
