#include "daemon/web_pages.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "base/text.h"
#include "base/url_form.h"
#include "base/utf8.h"
#include "config/time_text.h"
#include "daemon/html_page.h"
#include "ledger/ledger.h"
#include "notifiers/template.h"
#include "planner/ledger_view.h"
#include "planner/planner.h"
#include "planner/status.h"

namespace plazo {

namespace {

// Every word the pages show, per language.
struct Words {
  std::string_view lang, title, summary, deliveries_link, ministry, service, program, commitment,
      status, due, days, owners, open, overdue, due_soon, later, fulfilled, acknowledged, any,
      filter, csv, next, when, kind, destination, items, none_next, parts, no_parts, earlier,
      late_by, left, ack_by, sent, failing, given_up, pending, skipped, attempts, since, last_error,
      no_problems, deliveries, not_found, ledger_down, rating, snoozed_until, late_by_one, left_one,
      due_today, attempt, showing, of, previous_page, next_page;
};

constexpr Words kEs{"es",
                    "Seguimiento de compromisos",
                    "Resumen",
                    "Entregas con problemas",
                    "Ministerio",
                    "Servicio",
                    "Programa",
                    "Compromiso",
                    "Estado",
                    "Vence",
                    "Días",
                    "Responsables",
                    "Abiertos",
                    "Vencidos",
                    "Vencen en 30 días",
                    "Más adelante",
                    "Cumplidos",
                    "Confirmados",
                    "(todos)",
                    "Filtrar",
                    "Descargar CSV",
                    "Próximos avisos",
                    "Cuándo",
                    "Tipo",
                    "Destino",
                    "Compromisos",
                    "No hay avisos planificados en los próximos 60 días.",
                    "Compromisos de la vista",
                    "Ningún compromiso coincide con el filtro.",
                    "antes",
                    "días de atraso",
                    "días",
                    "por",
                    "enviado",
                    "fallando",
                    "abandonado",
                    "pendiente",
                    "omitido",
                    "intentos",
                    "Desde",
                    "Último error",
                    "No hay entregas fallando ni abandonadas.",
                    "Avisos",
                    "Programa no encontrado",
                    "No se pudo leer el registro de entregas",
                    "Calificación",
                    "sin avisos hasta el",
                    "día de atraso",
                    "día",
                    "vence hoy",
                    "intento",
                    "Compromisos",
                    "de",
                    "Anteriores",
                    "Siguientes"};

constexpr Words kEn{"en",
                    "Commitment follow-up",
                    "Summary",
                    "Deliveries with problems",
                    "Ministry",
                    "Service",
                    "Program",
                    "Commitment",
                    "Status",
                    "Due",
                    "Days",
                    "Owners",
                    "Open",
                    "Overdue",
                    "Due within 30 days",
                    "Later",
                    "Fulfilled",
                    "Acknowledged",
                    "(all)",
                    "Filter",
                    "Download CSV",
                    "Next reminders",
                    "When",
                    "Kind",
                    "Destination",
                    "Commitments",
                    "No reminders are planned in the next 60 days.",
                    "Commitments in this view",
                    "No commitment matches the filter.",
                    "earlier",
                    "days late",
                    "days left",
                    "by",
                    "sent",
                    "failing",
                    "given up",
                    "pending",
                    "skipped",
                    "attempts",
                    "Since",
                    "Last error",
                    "No delivery is failing or given up.",
                    "Reminders",
                    "Program not found",
                    "The delivery ledger cannot be read",
                    "Rating",
                    "no reminders until",
                    "day late",
                    "day left",
                    "due today",
                    "attempt",
                    "Commitments",
                    "of",
                    "Previous",
                    "Next"};

constexpr std::string_view kTableStyle = R"css(
body { max-width: 78em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; }
th, td { border-bottom: 1px solid #bbb; padding: .3em .5em; text-align: left; vertical-align: top; }
thead th { background: #e8eef4; }
td.n, th.n { text-align: right; }
.late { color: #a61b1b; font-weight: bold; }
nav a { margin-right: 1.2em; }
form.filters .field { display: inline-block; white-space: nowrap; margin: 0 1em .4em 0; }
form.filters label { margin-right: .3em; }
form.filters button { margin-top: 0; padding: .3em .9em; }
ul.deliveries { margin: 0; padding-left: 1em; font-size: .9em; }
tbody th { font-weight: normal; }
tbody th > b { font-weight: bold; }
@media print { nav, form { display: none; } body { max-width: none; } a { color: inherit; } }
)css";

const Words& WordsFor(const DaemonState& state) {
  return state.loaded->config.settings.language == "en" ? kEn : kEs;
}

std::string H(std::string_view text) { return EscapeHtml(text); }

std::string_view StatusWords(Status s, std::string_view lang) {
  bool en = lang == "en";
  switch (s) {
    case Status::kPendiente:
      return en ? "pending" : "pendiente";
    case Status::kEnEvaluacion:
      return en ? "under evaluation" : "en evaluación";
    case Status::kParcialmenteCumplido:
      return en ? "partly fulfilled" : "parcialmente cumplido";
    case Status::kNoCumplido:
      return en ? "not fulfilled" : "no cumplido";
    case Status::kCumplido:
      return en ? "fulfilled" : "cumplido";
  }
  return StatusName(s);
}

// A notification's kind (reminder, due, overdue, escalation) in words.
std::string_view KindWords(std::string_view kind, std::string_view lang) {
  if (lang == "en") return kind;
  if (kind == "reminder") return "recordatorio";
  if (kind == "due") return "vence hoy";
  if (kind == "overdue") return "vencido";
  if (kind == "escalation") return "escalamiento";
  return kind;
}

const std::vector<std::string>& OwnersOf(const Program& p, const Commitment& c) {
  return c.owners.empty() ? p.owners : c.owners;
}

std::string Join(const std::vector<std::string>& list, std::string_view sep) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

// "sin avisos hasta el 1 de marzo de 2026: reason" when the part is snoozed.
std::string SnoozeWords(const Words& w, const Program& p, const Commitment& c) {
  std::optional<Snooze> s = SnoozeOf(p, c);
  if (!s) return "";
  return "<br><span class=\"small\">" +
         EscapeHtml(std::string(w.snoozed_until) + " " + DateWords(*s->until, w.lang) +
                    (s->reason.empty() ? "" : ": " + s->reason)) +
         "</span>";
}

std::string PartLabel(const Commitment& c) {
  return std::to_string(c.number) + (c.part > 1 || c.id.find("-p") != std::string::npos
                                         ? "." + std::to_string(c.part)
                                         : std::string());
}

std::string Nav(const Words& w) {
  return "<nav><a href=\"/\">" + H(w.summary) + "</a><a href=\"/deliveries\">" +
         H(w.deliveries_link) + "</a></nav>\n";
}

// One part in the view, with the list it came from.
struct Row {
  const StatusItem* item;
  std::string_view state;  // overdue, due_soon, later, fulfilled
  const Acknowledgement* ack = nullptr;
};

struct Filter {
  std::string ministry, service, owner, state;
  bool any() const {
    return !ministry.empty() || !service.empty() || !owner.empty() || !state.empty();
  }
  bool Matches(const Row& row) const {
    const Program& p = *row.item->program;
    if (!ministry.empty() && p.ministry != ministry) return false;
    if (!service.empty() && p.service != service) return false;
    if (!owner.empty()) {
      const auto& owners = OwnersOf(p, *row.item->commitment);
      if (std::find(owners.begin(), owners.end(), owner) == owners.end()) return false;
    }
    if (state == "acknowledged") return row.ack != nullptr;
    return state.empty() || state == row.state;
  }
  std::string Query() const {
    std::string q;
    auto add = [&](std::string_view name, const std::string& value) {
      if (!value.empty())
        q += (q.empty() ? "?" : "&") + std::string(name) + "=" + PercentEncode(value);
    };
    add("ministry", ministry);
    add("service", service);
    add("owner", owner);
    add("state", state);
    return q;
  }
};

// The parts table of the summary shows this many rows a page, unless
// ?per_page asks for another (1 to kMaxPerPage): a broad filter on a
// large store would otherwise list 100,000 rows in one page.
constexpr size_t kPerPage = 200;
constexpr size_t kMaxPerPage = 1000;

// A query value of digits from 1 to max, or fallback.
size_t PositiveQuery(const HttpRequest& r, const char* name, size_t fallback, size_t max) {
  auto it = r.query.find(name);
  std::optional<uint64_t> n = it == r.query.end() ? std::nullopt : WholeNumber(it->second, max);
  return n && *n >= 1 ? static_cast<size_t>(*n) : fallback;
}

std::vector<Row> Rows(const StatusReport& report, const std::vector<Acknowledgement>& acks) {
  std::map<std::string, const Acknowledgement*> by_key;
  for (const Acknowledgement& a : acks)
    by_key[AckKey(a.program, a.commitment, a.due, a.status)] = &a;
  std::vector<Row> rows;
  auto add = [&](const std::vector<StatusItem>& items, std::string_view state) {
    for (const StatusItem& i : items) {
      Row row{&i, state};
      auto it = by_key.find(AckKey(i.program->id, i.commitment->id, DueKey(*i.commitment),
                                   StatusName(i.commitment->status)));
      if (it != by_key.end()) row.ack = it->second;
      rows.push_back(row);
    }
  };
  add(report.overdue, "overdue");
  add(report.due_soon, "due_soon");
  add(report.later, "later");
  add(report.fulfilled, "fulfilled");
  return rows;
}

std::string_view StateWords(const Words& w, std::string_view state) {
  if (state == "overdue") return w.overdue;
  if (state == "due_soon") return w.due_soon;
  if (state == "later") return w.later;
  if (state == "fulfilled") return w.fulfilled;
  if (state == "acknowledged") return w.acknowledged;
  return state;
}

std::string DaysWords(const Words& w, const Row& row) {
  int d = row.item->days_left;
  if (row.state == "fulfilled") return "";
  if (d < 0) {
    return "<span class=\"late\">" + std::to_string(-d) + " " + H(d == -1 ? w.late_by_one : w.late_by) +
           "</span>";
  }
  if (d == 0) return H(w.due_today);
  std::string left = std::to_string(d) + " " + H(d == 1 ? w.left_one : w.left);
  if (w.lang == "en") return left;
  return (d == 1 ? "queda " : "quedan ") + left;
}

// A CSV field (RFC 4180). Text is defused for spreadsheets: a leading
// = + - @ would make a formula of what an officer or a report wrote.
std::string CsvField(std::string_view text, bool is_number = false) {
  std::string s(text);
  if (!is_number && !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@'))
    s.insert(0, "'");
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

HttpResponse Csv(const std::vector<const Row*>& rows, const DaemonState& state) {
  const date::time_zone* zone = state.loaded->config.settings.zone;
  std::string out =
      "program,program_name,ministry,service,commitment,number,part,status,due,days_left,state,"
      "owners,"
      "acknowledged_by,acknowledged_at\r\n";
  for (const Row* row : rows) {
    const Program& p = *row->item->program;
    const Commitment& c = *row->item->commitment;
    std::vector<std::string> fields = {p.id,
                                       p.name,
                                       p.ministry,
                                       p.service,
                                       c.id,
                                       std::to_string(c.number),
                                       std::to_string(c.part),
                                       std::string(StatusName(c.status)),
                                       FormatIsoDate(c.due.date),
                                       std::to_string(row->item->days_left),
                                       std::string(row->state),
                                       Join(OwnersOf(p, c), " "),
                                       row->ack ? row->ack->recipient : "",
                                       row->ack ? FormatRfc3339(row->ack->at, zone) : ""};
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i) {
      bool number = i == 5 || i == 6 || i == 9;  // number, part, days_left
      line += (i == 0 ? "" : ",") + CsvField(fields[i], number);
    }
    out += line + "\r\n";
  }
  HttpResponse r{200, "text/csv; charset=utf-8", std::move(out), {}};
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"plazo.csv\"");
  return r;
}

std::string Select(std::string_view name, std::string_view label,
                   const std::vector<std::string>& options, const std::string& chosen,
                   const Words& w, const std::map<std::string, std::string_view>& shown = {}) {
  std::string id = "f-" + std::string(name);
  std::string out = "<span class=\"field\"><label for=\"" + id + "\">" + H(label) +
                    "</label><select id=\"" + id + "\" name=\"" + std::string(name) +
                    "\"><option value=\"\">" + H(w.any) + "</option>";
  for (const std::string& o : options) {
    auto s = shown.find(o);
    out += "<option value=\"" + H(o) + "\"" + (o == chosen ? " selected" : "") + ">" +
           H(s != shown.end() ? s->second : std::string_view(o)) + "</option>";
  }
  return out + "</select></span>\n";
}

}  // namespace

HttpResponse SummaryPage(const HttpRequest& r, const DaemonState& state) {
  const Words& w = WordsFor(state);
  const Config& config = state.loaded->config;
  const date::time_zone* zone = config.settings.zone;
  std::string error;
  std::vector<Acknowledgement> acks;
  LedgerView view;
  if (!state.ledger->Acks(false, &acks, &error) ||
      !state.ledger->LoadView(state.now, &view, &error)) {
    return HtmlPage(503, w.lang, w.ledger_down,
                    "<h1>" + H(w.ledger_down) + "</h1>\n<p>" + H(error) + "</p>\n");
  }
  StatusReport report = ComputeStatus(config, state.now);
  std::vector<Row> rows = Rows(report, acks);
  Filter f;
  auto get = [&](const char* name) {
    auto it = r.query.find(name);
    return it == r.query.end() ? std::string() : it->second;
  };
  f.ministry = get("ministry");
  f.service = get("service");
  f.owner = get("owner");
  f.state = get("state");
  std::vector<const Row*> matching;
  for (const Row& row : rows) {
    if (f.Matches(row)) matching.push_back(&row);
  }
  if (get("format") == "csv") return Csv(matching, state);

  // Counts per ministry and service, of the parts in the view.
  struct Counts {
    int open = 0, overdue = 0, due_soon = 0, fulfilled = 0, acknowledged = 0;
  };
  std::map<std::pair<std::string, std::string>, Counts> groups;
  for (const Row* row : matching) {
    Counts& c = groups[{row->item->program->ministry, row->item->program->service}];
    if (row->state != "fulfilled") ++c.open;
    if (row->state == "overdue") ++c.overdue;
    if (row->state == "due_soon") ++c.due_soon;
    if (row->state == "fulfilled") ++c.fulfilled;
    if (row->ack) ++c.acknowledged;
  }
  std::set<std::string> ministries, services, owners;
  for (const Program& p : config.store.programs) {
    if (!p.ministry.empty()) ministries.insert(p.ministry);
    if (!p.service.empty()) services.insert(p.service);
    for (const std::string& o : p.owners) owners.insert(o);
    for (const Commitment& c : p.commitments) owners.insert(c.owners.begin(), c.owners.end());
  }

  std::string body = Nav(w) + "<h1>" + H(w.title) + "</h1>\n";
  body += "<form class=\"filters\" method=\"get\" action=\"/\">\n";
  auto list = [](const std::set<std::string>& s) {
    return std::vector<std::string>(s.begin(), s.end());
  };
  body += Select("ministry", w.ministry, list(ministries), f.ministry, w);
  body += Select("service", w.service, list(services), f.service, w);
  body += Select("owner", w.owners, list(owners), f.owner, w);
  body += Select("state", w.status, {"overdue", "due_soon", "later", "fulfilled", "acknowledged"},
                 f.state, w,
                 {{"overdue", w.overdue},
                  {"due_soon", w.due_soon},
                  {"later", w.later},
                  {"fulfilled", w.fulfilled},
                  {"acknowledged", w.acknowledged}});
  std::string csv_query = f.Query();
  csv_query += (csv_query.empty() ? "?" : "&") + std::string("format=csv");
  body += "<button type=\"submit\">" + H(w.filter) + "</button> <a href=\"/" + H(csv_query) +
          "\">" + H(w.csv) + "</a>\n</form>\n";

  body +=
      "<h2>" + H(w.summary) + "</h2>\n<table>\n<thead><tr><th scope=\"col\">" + H(w.ministry) +
      "</th><th scope=\"col\">" + H(w.service) + "</th><th scope=\"col\" class=\"n\">" + H(w.open) +
      "</th><th scope=\"col\" class=\"n\">" + H(w.overdue) + "</th><th scope=\"col\" class=\"n\">" +
      H(w.due_soon) + "</th><th scope=\"col\" class=\"n\">" + H(w.fulfilled) +
      "</th><th scope=\"col\" class=\"n\">" + H(w.acknowledged) + "</th></tr></thead>\n<tbody>\n";
  for (const auto& [key, c] : groups) {
    Filter only = f;
    only.ministry = key.first;
    only.service = key.second;
    // A filter cannot ask for "no service": such a row is not a link.
    std::string service = key.second.empty()
                              ? std::string("-")
                              : "<a href=\"/" + H(only.Query()) + "\">" + H(key.second) + "</a>";
    body += "<tr><th scope=\"row\">" + H(key.first) + "</th><td>" + service +
            "</td><td class=\"n\">" + std::to_string(c.open) + "</td><td class=\"n" +
            (c.overdue > 0 ? " late" : "") + "\">" + std::to_string(c.overdue) +
            "</td><td class=\"n\">" + std::to_string(c.due_soon) + "</td><td class=\"n\">" +
            std::to_string(c.fulfilled) + "</td><td class=\"n\">" + std::to_string(c.acknowledged) +
            "</td></tr>\n";
  }
  body += "</tbody>\n</table>\n";

  if (f.any()) {
    body += "<h2>" + H(w.parts) + "</h2>\n";
    if (matching.empty()) {
      body += "<p>" + H(w.no_parts) + "</p>\n";
    } else {
      const size_t per_page = PositiveQuery(r, "per_page", kPerPage, kMaxPerPage);
      const size_t pages = (matching.size() + per_page - 1) / per_page;
      const size_t page = std::min(PositiveQuery(r, "page", 1, SIZE_MAX / per_page), pages);
      const size_t first = (page - 1) * per_page;
      const size_t last = std::min(first + per_page, matching.size());
      std::string pager;
      if (pages > 1) {
        auto link = [&](size_t to, std::string_view rel, std::string_view text) {
          std::string q = f.Query();
          q += (q.empty() ? "?" : "&") + std::string("page=") + std::to_string(to);
          if (per_page != kPerPage) q += "&per_page=" + std::to_string(per_page);
          return " <a rel=\"" + std::string(rel) + "\" href=\"/" + H(q) + "\">" + H(text) + "</a>";
        };
        pager = "<p class=\"pages\">" + H(w.showing) + " " + std::to_string(first + 1) + "–" +
                std::to_string(last) + " " + H(w.of) + " " + std::to_string(matching.size()) +
                (page > 1 ? link(page - 1, "prev", w.previous_page) : "") +
                (page < pages ? link(page + 1, "next", w.next_page) : "") + "</p>\n";
      }
      body += "<table>\n<thead><tr><th scope=\"col\">" + H(w.program) + "</th><th scope=\"col\">" +
              H(w.commitment) + "</th><th scope=\"col\">" + H(w.status) +
              "</th><th scope=\"col\">" + H(w.due) + "</th><th scope=\"col\">" + H(w.days) +
              "</th><th scope=\"col\">" + H(w.owners) + "</th><th scope=\"col\">" +
              H(w.acknowledged) + "</th></tr></thead>\n<tbody>\n";
      for (size_t i = first; i < last; ++i) {
        const Row* row = matching[i];
        const Program& p = *row->item->program;
        const Commitment& c = *row->item->commitment;
        body +=
            "<tr><td><a href=\"/programs/" + H(p.id) + "\">" + H(p.name.empty() ? p.id : p.name) +
            "</a></td><td>" + H(PartLabel(c)) + "</td><td>" + H(StateWords(w, row->state)) +
            SnoozeWords(w, p, c) + "</td><td>" + H(DueWords(c, zone, w.lang)) + "</td><td>" +
            DaysWords(w, *row) + "</td><td>" + H(Join(OwnersOf(p, c), ", ")) + "</td><td>" +
            (row->ack ? H(row->ack->recipient) + ", " + H(MomentWords(row->ack->at, zone, w.lang))
                      : "") +
            "</td></tr>\n";
      }
      body += "</tbody>\n</table>\n" + pager;
    }
  }

  // The next reminders: what the planner would send over the next 60 days.
  std::vector<Notification> next =
      state.loaded->planner->Window(state.now, state.now + std::chrono::hours(24 * 60), view);
  body += "<h2>" + H(w.next) + "</h2>\n";
  if (next.empty()) {
    body += "<p>" + H(w.none_next) + "</p>\n";
  } else {
    body += "<table>\n<thead><tr><th scope=\"col\">" + H(w.when) + "</th><th scope=\"col\">" +
            H(w.kind) + "</th><th scope=\"col\">" + H(w.destination) + "</th><th scope=\"col\">" +
            H(w.items) + "</th></tr></thead>\n<tbody>\n";
    for (size_t i = 0; i < next.size() && i < 20; ++i) {
      const Notification& n = next[i];
      std::string items;
      for (const PlannedItem& item : n.items) {
        items += (items.empty() ? "" : "; ") +
                 (item.program->name.empty() ? item.program->id : item.program->name) + " · " +
                 std::string(w.commitment) + " " + PartLabel(*item.commitment);
      }
      body += "<tr><td>" + H(MomentWords(n.at, zone, w.lang)) + "</td><td>" +
              H(KindWords(n.kind, w.lang)) + "</td><td>" + H(n.destination) + "</td><td>" +
              H(items) + "</td></tr>\n";
    }
    body += "</tbody>\n</table>\n";
  }
  return HtmlPage(200, w.lang, w.title, body, kTableStyle);
}

HttpResponse ProgramPage(std::string_view id, const DaemonState& state) {
  const Words& w = WordsFor(state);
  const Config& config = state.loaded->config;
  const date::time_zone* zone = config.settings.zone;
  const Program* program = nullptr;
  for (const Program& p : config.store.programs) {
    if (p.id == id) program = &p;
  }
  if (program == nullptr) {
    return HtmlPage(404, w.lang, w.not_found, Nav(w) + "<h1>" + H(w.not_found) + "</h1>\n",
                    kTableStyle);
  }
  std::string error;
  std::vector<Acknowledgement> acks;
  std::vector<PartDelivery> deliveries;
  if (!state.ledger->Acks(false, &acks, &error) ||
      !state.ledger->DeliveriesOfProgram(program->id, &deliveries, &error)) {
    return HtmlPage(503, w.lang, w.ledger_down,
                    "<h1>" + H(w.ledger_down) + "</h1>\n<p>" + H(error) + "</p>\n");
  }
  StatusReport report = ComputeStatus(config, state.now);
  std::vector<Row> rows = Rows(report, acks);
  const Program& p = *program;
  std::string body = Nav(w) + "<h1>" + H(p.name.empty() ? p.id : p.name) + "</h1>\n<dl>\n";
  auto term = [&](std::string_view t, const std::string& v) {
    if (!v.empty()) body += "<dt>" + H(t) + "</dt><dd>" + H(v) + "</dd>\n";
  };
  term(w.ministry, p.ministry);
  term(w.service, p.service);
  term(w.owners, Join(p.owners, ", "));
  if (p.rating) term(w.rating, std::string(StatusWords(*p.rating, w.lang)));
  body += "</dl>\n<table>\n<thead><tr><th scope=\"col\">" + H(w.commitment) +
          "</th><th scope=\"col\">" + H(w.status) + "</th><th scope=\"col\">" + H(w.due) +
          "</th><th scope=\"col\">" + H(w.days) + "</th><th scope=\"col\">" + H(w.owners) +
          "</th><th scope=\"col\">" + H(w.acknowledged) + "</th><th scope=\"col\">" +
          H(w.deliveries) + "</th></tr></thead>\n<tbody>\n";
  for (const Commitment& c : p.commitments) {
    const Row* row = nullptr;
    for (const Row& candidate : rows) {
      if (candidate.item->commitment == &c) row = &candidate;
    }
    std::string due = H(DueWords(c, zone, w.lang));
    if (!c.previous_due.empty()) {
      std::vector<std::string> earlier;
      for (Days d : c.previous_due) earlier.push_back(DateWords(d, w.lang));
      due +=
          "<br><span class=\"small\">" + H(w.earlier) + ": " + H(Join(earlier, ", ")) + "</span>";
    }
    std::string list;
    std::string prefix = p.id + "/" + c.id + "/";
    for (const PartDelivery& d : deliveries) {
      if (d.record.key.compare(0, prefix.size(), prefix) != 0) continue;
      // The key's fourth field is the stage: program/commitment/due/stage/channel:destination.
      std::string_view rest = std::string_view(d.record.key).substr(prefix.size());
      rest.remove_prefix(std::min(rest.size(), rest.find('/') + 1));
      std::string_view stage = rest.substr(0, rest.find('/'));
      std::string outcome;
      switch (d.record.state) {
        case DeliveryState::kSent:
          outcome =
              std::string(w.sent) + (d.sent_at ? " " + MomentWords(*d.sent_at, zone, w.lang) : "");
          break;
        case DeliveryState::kFailed:
          outcome = std::string(w.failing) + " (" + std::to_string(d.attempts) + " " +
                    std::string(d.attempts == 1 ? w.attempt : w.attempts) + ", " + MomentWords(d.record.recorded_at, zone, w.lang) +
                    "): " + d.last_error;
          break;
        case DeliveryState::kGivenUp:
          outcome = std::string(w.given_up) + " " + MomentWords(d.record.recorded_at, zone, w.lang) +
                    ": " + d.last_error;
          break;
        case DeliveryState::kSkipped:
          outcome = std::string(w.skipped) + " " + MomentWords(d.record.recorded_at, zone, w.lang);
          break;
        case DeliveryState::kPending:
          outcome = std::string(w.pending);
          break;
      }
      list += "<li>" + H(stage) + " · " + H(d.destination.empty() ? "-" : d.destination) + " · " +
              H(outcome) + "</li>";
    }
    std::string ack;
    if (row != nullptr && row->ack != nullptr) {
      ack = H(row->ack->recipient) + ", " + H(MomentWords(row->ack->at, zone, w.lang));
      if (!row->ack->comment.empty())
        ack += "<br><span class=\"small\">" + H(row->ack->comment) + "</span>";
    }
    body += "<tr><th scope=\"row\"><b>" + H(PartLabel(c)) + "</b><br><span class=\"small\">" +
            H(c.text.substr(0, Utf8Boundary(c.text, 160))) + (c.text.size() > 160 ? "…" : "") +
            "</span></th><td>" + H(row ? StateWords(w, row->state) : std::string_view()) +
            "<br><span class=\"small\">" + H(StatusWords(c.status, w.lang)) + "</span>" +
            SnoozeWords(w, p, c) + "</td><td>" + due + "</td><td>" +
            (row ? DaysWords(w, *row) : "") + "</td><td>" + H(Join(OwnersOf(p, c), ", ")) +
            "</td><td>" + ack + "</td><td>" +
            (list.empty() ? "" : "<ul class=\"deliveries\">" + list + "</ul>") + "</td></tr>\n";
  }
  body += "</tbody>\n</table>\n";
  return HtmlPage(200, w.lang, p.name.empty() ? p.id : p.name, body, kTableStyle);
}

HttpResponse DeliveriesPage(const DaemonState& state) {
  const Words& w = WordsFor(state);
  const date::time_zone* zone = state.loaded->config.settings.zone;
  DeliveryReport report;
  std::string error;
  if (!state.ledger->Report(&report, &error)) {
    return HtmlPage(503, w.lang, w.ledger_down,
                    "<h1>" + H(w.ledger_down) + "</h1>\n<p>" + H(error) + "</p>\n");
  }
  std::vector<std::pair<const OutboxEntry*, std::string_view>> entries;
  for (const OutboxEntry& e : report.failing) entries.emplace_back(&e, w.failing);
  for (const OutboxEntry& e : report.given_up) entries.emplace_back(&e, w.given_up);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.first->created_at > b.first->created_at;
  });
  std::string body = Nav(w) + "<h1>" + H(w.deliveries_link) + "</h1>\n";
  if (entries.empty()) {
    body += "<p>" + H(w.no_problems) + "</p>\n";
  } else {
    body += "<table>\n<thead><tr><th scope=\"col\">" + H(w.status) + "</th><th scope=\"col\">" +
            H(w.kind) + "</th><th scope=\"col\">" + H(w.destination) +
            "</th><th scope=\"col\" class=\"n\">" + H(w.attempts) + "</th><th scope=\"col\">" +
            H(w.since) + "</th><th scope=\"col\">" + H(w.last_error) +
            "</th></tr></thead>\n<tbody>\n";
    for (const auto& [e, label] : entries) {
      body += "<tr><td>" + H(label) + "</td><td>" + H(e->kind) + "</td><td>" + H(e->channel) +
              ": " + H(e->destination) + "</td><td class=\"n\">" + std::to_string(e->attempts) +
              "</td><td>" + H(MomentWords(e->created_at, zone, w.lang)) + "</td><td>" +
              H(e->last_error) + "</td></tr>\n";
    }
    body += "</tbody>\n</table>\n";
  }
  return HtmlPage(200, w.lang, w.deliveries_link, body, kTableStyle);
}

}  // namespace plazo
