// plazod import --update: the folding of a newer report into an edited store
// file (import/store_update.h) and the command. Newer reports are made from the sample by editing its
// text: a newer cut-off, ratings, a due month, a part dropped and one added.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "config/file_text.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/time_text.h"
#include "import/report_import.h"
#include "import/store_update.h"
#include "tests/test_paths.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

std::string Read(const std::string& path) {
  FileText f = ReadFileText(path);
  INFO(path);
  REQUIRE(f.error.empty());
  return f.text;
}

std::string SampleName() { return "informe-cumplimiento-intermediacion-laboral-2024"; }
std::string SampleReport() {
  return Read(testing::DataDir() + "/reports/" + SampleName() + ".txt");
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// Replaces the first `from` in line number (1-based) of the lines.
void EditLine(std::vector<std::string>* lines, size_t number, const std::string& from,
              const std::string& to) {
  std::string& line = (*lines)[number - 1];
  size_t at = line.find(from);
  INFO("line " << number << ": " << from);
  REQUIRE(at != std::string::npos);
  line.replace(at, from.size(), to);
}

// The sample's next semester: cut-off 30-06-2025, the program rated cumplido
// with a new observation, commitment 1 rated cumplido with a new text, an
// observation and evidence, 1's second part moved from December 2025 to June
// 2026, and the row of commitment 11 now numbered 12 (11 dropped, 12 added).
std::string NewerReport() {
  std::vector<std::string> lines = SplitLines(SampleReport());
  EditLine(&lines, 4, "31-12-2024", "30-06-2025");
  EditLine(&lines, 10, "Parcialmente cumplido", "Cumplido");
  EditLine(&lines, 12, "cumple con 1 de los 2", "cumple con 2 de los 2");
  EditLine(&lines, 15, "Calificación:</u> En evaluación",
           "Calificación:</u> Cumplido (30-06-2025)");
  EditLine(&lines, 15, "Realizar el rediseño del Programa",
           "Realizar el rediseño completo del Programa");
  EditLine(&lines, 15, "<p><u>Medios de Verificación:</u></p>",
           "<p><u>Observación:</u> Se revisará en diciembre.</p> <p><u>Medios de "
           "Verificación:</u> Informe de rediseño.</p>");
  EditLine(&lines, 16, "Diciembre 2025", "Junio 2026");
  EditLine(&lines, 38, "COMPROMISO 11:", "COMPROMISO 12:");
  return JoinLines(lines);
}

// The sample with an older cut-off than the store's.
std::string OlderReport() {
  std::vector<std::string> lines = SplitLines(SampleReport());
  EditLine(&lines, 4, "31-12-2024", "30-06-2024");
  return JoinLines(lines);
}

void Replace(std::string* text, const std::string& from, const std::string& to) {
  size_t at = text->find(from);
  INFO(from);
  REQUIRE(at != std::string::npos);
  text->replace(at, from.size(), to);
}

// The sample's store file as an admin has kept it: owners, a webhook, a
// part's own schedule and owners, a submitted date, comments and blank lines.
std::string AdminStore() {
  std::string text = Read(testing::DataDir() + "/reports/" + SampleName() + ".toml");
  Replace(&text, "# Edit freely;", "# Dueños revisados en enero.\n# Edit freely;");
  Replace(&text, "owners = []\n",
          "owners = [\"encargado.pil@example.gob.cl\"]  # jefa del programa\n"
          "webhooks = [\"equipo-pil\"]\n");
  Replace(&text, "id = \"c1\"\n", "id = \"c1\"\n# calendario propio\nschedule = \"dipres\"\n\n");
  Replace(&text, "id = \"c1-p2\"\n", "id = \"c1-p2\"\n# se reprograma a menudo\n");
  Replace(&text, "id = \"c2\"\n", "id = \"c2\"\nsubmitted = 2025-06-20\n");
  Replace(&text, "id = \"c3\"\n", "id = \"c3\"\nowners = [\"otra.persona@example.gob.cl\"]\n");
  return text + "\n# fin del archivo\n";
}

// What `plazod check` uses for this file: the defaults and its webhook.
Settings CheckSettings() {
  Settings s = DefaultSettings();
  Webhook w;
  w.name = "equipo-pil";
  w.url = "https://hooks.example.gob.cl/T123";
  s.webhooks.emplace(w.name, w);
  return s;
}

Program ParseReportText(const std::string& text) {
  ImportedReport report;
  Diagnostics diags;
  INFO(diags.ToString());
  REQUIRE(ParseReport(text, "NEWER.txt", &report, &diags));
  return report.program;
}

Program LoadStoreText(const std::string& text) {
  Program p;
  Diagnostics diags;
  bool ok = ParseStoreFile(text, "pil.toml", CheckSettings(), &p, &diags);
  INFO(diags.ToString() << text);
  REQUIRE(ok);
  return p;
}

const Commitment& Part(const Program& p, const std::string& id) {
  for (const Commitment& c : p.commitments) {
    if (c.id == id) return c;
  }
  FAIL("no part " << id);
  return p.commitments.front();
}

bool Listed(const StoreUpdateResult& r, const std::string& commitment, const std::string& field) {
  for (const FieldChange& c : r.changes) {
    if (c.commitment == commitment && c.field == field) return true;
  }
  return false;
}

// Walks the old and the new text line by line: every line of the old text
// must be in the new one, byte for byte, in the same order, except the lines
// of values listed as changed (same key, new value); the new text may add
// previous_due lines and, after the end of the old text, new tables.
void RequireOnlyListedLinesChanged(const std::string& before, const StoreUpdateResult& r) {
  std::vector<std::string> old_lines = SplitLines(before), new_lines = SplitLines(r.text);
  size_t i = 0, j = 0;
  std::string table;  // the part whose keys are being read; "" in [program]
  while (i < old_lines.size()) {
    REQUIRE(j < new_lines.size());
    const std::string& o = old_lines[i];
    const std::string& n = new_lines[j];
    if (o.rfind("[[commitment]]", 0) == 0) table = "?";
    if (o.rfind("id = \"c", 0) == 0) table = o.substr(6, o.size() - 7);
    if (o == n) {
      ++i, ++j;
      continue;
    }
    std::string key = o.substr(0, o.find(" = "));
    if (n.rfind(key + " = ", 0) != 0 &&
        (n.rfind("previous_due = ", 0) == 0 || n.rfind("status_date = ", 0) == 0)) {
      ++j;  // inserted
      continue;
    }
    INFO("old line " << i + 1 << ": " << o << "\nnew line " << j + 1 << ": " << n);
    REQUIRE(n.rfind(key + " = ", 0) == 0);
    if (key != "report_date") REQUIRE(Listed(r, table, key));
    ++i, ++j;
  }
  for (; j < new_lines.size(); ++j) {
    const std::string& n = new_lines[j];
    INFO("new line " << j + 1 << ": " << n);
    REQUIRE((n.empty() || n.find(" = ") != std::string::npos || n == "[[commitment]]"));
  }
}

StoreUpdateResult Update(const std::string& store, const std::string& report,
                         StoreUpdateOptions options = {}) {
  StoreUpdateResult r;
  Diagnostics diags;
  bool ok =
      UpdateStoreText(store, "pil.toml", ParseReportText(report), "NEWER.txt", options, &r, &diags);
  INFO(diags.ToString());
  REQUIRE(ok);
  return r;
}

TEST_CASE("import --update: the report's values change, the admin's stay byte for byte") {
  const std::string store = AdminStore();
  LoadStoreText(store);  // the admin's file is valid to begin with
  StoreUpdateResult r = Update(store, NewerReport());
  REQUIRE(r.changed);
  CHECK(r.report_date_from == ParseIsoDate("2024-12-31"));
  CHECK(r.report_date_to == ParseIsoDate("2025-06-30"));

  // Ratings: the program's and commitment 1's.
  auto find = [&](const std::string& commitment, const std::string& field) {
    for (const FieldChange& c : r.changes) {
      if (c.commitment == commitment && c.field == field) return c;
    }
    FAIL("no change of " << commitment << " " << field);
    return FieldChange{};
  };
  FieldChange rating = find("", "rating");
  CHECK(rating.from == "parcialmente_cumplido");
  CHECK(rating.to == "cumplido");
  FieldChange status = find("c1", "status");
  CHECK(status.from == "en_evaluacion");
  CHECK(status.to == "cumplido");
  CHECK(find("c1", "status_date").to == "2025-06-30");
  // Texts, observations and evidence.
  CHECK(find("", "observation").to.find("cumple con 2 de los 2") != std::string::npos);
  CHECK(find("c1", "text").to.rfind("Realizar el rediseño completo del Programa", 0) == 0);
  CHECK(find("c1", "observation").from == "");
  CHECK(find("c1", "observation").to == "Se revisará en diciembre.");
  CHECK(find("c1", "evidence").to == "Informe de rediseño.");
  // A due month moved.
  FieldChange due = find("c1-p2", "due");
  CHECK(due.from == "2025-12-31");
  CHECK(due.to == "2026-06-30");
  // Dropped and added parts.
  CHECK(r.added == std::vector<std::string>{"c12"});
  CHECK(r.not_in_report == std::vector<std::string>{"c11"});
  // Local fields never appear.
  for (const FieldChange& c : r.changes) {
    INFO(c.commitment << " " << c.field);
    CHECK(c.field != "owners");
    CHECK(c.field != "schedule");
    CHECK(c.field != "submitted");
    CHECK(c.field != "webhooks");
    CHECK(c.field != "id");
  }

  RequireOnlyListedLinesChanged(store, r);
  CHECK(r.text.find("# Dueños revisados en enero.\n") != std::string::npos);
  CHECK(r.text.find("# calendario propio\nschedule = \"dipres\"\n\n") != std::string::npos);
  CHECK(r.text.find("due = 2026-06-30\nprevious_due = [2025-12-31]\n") != std::string::npos);

  // The result passes check and carries both the report's and the admin's values.
  Program p = LoadStoreText(r.text);
  CHECK(p.report_date == ParseIsoDate("2025-06-30"));
  CHECK(p.rating == Status::kCumplido);
  CHECK(p.owners == std::vector<std::string>{"encargado.pil@example.gob.cl"});
  CHECK(p.webhooks == std::vector<std::string>{"equipo-pil"});
  CHECK(Part(p, "c1").status == Status::kCumplido);
  CHECK(Part(p, "c1").schedule == "dipres");
  CHECK(Part(p, "c1").evidence == "Informe de rediseño.");
  CHECK(Part(p, "c1").observation == "Se revisará en diciembre.");
  CHECK(Part(p, "c1-p2").due.date == *ParseIsoDate("2026-06-30"));
  CHECK(Part(p, "c1-p2").previous_due == std::vector<Days>{*ParseIsoDate("2025-12-31")});
  CHECK(Part(p, "c2").submitted == ParseIsoDate("2025-06-20"));
  CHECK(Part(p, "c3").owners == std::vector<std::string>{"otra.persona@example.gob.cl"});
  CHECK(Part(p, "c11").due.date == *ParseIsoDate("2025-06-30"));  // kept
  CHECK(Part(p, "c12").owners.empty());                           // the program's defaults
  CHECK(Part(p, "c12").schedule.empty());
  CHECK(p.commitments.size() == 16);

  SECTION("a second run with the same report changes nothing") {
    StoreUpdateResult again = Update(r.text, NewerReport());
    CHECK_FALSE(again.changed);
    CHECK(again.text == r.text);
    CHECK(again.changes.empty());
    CHECK(again.added.empty());
    CHECK(again.not_in_report == std::vector<std::string>{"c11"});
  }
  SECTION("a due moved again keeps every earlier due date") {
    std::vector<std::string> lines = SplitLines(NewerReport());
    EditLine(&lines, 16, "Junio 2026", "Diciembre 2026");
    StoreUpdateResult again = Update(r.text, JoinLines(lines));
    Program q = LoadStoreText(again.text);
    CHECK(Part(q, "c1-p2").due.date == *ParseIsoDate("2026-12-31"));
    CHECK(Part(q, "c1-p2").previous_due ==
          std::vector<Days>{*ParseIsoDate("2025-12-31"), *ParseIsoDate("2026-06-30")});
    CHECK(again.text.find("previous_due = [2025-12-31, 2026-06-30]\n") != std::string::npos);
  }
}

TEST_CASE("import --update: the same report changes nothing, not even the layout") {
  const std::string store = AdminStore();
  StoreUpdateResult r = Update(store, SampleReport());
  CHECK_FALSE(r.changed);
  CHECK(r.text == store);
  CHECK(r.changes.empty());
  CHECK(r.added.empty());
  CHECK(r.not_in_report.empty());
}

TEST_CASE("import --update: an older cut-off is refused unless --force") {
  const std::string store = AdminStore();
  Diagnostics diags;
  StoreUpdateResult r;
  REQUIRE_FALSE(UpdateStoreText(store, "pil.toml", ParseReportText(OlderReport()), "OLD.txt", {},
                                &r, &diags));
  std::string message = diags.ToString();
  INFO(message);
  CHECK(message.rfind("OLD.txt:", 0) == 0);  // the program header's line
  CHECK(message.find("2024-06-30") != std::string::npos);
  CHECK(message.find("2024-12-31") != std::string::npos);
  CHECK(message.find("--force") != std::string::npos);

  StoreUpdateOptions force;
  force.force = true;
  StoreUpdateResult forced = Update(store, OlderReport(), force);
  CHECK(forced.report_date_to == ParseIsoDate("2024-06-30"));
  CHECK(LoadStoreText(forced.text).report_date == ParseIsoDate("2024-06-30"));
}

TEST_CASE("import --update: another program, or a broken store file, is refused") {
  std::string store = AdminStore();
  Replace(&store, "id = \"programa-de-intermediacion-laboral\"", "id = \"otro\"");
  Replace(&store, "name = \"Programa de Intermediación Laboral\"", "name = \"Otro programa\"");
  Diagnostics diags;
  StoreUpdateResult r;
  REQUIRE_FALSE(UpdateStoreText(store, "pil.toml", ParseReportText(NewerReport()), "NEWER.txt", {},
                                &r, &diags));
  CHECK(diags.ToString().find("not about the program of pil.toml ('otro'") != std::string::npos);
  // --id names the file's program: the same program renamed.
  StoreUpdateOptions by_id;
  by_id.id = "otro";
  Update(store, NewerReport(), by_id);

  std::string broken = AdminStore();
  Replace(&broken, "due = 2025-06-30\n", "due = \"junio\"\n");
  Diagnostics broken_diags;
  REQUIRE_FALSE(UpdateStoreText(broken, "pil.toml", ParseReportText(NewerReport()), "NEWER.txt", {},
                                &r, &broken_diags));
  CHECK(broken_diags.ToString().rfind("pil.toml:", 0) == 0);
  CHECK(broken_diags.ToString().find("'due' must be a date") != std::string::npos);
}

TEST_CASE("import --update: a key to add to an inline table is a problem at its place") {
  std::string store =
      "program = { id = \"programa-de-intermediacion-laboral\", name = \"Programa de "
      "Intermediación Laboral\", report_date = 2024-12-31 }\n"
      "commitment = [ { number = 1, due = 2025-06-30 } ]\n";
  StoreUpdateResult r;
  Diagnostics diags;
  REQUIRE_FALSE(UpdateStoreText(store, "pil.toml", ParseReportText(NewerReport()), "NEWER.txt", {},
                                &r, &diags));
  std::string message = diags.ToString();
  INFO(message);
  CHECK(message.find("pil.toml:1:11: cannot add 'rating' to an inline table") != std::string::npos);
  CHECK(message.find("pil.toml:2:16: cannot add 'status' to an inline table") != std::string::npos);
  CHECK(message.find("pil.toml:2:16: cannot add c1-p2 after an inline array of commitments") !=
        std::string::npos);
  CHECK(message.find("internal error") == std::string::npos);
}

TEST_CASE("import --update: a moved due in an inline table is a problem, not an internal error") {
  std::string inline_part =
      "commitment = [ { number = 1, part = 2, due = 2025-12-31, status = \"en_evaluacion\" } ]\n";
  std::string text = inline_part +
                     "[program]\nid = \"programa-de-intermediacion-laboral\"\nname = \"Programa "
                     "de Intermediación Laboral\"\nreport_date = 2024-12-31\n";
  StoreUpdateResult r;
  Diagnostics diags;
  REQUIRE_FALSE(UpdateStoreText(text, "pil.toml", ParseReportText(NewerReport()), "NEWER.txt", {},
                                &r, &diags));
  std::string message = diags.ToString();
  INFO(message);
  CHECK(message.find("cannot add 'previous_due' to an inline table") != std::string::npos);
  CHECK(message.find("internal error") == std::string::npos);
}

TEST_CASE("import --update: previous_due ends with the date it was rescheduled from") {
  // c1-p2 was due in June 2026, then rescheduled to December 2025; the newer
  // report moves it back to June 2026.
  std::string store = AdminStore();
  Replace(&store, "due = 2025-12-31\n", "due = 2025-12-31\nprevious_due = [2026-06-30]\n");
  StoreUpdateResult r = Update(store, NewerReport());
  CHECK(Part(LoadStoreText(r.text), "c1-p2").previous_due ==
        std::vector<Days>{*ParseIsoDate("2025-12-31")});
  bool listed = false;
  for (const FieldChange& c : r.changes) {
    if (c.commitment == "c1-p2" && c.field == "due") {
      CHECK(c.from == "2025-12-31");
      CHECK(c.to == "2026-06-30");
      listed = true;
    }
  }
  CHECK(listed);
}

TEST_CASE("import --update: a time of day the admin gave the due date is kept") {
  std::string store = AdminStore();
  Replace(&store, "id = \"c1\"\n", "id = \"c1\"\n# a las 18:00\n");
  Replace(&store, "due = 2025-06-30\n", "due = 2025-06-30T18:00:00-04:00\n");
  StoreUpdateResult r = Update(store, SampleReport());
  CHECK_FALSE(r.changed);
}

TEST_CASE("the store learns previous_due: an array of dates") {
  std::string store = AdminStore();
  Replace(&store, "due = 2025-12-31\n", "due = 2025-12-31\nprevious_due = [2025-06-30]\n");
  CHECK(Part(LoadStoreText(store), "c1-p2").previous_due ==
        std::vector<Days>{*ParseIsoDate("2025-06-30")});
  for (const char* bad : {"previous_due = \"2025-06-30\"", "previous_due = [\"2025-06-30\"]",
                          "previous_due = [2025-06-30, 1900-01-01]"}) {
    std::string text = AdminStore();
    Replace(&text, "due = 2025-12-31\n", "due = 2025-12-31\n" + std::string(bad) + "\n");
    Program p;
    Diagnostics diags;
    INFO(bad);
    CHECK_FALSE(ParseStoreFile(text, "pil.toml", CheckSettings(), &p, &diags));
    CHECK(diags.ToString().find("previous_due") != std::string::npos);
  }
}

TEST_CASE("plazod import --update: FILE~, --dry-run, --json, and nothing written on errors") {
  testing::TempDir dir;
  const std::string store = AdminStore();
  std::string file = dir.Write("pil.toml", store);
  REQUIRE(::chmod(file.c_str(), 0640) == 0);
  std::string newer = dir.Write("NEWER.txt", NewerReport());

  SECTION("--dry-run shows the changes and writes nothing") {
    testing::CliRun run = testing::Cli({"import", newer, "--update", file, "--dry-run"});
    INFO(run.err);
    REQUIRE(run.code == 0);
    CHECK(run.out.find("c1          status") != std::string::npos);
    CHECK(run.out.find("added: c12") != std::string::npos);
    CHECK(run.out.find("not in the report (kept): c11") != std::string::npos);
    CHECK(run.out.find("dry run: nothing written") != std::string::npos);
    CHECK(Read(file) == store);
    CHECK_FALSE(fs::exists(file + "~"));
  }
  SECTION("--json, then a second run that changes nothing") {
    testing::CliRun run = testing::Cli({"import", newer, "--update", file, "--json"});
    INFO(run.err);
    REQUIRE(run.code == 0);
    boost::json::object o = boost::json::parse(run.out).as_object();
    CHECK(o["file"] == file.c_str());
    CHECK(o["report_date"].as_object()["from"] == "2024-12-31");
    CHECK(o["report_date"].as_object()["to"] == "2025-06-30");
    bool found = false;
    for (const auto& c : o["changes"].as_array()) {
      const auto& change = c.as_object();
      if (change.at("commitment") == "c1" && change.at("field") == "status") {
        CHECK(change.at("from") == "en_evaluacion");
        CHECK(change.at("to") == "cumplido");
        found = true;
      }
    }
    CHECK(found);
    CHECK(o["added"] == boost::json::array{"c12"});
    CHECK(o["not_in_report"] == boost::json::array{"c11"});
    CHECK(Read(file + "~") == store);
    struct stat st;
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    std::string updated = Read(file);
    CHECK(updated != store);
    testing::CliRun check = testing::Cli({"check", "--store", dir.path.string()});
    // The embedded defaults name no webhook "equipo-pil": the only problem.
    CHECK(check.err.find("unknown webhook 'equipo-pil'") != std::string::npos);

    testing::CliRun again = testing::Cli({"import", newer, "--update", file, "--json"});
    REQUIRE(again.code == 0);
    boost::json::object a = boost::json::parse(again.out).as_object();
    CHECK(a["changes"].as_array().empty());
    CHECK(a["written"] == false);
    CHECK(Read(file) == updated);
  }
  SECTION("a symbolic link stays a link, and root keeps the file's owner and group") {
    fs::create_directory(dir.path / "real");
    std::string real = dir.Write("real/pil.toml", store);
    fs::remove(file);
    fs::create_symlink(real, file);
    bool root = ::geteuid() == 0;
    if (root) REQUIRE(::chown(real.c_str(), 65534, 65534) == 0);
    testing::CliRun run = testing::Cli({"import", newer, "--update", file});
    INFO(run.err);
    REQUIRE(run.code == 0);
    CHECK(fs::is_symlink(file));
    CHECK(Read(real) != store);
    CHECK(Read(real + "~") == store);
    CHECK_FALSE(fs::exists(file + "~"));
    struct stat st;
    REQUIRE(::stat(real.c_str(), &st) == 0);
    if (root) {
      CHECK(st.st_uid == 65534);
      CHECK(st.st_gid == 65534);
    }
  }
  SECTION("status shows where a rescheduled part was due before") {
    std::string plain = store;
    Replace(&plain, "webhooks = [\"equipo-pil\"]\n", "");
    dir.Write("pil.toml", plain);
    REQUIRE(testing::Cli({"import", newer, "--update", file}).code == 0);
    testing::CliRun check = testing::Cli({"check", "--store", dir.path.string()});
    INFO(check.err);
    CHECK(check.code == 0);
    std::string store_dir = dir.path.string();
    testing::CliRun json =
        testing::Cli({"status", "--store", store_dir, "--at", "2026-01-01", "--json"});
    INFO(json.err);
    REQUIRE(json.code == 0);
    boost::json::object o = boost::json::parse(json.out).as_object();
    bool found = false;
    for (const auto& item :
         o["due_soon"].as_array().empty() ? o["later"].as_array() : o["due_soon"].as_array()) {
      const auto& i = item.as_object();
      if (i.at("commitment") == "c1-p2") {
        CHECK(i.at("due") == "2026-06-30");
        CHECK(i.at("previous_due") == boost::json::array{"2025-12-31"});
        found = true;
      } else {
        CHECK_FALSE(i.contains("previous_due"));
      }
    }
    CHECK(found);
    testing::CliRun table = testing::Cli({"status", "--store", store_dir, "--at", "2026-01-01"});
    CHECK(table.out.find("rescheduled from 2025-12-31") != std::string::npos);
  }
  SECTION("a broken report: REPORT.txt:line: message, nothing written") {
    std::vector<std::string> lines = SplitLines(NewerReport());
    EditLine(&lines, 16, "Junio 2026", "Juniembre 2026");
    std::string bad = dir.Write("BAD.txt", JoinLines(lines));
    testing::CliRun run = testing::Cli({"import", bad, "--update", file});
    CHECK(run.code == 1);
    CHECK(run.err.find(bad + ":16: ") != std::string::npos);
    CHECK(run.err.find("nothing written") != std::string::npos);
    CHECK(Read(file) == store);
    CHECK_FALSE(fs::exists(file + "~"));
  }
  SECTION("an older report is refused; usage errors") {
    std::string old = dir.Write("OLD.txt", OlderReport());
    testing::CliRun run = testing::Cli({"import", old, "--update", file});
    CHECK(run.code == 1);
    CHECK(run.err.find("--force") != std::string::npos);
    CHECK(Read(file) == store);
    CHECK(testing::Cli({"import", newer, "--update", file, "-o", "x.toml"}).code == 2);
    CHECK(testing::Cli({"import", newer, "--update", file, "--owner", "a@b.cl"}).code == 2);
    CHECK(testing::Cli({"import", newer, "--dry-run"}).code == 2);
  }
}

}  // namespace
}  // namespace plazo
