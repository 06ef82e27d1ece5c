#include "daemon/http_routes.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "base/text.h"
#include "daemon/ack_pages.h"
#include "daemon/json_output.h"
#include "daemon/metrics.h"
#include "daemon/web_auth.h"
#include "daemon/web_pages.h"
#include "ledger/ledger.h"
#include "notifiers/calendar.h"
#include "planner/ledger_view.h"
#include "planner/planner.h"
#include "planner/status.h"

namespace plazo {

namespace {

// /api/v1/status pages: at most this many items each, kStatusPage unless
// the client asks for another ?limit.
constexpr size_t kStatusPage = 1000;
constexpr size_t kStatusPageMax = 10000;

// GET /api/v1/status[?limit=N][&cursor=C]: one page of the status. The
// cursor of the next page, "<unix seconds>-<offset>", keeps the instant of
// the first page, so that the pages of one walk classify every part at the
// same instant (a reload of the store between pages may still move parts).
HttpResponse StatusApi(const HttpRequest& r, const DaemonState& state) {
  const Config& config = state.loaded->config;
  size_t limit = kStatusPage;
  if (auto it = r.query.find("limit"); it != r.query.end()) {
    auto n = WholeNumber(it->second, kStatusPageMax);
    if (!n || *n == 0) {
      return {400,
              "text/plain; charset=utf-8",
              "limit must be a whole number from 1 to " + std::to_string(kStatusPageMax) + "\n",
              {}};
    }
    limit = static_cast<size_t>(*n);
  }
  Instant at = state.now;
  size_t offset = 0;
  if (auto it = r.query.find("cursor"); it != r.query.end()) {
    std::string_view cursor = it->second;
    size_t dash = cursor.find('-');
    auto seconds = WholeNumber(cursor.substr(0, dash), INT64_MAX);
    auto from = dash == std::string_view::npos ? std::nullopt
                                               : WholeNumber(cursor.substr(dash + 1), SIZE_MAX);
    if (!seconds || !from) {
      return {400,
              "text/plain; charset=utf-8",
              "cursor \"" + it->second + "\" is not one this endpoint gave (page.next)\n",
              {}};
    }
    at = Instant(std::chrono::seconds(static_cast<int64_t>(*seconds)));
    offset = static_cast<size_t>(*from);
  }
  DeliveryReport report;
  std::string error;
  if (!state.ledger->Report(&report, &error)) {
    return {503, "text/plain; charset=utf-8", error + "\n", {}};
  }
  report.gone = StillGone(report.gone, config.settings);
  std::string next;
  auto next_url = [&](size_t from) {
    next = "/api/v1/status?cursor=" + std::to_string(at.time_since_epoch().count()) + "-" +
           std::to_string(from) + "&limit=" + std::to_string(limit);
    return next;
  };
  HttpResponse response{200,
                        "application/json",
                        StatusPageJson(ComputeStatus(config, at), report, config.settings.zone,
                                       offset, limit, next_url),
                        {}};
  // RFC 8288: where a generic client finds the next page.
  if (!next.empty()) response.headers.emplace_back("Link", "<" + next + ">; rel=\"next\"");
  return response;
}

// Active acknowledgements that still hold: their part is in the store with
// the due date and rating acknowledged (an acknowledgement of a moved due
// date is kept in the ledger but no longer counts).
size_t AcknowledgementsInForce(const Config& config, const std::vector<Acknowledgement>& acks) {
  if (acks.empty()) return 0;
  std::unordered_set<std::string> keys;
  for (const Acknowledgement& a : acks)
    keys.insert(AckKey(a.program, a.commitment, a.due, a.status));
  size_t count = 0;
  for (const Program& p : config.store.programs) {
    for (const Commitment& c : p.commitments) {
      count += keys.count(AckKey(p.id, c.id, DueKey(c), StatusName(c.status)));
    }
  }
  return count;
}

// Who may see what shows officers' addresses: a logged-in user when there
// are users, else a local client. nullopt: r may.
std::optional<HttpResponse> RefuseUnlessAllowed(const HttpRequest& r, const DaemonState& state) {
  const std::optional<HttpSettings>& http = state.loaded->config.settings.http;
  if (!http || http->users.empty()) {
    if (r.local) return std::nullopt;
    return HttpResponse{
        403,
        "text/plain; charset=utf-8",
        "served to local clients only; set [http] users_file to log in from elsewhere\n",
        {}};
  }
  WebAuth::Result result;
  if (state.auth != nullptr)
    result = state.auth->Check(http->users, r.authorization, r.client, state.now);
  switch (result.verdict) {
    case WebAuth::Verdict::kOk:
      return std::nullopt;
    case WebAuth::Verdict::kLimited:
      spdlog::warn("web login refused from {}: too many failures", r.client);
      return HttpResponse{429,
                          "text/plain; charset=utf-8",
                          "too many failed logins; try again later\n",
                          {{"Retry-After", std::to_string(result.retry_after)}}};
    case WebAuth::Verdict::kWrong:
      spdlog::warn("web login failed from {}", r.client);
      [[fallthrough]];
    case WebAuth::Verdict::kMissing:
      break;
  }
  return HttpResponse{401,
                      "text/plain; charset=utf-8",
                      "log in with a user of [http] users_file\n",
                      {{"WWW-Authenticate", "Basic realm=\"plazo\", charset=\"UTF-8\""}}};
}

}  // namespace

HttpResponse Route(const HttpRequest& r, const DaemonState& state) {
  const Config& config = state.loaded->config;
  constexpr std::string_view kAck = "/ack/", kCalendar = "/calendar/", kIcs = ".ics";
  std::string_view path = r.path;
  if (path.substr(0, kAck.size()) == kAck) return AckRoute(r, path.substr(kAck.size()), state);
  if (r.method == "POST") {
    return {405, "text/plain; charset=utf-8", "only GET and HEAD here\n", {{"Allow", "GET, HEAD"}}};
  }
  if (path.substr(0, kCalendar.size()) == kCalendar &&
      path.size() > kCalendar.size() + kIcs.size() &&
      path.substr(path.size() - kIcs.size()) == kIcs) {
    return CalendarRoute(
        path.substr(kCalendar.size(), path.size() - kCalendar.size() - kIcs.size()), state);
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
    if (state.ledger->Acks(false, &acks, &error))
      m.acknowledged_parts = AcknowledgementsInForce(config, acks);
    std::vector<GoneWebhook> gone;
    if (state.ledger->GoneWebhooks(&gone, &error)) gone = StillGone(gone, config.settings);
    for (const auto& [name, hook] : config.settings.webhooks) {
      bool disabled = std::any_of(gone.begin(), gone.end(),
                                  [&](const GoneWebhook& g) { return g.webhook == name; });
      m.webhooks_disabled.emplace_back(name, disabled);
    }
    m.delivery = state.delivery;
    m.last_reload_ok = state.config_problem.empty();
    m.last_good = state.last_good;
    m.last_reload_at = state.last_reload_at;
    m.config_errors = state.config_errors;
    return {200, "text/plain; version=0.0.4; charset=utf-8", PrometheusText(m), {}};
  }
  if (r.path == "/api/v1/status" || r.path == "/calendar.ics") {
    if (auto refusal = RefuseUnlessAllowed(r, state)) return *refusal;
  }
  if (r.path == "/api/v1/status") return StatusApi(r, state);
  if (r.path == "/calendar.ics") {
    // Everyone's deadlines and addresses (allowed above). Officers
    // subscribe to /calendar/<token>.ics from their e-mails.
    CalendarOptions options;
    auto owner = r.query.find("owner");
    if (owner != r.query.end()) options.owner = owner->second;
    options.stamp = state.now;
    return {200, "text/calendar; charset=utf-8", RenderCalendar(config, options), {}};
  }
  constexpr std::string_view kPrograms = "/programs/";
  if (r.path == "/" || r.path == "/deliveries" ||
      (path.substr(0, kPrograms.size()) == kPrograms && path.size() > kPrograms.size())) {
    if (auto refusal = RefuseUnlessAllowed(r, state)) return *refusal;
    if (r.path == "/") return SummaryPage(r, state);
    if (r.path == "/deliveries") return DeliveriesPage(state);
    return ProgramPage(path.substr(kPrograms.size()), state);
  }
  return {404, "text/plain; charset=utf-8", "not found\n", {}};
}

}  // namespace plazo
