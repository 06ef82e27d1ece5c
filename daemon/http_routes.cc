#include "daemon/http_routes.h"

#include "daemon/json_output.h"
#include "daemon/metrics.h"
#include "ledger/ledger.h"
#include "notifiers/calendar.h"
#include "planner/status.h"

namespace plazo {

HttpResponse Route(const HttpRequest& r, const DaemonState& state) {
  const Config& config = state.loaded->config;
  if (r.path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
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
    m.last_reload_ok = state.config_error.empty();
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
