// The control unit's pages (daemon/web_pages.h) through Route(), on the
// bundled example: the summary and its filters, the CSV of the view, a
// program with its acknowledgements and deliveries, the failing deliveries.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "notifiers/base64.h"
#include "planner/planner.h"
#include "planner/status.h"
#include "tests/example_daemon.h"

namespace plazo {
namespace {

using std::chrono::hours;

const Instant kNow = Instant(std::chrono::seconds(1'764'000'000));  // 2025-11-24
const std::string kProgram = "sence-intermediacion-laboral";

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The example without a users file: pages for local clients.
struct Pages : testing::ExampleDaemon {
  explicit Pages(const std::string& language = "es") : ExampleDaemon("", kNow, language) {}
  HttpResponse Page(const std::string& path) { return Get(path, true); }
  const Program& program() const { return loaded->config.store.programs.at(0); }
  const Commitment& part(const std::string& id) const {
    for (const Commitment& c : program().commitments) {
      if (c.id == id) return c;
    }
    FAIL("no part " + id);
    throw;
  }
};

TEST_CASE("the summary counts per ministry and service and lists the next reminders") {
  Pages site;
  HttpResponse page = site.Page("/");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<html lang=\"es\">") != std::string::npos);
  CHECK(page.body.find("<h1>Seguimiento de compromisos</h1>") != std::string::npos);
  CHECK(page.body.find("<th scope=\"row\">MINISTERIO DEL TRABAJO Y PREVISION SOCIAL</th>") !=
        std::string::npos);
  StatusReport status = ComputeStatus(site.loaded->config, kNow);
  size_t open = status.overdue.size() + status.due_soon.size() + status.later.size();
  CHECK(page.body.find("<td class=\"n\">" + std::to_string(open) + "</td>") != std::string::npos);
  CHECK(page.body.find("<h2>Próximos avisos</h2>") != std::string::npos);
  CHECK(page.body.find("encargado.pil@example.gob.cl") !=
        std::string::npos);  // a reminder's destination
  // Without a filter, no list of parts.
  CHECK(page.body.find("Compromisos de la vista") == std::string::npos);
}

TEST_CASE("filters narrow the view, and the CSV holds exactly the parts of the view") {
  Pages site;
  StatusReport status = ComputeStatus(site.loaded->config, kNow);
  HttpResponse overdue = site.Page("/?state=overdue");
  CHECK(overdue.body.find("Compromisos de la vista") != std::string::npos);
  CHECK(Count(overdue.body, "<a href=\"/programs/" + kProgram + "\">") == status.overdue.size());
  CHECK(overdue.body.find("<option value=\"overdue\" selected>Vencidos</option>") !=
        std::string::npos);

  HttpResponse csv = site.Page("/?state=overdue&format=csv");
  CHECK(csv.content_type == "text/csv; charset=utf-8");
  CHECK(Count(csv.body, "\r\n") == status.overdue.size() + 1);
  CHECK(csv.body.rfind("program,program_name,ministry,service,commitment,", 0) == 0);
  CHECK(Count(csv.body, ",overdue,") == status.overdue.size());

  HttpResponse all = site.Page("/?format=csv");
  CHECK(Count(all.body, "\r\n") == site.loaded->config.store.CommitmentCount() + 1);

  HttpResponse nobody = site.Page("/?owner=nadie%40example.gob.cl");
  CHECK(nobody.body.find("Ningún compromiso coincide con el filtro.") != std::string::npos);
  HttpResponse other = site.Page("/?ministry=OTRO");
  CHECK(other.body.find("Ningún compromiso coincide con el filtro.") != std::string::npos);
}

TEST_CASE("the parts of a view are listed a page at a time, with links to the others") {
  Pages site;
  const size_t total = site.loaded->config.store.CommitmentCount();
  REQUIRE(total > 10);
  // Every state but acknowledged: all parts, 4 a page.
  size_t listed = 0;
  std::string path = "/?ministry=MINISTERIO%20DEL%20TRABAJO%20Y%20PREVISION%20SOCIAL&per_page=4";
  HttpResponse first = site.Page(path);
  CHECK(first.body.find("Compromisos 1–4 de " + std::to_string(total)) != std::string::npos);
  CHECK(first.body.find("rel=\"prev\"") == std::string::npos);
  for (size_t page = 1;; ++page) {
    HttpResponse p = site.Page(path + "&page=" + std::to_string(page));
    REQUIRE(p.status == 200);
    size_t rows = Count(p.body, "<a href=\"/programs/" + kProgram + "\">");
    CHECK(rows <= 4);
    listed += rows;
    bool more =
        p.body.find(
            "rel=\"next\" "
            "href=\"/?ministry=MINISTERIO%20DEL%20TRABAJO%20Y%20PREVISION%20SOCIAL&amp;page=" +
            std::to_string(page + 1) + "&amp;per_page=4\"") != std::string::npos;
    CHECK((page > 1) == (p.body.find("rel=\"prev\"") != std::string::npos));
    if (!more) break;
    REQUIRE(page < 100);
  }
  CHECK(listed == total);
  // Past the last page: the last page.
  HttpResponse beyond = site.Page(path + "&page=999");
  CHECK(beyond.body.find("de " + std::to_string(total) + " <a rel=\"prev\"") != std::string::npos);
  // The default shows up to 200: no pager for this small view.
  CHECK(site.Page("/?state=overdue").body.find("class=\"pages\"") == std::string::npos);
}

TEST_CASE("the status API answers in pages that together hold every part once") {
  Pages site;
  StatusReport status = ComputeStatus(site.loaded->config, kNow);
  const size_t total = site.loaded->config.store.CommitmentCount();
  REQUIRE(total == status.overdue.size() + status.due_soon.size() + status.later.size() +
                       status.fulfilled.size());
  std::vector<std::string> seen;
  std::string next = "/api/v1/status?limit=4";
  int pages = 0;
  while (!next.empty()) {
    HttpResponse page = site.Page(next);
    REQUIRE(page.status == 200);
    boost::json::object o = boost::json::parse(page.body).as_object();
    const boost::json::object& p = o.at("page").as_object();
    CHECK(p.at("total").as_int64() == static_cast<int64_t>(total));
    CHECK(p.at("limit").as_int64() == 4);
    size_t items = 0;
    for (const char* list : {"overdue", "due_soon", "later", "fulfilled"}) {
      for (const auto& item : o.at(list).as_array()) {
        seen.push_back(std::string(list) + " " + item.at("commitment").as_string().c_str());
        ++items;
      }
    }
    CHECK(items <= 4);
    CHECK(o.contains("deliveries"));
    ++pages;
    if (p.at("next").is_null()) {
      next.clear();
      CHECK(page.headers.empty());
    } else {
      next = p.at("next").as_string().c_str();
      CHECK(items == 4);
      CHECK(std::find(page.headers.begin(), page.headers.end(),
                      std::pair<std::string, std::string>(
                          "Link", "<" + next + ">; rel=\"next\"")) != page.headers.end());
    }
  }
  CHECK(pages == static_cast<int>((total + 3) / 4));
  // The pages, in order, are the lists of one whole status.
  std::vector<std::string> whole;
  for (auto [name, list] :
       {std::pair{"overdue", &status.overdue}, std::pair{"due_soon", &status.due_soon},
        std::pair{"later", &status.later}, std::pair{"fulfilled", &status.fulfilled}}) {
    for (const StatusItem& i : *list) whole.push_back(std::string(name) + " " + i.commitment->id);
  }
  CHECK(seen == whole);
  // Without a limit, one page of up to 1000.
  boost::json::object first = boost::json::parse(site.Page("/api/v1/status").body).as_object();
  CHECK(first.at("page").at("limit").as_int64() == 1000);
  CHECK(first.at("page").at("next").is_null());
  for (const char* bad :
       {"/api/v1/status?limit=0", "/api/v1/status?limit=10001", "/api/v1/status?limit=x",
        "/api/v1/status?cursor=12", "/api/v1/status?cursor=a-1"}) {
    INFO(bad);
    HttpResponse refused = site.Page(bad);
    CHECK(refused.status == 400);
    CHECK_FALSE(refused.body.empty());
  }
}

TEST_CASE("a program shows each part with its acknowledgement and its deliveries") {
  Pages site;
  const Program& p = site.program();
  const Commitment& c = site.part("c1-p2");
  std::string error;
  Acknowledgement a;
  a.program = p.id;
  a.commitment = c.id;
  a.due = DueKey(c);
  a.status = std::string(StatusName(c.status));
  a.recipient = "encargado.pil@example.gob.cl";
  a.at = kNow;
  a.comment = "por oficina de partes";
  std::optional<Acknowledgement> existing;
  REQUIRE(site.ledger->Acknowledge(a, {}, kNow, &existing, &error));

  // One reminder sent, one given up.
  for (auto [stage, ok] : {std::pair{"before-7d", true}, std::pair{"before-1d", false}}) {
    OutboxEntry e{std::string("n-") + stage,
                  "email",
                  "encargado.pil@example.gob.cl",
                  "reminder",
                  "x",
                  {},
                  0,
                  {},
                  {},
                  {},
                  {}};
    DeliveryRecord r;
    r.key = DeliveryKey(p, c, stage, Channel::kEmail, e.destination);
    r.planned_at = kNow;
    REQUIRE(site.ledger->Enqueue(e, {r}, kNow, &error));
    AttemptResult result;
    result.ok = ok;
    result.permanent = !ok;
    result.detail = ok ? "250 accepted" : "550 mailbox unavailable";
    REQUIRE(site.ledger->RecordAttempt(e.notification_id, result, kNow + hours(1), &error));
  }

  HttpResponse page = site.Page("/programs/" + p.id);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<h1>Programa de Intermediación Laboral</h1>") != std::string::npos);
  for (const Commitment& part : p.commitments) {
    std::string label =
        std::to_string(part.number) +
        (part.id.find("-p") != std::string::npos ? "." + std::to_string(part.part) : std::string());
    CHECK(page.body.find("<th scope=\"row\"><b>" + label + "</b>") != std::string::npos);
  }
  CHECK(page.body.find("encargado.pil@example.gob.cl, 24 de noviembre de 2025") !=
        std::string::npos);
  CHECK(page.body.find("por oficina de partes") != std::string::npos);
  CHECK(page.body.find(
            "<li>before-7d · encargado.pil@example.gob.cl · enviado 24 de noviembre de 2025") !=
        std::string::npos);
  CHECK(page.body.find(
            "<li>before-1d · encargado.pil@example.gob.cl · abandonado 24 de noviembre de 2025 a las "
            "14:00: 550 mailbox unavailable") !=
        std::string::npos);
  CHECK(site.Page("/?state=acknowledged&format=csv").body.find(",c1-p2,") != std::string::npos);

  HttpResponse deliveries = site.Page("/deliveries");
  CHECK(deliveries.body.find(
            "<td>abandonado</td><td>reminder</td><td>email: encargado.pil@example.gob.cl</td>") !=
        std::string::npos);
  CHECK(deliveries.body.find("550 mailbox unavailable") != std::string::npos);

  CHECK(site.Page("/programs/otro").status == 404);
}

TEST_CASE("a snoozed program says until when and why") {
  Pages site;
  Program& p = site.loaded->config.store.programs[0];
  p.snooze = {Days(date::year{2026} / 3 / 1), "cambio de jefatura"};
  std::string expected = "sin avisos hasta el 1 de marzo de 2026: cambio de jefatura";
  CHECK(Count(site.Page("/programs/" + p.id).body, expected) == p.commitments.size());
  CHECK(site.Page("/?state=overdue").body.find(expected) != std::string::npos);
  CHECK(site.Page("/api/v1/status").body.find(
            "\"snooze\":{\"until\":\"2026-03-01\",\"reason\":\"cambio de jefatura\"}") != std::string::npos);
}

TEST_CASE("with language = \"en\" the pages are in English") {
  Pages site("en");
  HttpResponse page = site.Page("/?state=overdue");
  CHECK(page.body.find("<html lang=\"en\">") != std::string::npos);
  CHECK(page.body.find("<h1>Commitment follow-up</h1>") != std::string::npos);
  CHECK(page.body.find("late</span>") != std::string::npos);
  CHECK(site.Page("/deliveries").body.find("No delivery is failing or given up.") !=
        std::string::npos);
}

TEST_CASE("a CSV cell cannot become a spreadsheet formula, and quotes are doubled") {
  Pages site;
  site.loaded->config.store.programs[0].name = "=HYPERLINK(\"http://x\")";
  HttpResponse csv = site.Page("/?format=csv");
  CHECK(csv.body.find(",\"'=HYPERLINK(\"\"http://x\"\")\",") != std::string::npos);
  CHECK(csv.body.find(",-") != std::string::npos);  // negative days stay numbers
}

}  // namespace
}  // namespace plazo
