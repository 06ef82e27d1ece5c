// plazod import: the report parser (import/report_import.h), the store
// writer (import/store_writer.h) and the command. tests/data/reports/ holds
// reports, each NAME.txt beside the exact store file NAME.toml that
// `plazod import NAME.txt` must print.
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "config/file_text.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/time_text.h"
#include "daemon/cli.h"
#include "import/report_import.h"
#include "import/store_writer.h"
#include "tests/test_paths.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

using Run = testing::CliRun;
using testing::Cli;

std::string ReportsDir() { return testing::DataDir() + "/reports"; }
std::string SamplePath() {
  return ReportsDir() + "/informe-cumplimiento-intermediacion-laboral-2024.txt";
}

std::string Read(const std::string& path) {
  FileText f = ReadFileText(path);
  INFO(path);
  REQUIRE(f.error.empty());
  return f.text;
}

// A scratch folder removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "plazo-import-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

// Parses text as "r.txt"; returns the diagnostics, one per line.
std::string Problems(const std::string& text) {
  ImportedReport report;
  Diagnostics diags;
  bool ok = ParseReport(text, "r.txt", &report, &diags);
  CHECK(ok == diags.empty());
  return diags.ToString();
}

constexpr const char* kHeader =
    "INFORME DE CUMPLIMIENTO DE COMPROMISOS AL 31-12-2024\n"  // line 1
    "Programa/Institucion: Programa de Prueba\n"              // 2
    "Año 2023\n"                                              // 3
    "\n"                                                      // 4
    "Recomendacion\tCompromiso\tCumplimiento\n";              // 5

std::string Row(const std::string& recommendation, const std::string& commitment,
                const std::string& fulfilment) {
  return recommendation + "\t" + commitment + "\t" + fulfilment + "\n";
}

const std::string kRec = "<p>DISEÑO 1. Recomendación.</p>";
const std::string kPart1 =
    "<p>COMPROMISO 1: Hacer algo. Medio de verificación: Informe.</p> "
    "<p><u>Fecha de Vencimiento:</u> Junio 2025</p>";
const std::string kRated = "<p><u>Calificación:</u> En evaluación</p>";

TEST_CASE("every report in tests/data/reports imports to its expected store file") {
  size_t reports = 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(ReportsDir())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    if (file.extension() != ".txt") continue;
    ++reports;
    fs::path expected = file;
    expected.replace_extension(".toml");
    INFO(file.string());
    Run r = Cli({"import", file.string()});
    CHECK(r.err == "");
    REQUIRE(r.code == kExitOk);
    CHECK(r.out == Read(expected.string()));
    // What is expected is itself a valid store file.
    Program p;
    Diagnostics diags;
    CHECK(ParseStoreFile(r.out, expected.string(), DefaultSettings(), &p, &diags));
    CHECK(diags.ToString() == "");
  }
  // The sample and at least five reports of other shapes.
  CHECK(reports >= 6);
}

TEST_CASE("the sample report imports to its 15 parts") {
  ImportedReport report;
  Diagnostics diags;
  REQUIRE(ParseReport(Read(SamplePath()), "sample.txt", &report, &diags));
  const Program& p = report.program;
  CHECK(p.id == "programa-de-intermediacion-laboral");
  CHECK(p.name == "Programa de Intermediación Laboral");
  CHECK(p.ministry == "MINISTERIO DEL TRABAJO Y PREVISION SOCIAL");
  CHECK(p.service == "SERVICIO NACIONAL DE CAPACITACION Y EMPLEO");
  CHECK(p.evaluation_year == 2023);
  REQUIRE(p.report_date);
  CHECK(FormatIsoDate(*p.report_date) == "2024-12-31");
  CHECK(p.rating == Status::kParcialmenteCumplido);

  struct Expected {
    const char* id;
    int number, part;
    const char* due;
    Status status;
    const char* status_date;
  };
  const Expected expected[] = {
      {"c1", 1, 1, "2025-06-30", Status::kEnEvaluacion, "2024-12-31"},
      {"c1-p2", 1, 2, "2025-12-31", Status::kEnEvaluacion, "2024-12-31"},
      {"c2", 2, 1, "2025-06-30", Status::kEnEvaluacion, "2024-12-31"},
      {"c3", 3, 1, "2024-12-31", Status::kCumplido, "2024-12-31"},
      {"c4", 4, 1, "2023-12-31", Status::kCumplido, "2024-06-30"},
      {"c4-p2", 4, 2, "2024-12-31", Status::kCumplido, "2024-12-31"},
      {"c4-p3", 4, 3, "2025-12-31", Status::kEnEvaluacion, "2024-12-31"},
      {"c5", 5, 1, "2023-12-31", Status::kCumplido, "2024-06-30"},
      {"c6", 6, 1, "2025-06-30", Status::kEnEvaluacion, "2024-12-31"},
      {"c7", 7, 1, "2024-12-31", Status::kParcialmenteCumplido, "2024-12-31"},
      {"c8", 8, 1, "2025-12-31", Status::kEnEvaluacion, "2024-12-31"},
      {"c8-p2", 8, 2, "2026-12-31", Status::kEnEvaluacion, "2024-12-31"},
      {"c9", 9, 1, "2025-12-31", Status::kEnEvaluacion, "2024-12-31"},
      {"c10", 10, 1, "2023-12-31", Status::kCumplido, "2024-06-30"},
      {"c11", 11, 1, "2025-06-30", Status::kEnEvaluacion, "2024-12-31"},
  };
  REQUIRE(p.commitments.size() == std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    const Commitment& c = p.commitments[i];
    INFO(expected[i].id);
    CHECK(c.id == expected[i].id);
    CHECK(c.number == expected[i].number);
    CHECK(c.part == expected[i].part);
    CHECK(FormatIsoDate(c.due.date) == expected[i].due);
    CHECK(!c.due.instant);
    CHECK(c.status == expected[i].status);
    REQUIRE(c.status_date);
    CHECK(FormatIsoDate(*c.status_date) == expected[i].status_date);
    CHECK(!c.recommendation.empty());
    CHECK(!c.text.empty());
    CHECK(!c.verification.empty());
  }
  auto part = [&](std::string_view id) -> const Commitment& {
    auto it = std::find_if(p.commitments.begin(), p.commitments.end(),
                           [&](const Commitment& c) { return c.id == id; });
    REQUIRE(it != p.commitments.end());
    return *it;
  };
  // Commitment 2's cells continue on the next page: both halves, one space.
  CHECK(part("c2").text.find("Informe del Modelo de gobernanza que sea coherente con el plan de "
                             "complementariedad presentado en el ex ante") != std::string::npos);
  CHECK(part("c2").verification ==
        "Informe del Modelo de gobernanza que sea coherente con el plan de complementariedad "
        "presentado en el ex ante y que incluya convenios, actividades a realizar, Carta Gantt "
        "y respectivos responsables.");
  CHECK(part("c2").recommendation.find("En otras palabras, y en relación") != std::string::npos);
  CHECK(part("c2").recommendation == part("c1").recommendation);
  // The label and the due date are not part of the text.
  CHECK(part("c1").text.rfind("Realizar el rediseño del Programa", 0) == 0);
  CHECK(part("c1").text.find("Fecha") == std::string::npos);
  CHECK(part("c1").text.find("COMPROMISO") == std::string::npos);
  CHECK(part("c1-p2").text ==
        "Medio de verificación: 2.Ficha Ex Ante con calificación Recomendación Favorable (RF) "
        "en el rediseño.");
  CHECK(part("c1-p2").verification ==
        "2.Ficha Ex Ante con calificación Recomendación Favorable (RF) en el rediseño.");
  // Commitment 8's page break falls inside its label "Medio | de verificación:".
  CHECK(part("c8").verification == "1.Valorización de componentes en la evaluación ex ante.");
  // "IMPLEMENTACIÓN</p> <p>5.El Programa": paragraphs become one space.
  CHECK(part("c4").recommendation.rfind("IMPLEMENTACIÓN 5.El Programa debe avanzar", 0) == 0);
  // Evidence continued on the next page, in a row with only that cell.
  CHECK(part("c5").evidence.rfind("Se reporta medio minuta ejecutiva", 0) == 0);
  CHECK(part("c5").evidence.find("Manual de Inclusión Laboral") != std::string::npos);
  CHECK(part("c10").evidence ==
        "Se reporta minuta RE 1133 Plan de relacionamiento con empresas Ejecutivos OMIL y SENCE "
        "Minuta");
  // The service's own account comes first, then the budget office's observation.
  CHECK(part("c3").observation.rfind("El Servicio Nacional de Capacitación y Empleo", 0) == 0);
  CHECK(part("c3").observation.find(" Observación: A diciembre 2024 el programa presenta y "
                                    "formaliza") != std::string::npos);
  CHECK(part("c1").observation == "");
  CHECK(part("c7").evidence == "Formato Convenio FOMIL 2024 - 2025 Minuta sobre convenios FOMIL");
}

TEST_CASE("import output is stable and loads back unchanged") {
  std::string text = Read(SamplePath());
  ImportedReport a, b;
  Diagnostics diags;
  REQUIRE(ParseReport(text, "x.txt", &a, &diags));
  REQUIRE(ParseReport(text, "x.txt", &b, &diags));
  std::string first = FormatStoreFile(a.program, "comment");
  CHECK(first == FormatStoreFile(b.program, "comment"));
  Program back;
  REQUIRE(ParseStoreFile(first, "x.toml", DefaultSettings(), &back, &diags));
  CHECK(FormatStoreFile(back, "comment") == first);
}

TEST_CASE("malformed reports: every problem as file:line: message") {
  const std::string head = kHeader;
  SECTION("no header") {
    CHECK(Problems(Row(kRec, kPart1, kRated)) ==
          "r.txt:1: missing the report title ('INFORME DE CUMPLIMIENTO DE COMPROMISOS AL "
          "dd-mm-aaaa')\n"
          "r.txt:1: missing the program name ('Programa/Institución: ...')\n");
  }
  SECTION("text before the header") {
    CHECK(Problems("Dirección de Presupuestos\n" + head + Row(kRec, kPart1, kRated)) ==
          "r.txt:1: unexpected text before the report header: \"Dirección de Presupuestos\" "
          "(expected 'INFORME DE CUMPLIMIENTO DE COMPROMISOS AL dd-mm-aaaa')\n");
  }
  SECTION("a title without a cut-off date") {
    CHECK(Problems("INFORME DE CUMPLIMIENTO DE COMPROMISOS AL 31-02-2024\n"
                   "Programa/Institucion: P\n" +
                   Row(kRec, kPart1, kRated)) ==
          "r.txt:1: no valid cut-off date in the report title \"INFORME DE CUMPLIMIENTO DE "
          "COMPROMISOS AL 31-02-2024\" (expected '... AL dd-mm-aaaa')\n");
  }
  SECTION("an unreadable evaluation year and program rating") {
    CHECK(Problems("INFORME DE CUMPLIMIENTO DE COMPROMISOS AL 31-12-2024\n"
                   "Programa/Institucion: P\nAño dos mil\nCalificacion Bien\n" +
                   Row(kRec, kPart1, kRated)) ==
          "r.txt:3: cannot read the evaluation year \"dos mil\" (expected a year such as 2023)\n"
          "r.txt:4: program: cannot read the rating \"Bien\" (expected En evaluación, Cumplido "
          "(dd-mm-aaaa), Parcialmente cumplido or No cumplido)\n");
  }
  SECTION("a part without due date") {
    CHECK(Problems(head + Row(kRec, "<p>COMPROMISO 1: Hacer algo.</p>", kRated)) ==
          "r.txt:6: commitment 1 ('COMPROMISO 1'): no due date (expected 'Fecha de "
          "Vencimiento: <mes> <año>')\n");
  }
  SECTION("an unknown month, on the line after a page break") {
    CHECK(Problems(head + Row(kRec, "<p>COMPROMISO 1: Hacer algo.</p>", kRated) + "\n" +
                   Row("", "<p><u>Fecha de Vencimiento:</u> Juino 2025</p>", "")) ==
          "r.txt:8: commitment 1: unknown month \"Juino\" in the due date (did you mean "
          "'junio'?)\n");
  }
  SECTION("a due date without a year, or without a month") {
    CHECK(Problems(head + Row(kRec, "<p>COMPROMISO 1: A. Fecha de Vencimiento: Junio</p>",
                              kRated) +
                   Row(kRec, "<p>Segunda parte compromiso 1: B. Fecha de Vencimiento: 2025</p>",
                       kRated)) ==
          "r.txt:6: commitment 1: the due date needs a year from 1990 to 2100 after the month\n"
          "r.txt:7: commitment 1 part 2: cannot read the due date \"2025\" (expected a month "
          "and a year, such as 'Junio 2025')\n");
  }
  SECTION("a rating it cannot read") {
    CHECK(Problems(head + Row(kRec, kPart1, "<p><u>Calificación:</u> Cumplidísimo</p>")) ==
          "r.txt:6: commitment 1: cannot read the rating \"Cumplidísimo\" (expected En "
          "evaluación, Cumplido (dd-mm-aaaa), Parcialmente cumplido or No cumplido)\n");
    CHECK(Problems(head + Row(kRec, kPart1, "<p><u>Calificación:</u> Cumplido (31-13-2024)</p>")) ==
          "r.txt:6: commitment 1: cannot read the rating \"Cumplido (31-13-2024)\" (expected "
          "En evaluación, Cumplido (dd-mm-aaaa), Parcialmente cumplido or No cumplido)\n");
  }
  SECTION("a part without rating") {
    CHECK(Problems(head + Row(kRec, kPart1, "<p>Sin información.</p>")) ==
          "r.txt:6: commitment 1: no rating in the Cumplimiento cell (expected 'Calificación: "
          "En evaluación', 'Calificación: Cumplido (dd-mm-aaaa)', ...)\n");
  }
  SECTION("a continuation with nothing before it") {
    CHECK(Problems(head + "\n" + Row("", "<p>y además otra cosa.</p>", "")) ==
          "r.txt:7: a row continued across a page break, but there is no row before it (its "
          "Compromiso cell should open with 'COMPROMISO N:')\n");
  }
  SECTION("a continued commitment that never started") {
    CHECK(Problems(head + Row(kRec, kPart1, kRated) +
                   Row(kRec, "<p>CONTINUACIÓN COMPROMISO 5 Fecha de Vencimiento: Mayo 2026</p>",
                       kRated)) ==
          "r.txt:7: 'CONTINUACIÓN COMPROMISO 5' continues commitment 5, which has not appeared "
          "before\n");
  }
  SECTION("a part twice") {
    CHECK(Problems(head + Row(kRec, kPart1, kRated) + Row(kRec, kPart1, kRated)) ==
          "r.txt:7: 'COMPROMISO 1': commitment 1 appears twice (first at line 6)\n");
  }
  SECTION("a row that is not a part and follows no page break") {
    CHECK(Problems(head + Row(kRec, kPart1, kRated) + Row(kRec, "<p>Otra cosa.</p>", kRated)) ==
          "r.txt:7: the Compromiso cell does not open with a commitment label ('COMPROMISO N:', "
          "'CONTINUACIÓN COMPROMISO N', 'Segunda parte Compromiso N') and the row does not "
          "follow a page break: \"Otra cosa.\"\n");
  }
  SECTION("a line without tabs, and a row with too many cells") {
    CHECK(Problems(head + Row(kRec, kPart1, kRated) + "Página 2 de 9\n" +
                   Row(kRec, kPart1, kRated + "\tmás")) ==
          "r.txt:7: expected a table row of 3 tab-separated cells (Recomendación, Compromiso, "
          "Cumplimiento), found a line without tabs: \"Página 2 de 9\"\n"
          "r.txt:8: row has 4 cells; expected 3 (Recomendación, Compromiso, Cumplimiento)\n");
  }
  SECTION("commitment numbers out of range") {
    CHECK(Problems(head + Row(kRec, "<p>COMPROMISO 0: A. Fecha de Vencimiento: Mayo 2025</p>",
                              kRated)) ==
          "r.txt:6: 'COMPROMISO 0': commitment numbers go from 1 to 9999\n");
  }
  SECTION("no table") {
    CHECK(Problems(head.substr(0, head.find("Recomendacion"))) ==
          "r.txt:5: no commitment table: expected rows "
          "'Recomendación<TAB>Compromiso<TAB>Cumplimiento' after the header\n");
  }
  SECTION("an empty file") {
    CHECK(Problems("") == "r.txt:1: empty report\n");
    CHECK(Problems("\n \t\n") == "r.txt:1: empty report\n");
  }
  SECTION("binary garbage") {
    CHECK(Problems(std::string("%PDF-1.7\n\x89PNG\r\n\x1a\n", 17)) ==
          "r.txt:2: not UTF-8 text (byte 0x89): give the text extracted from the report's PDF, "
          "in UTF-8 (a Latin-1 file converts with 'iconv -f latin1 -t utf-8')\n");
    CHECK(Problems(head + std::string("abc\0def\n", 8)) ==
          "r.txt:6: not a text report: control character 0x00 (binary data?)\n");
    CHECK(Problems("Informe de cumplimiento al 31-12-2024\nProgramaci\xF3n\n") ==
          "r.txt:2: not UTF-8 text (byte 0xF3): give the text extracted from the report's PDF, "
          "in UTF-8 (a Latin-1 file converts with 'iconv -f latin1 -t utf-8')\n");
  }
  SECTION("garbage text stops after 30 problems") {
    std::string text;
    for (int i = 0; i < 100; ++i) text += "ruido\n";
    std::string problems = Problems(text);
    CHECK(std::count(problems.begin(), problems.end(), '\n') == 31);
    CHECK(problems.find("r.txt:31: too many problems; is this a compliance report?\n") !=
          std::string::npos);
  }
}

TEST_CASE("labels in any case, with or without accents; every month") {
  const char* months[][2] = {
      {"Enero 2025", "2025-01-31"},      {"FEBRERO 2024", "2024-02-29"},
      {"marzo 2025", "2025-03-31"},      {"Abril 2025", "2025-04-30"},
      {"Mayo 2025", "2025-05-31"},       {"Junio de 2025", "2025-06-30"},
      {"Julio 2025", "2025-07-31"},      {"Agosto 2025", "2025-08-31"},
      {"Septiembre 2025", "2025-09-30"}, {"Setiembre 2025", "2025-09-30"},
      {"Octubre 2025", "2025-10-31"},    {"Noviembre 2025", "2025-11-30"},
      {"Diciembre 2025", "2025-12-31"},  {"dic. 2025", "2025-12-31"},
      {"30 de junio de 2025", "2025-06-30"}, {"15-03-2025", "2025-03-15"},
  };
  for (auto& [month, iso] : months) {
    INFO(month);
    std::string text = std::string(kHeader) +
                       Row(kRec, std::string("<p>compromiso 1: x. fecha de vencimiento: ") +
                                     month + "</p>",
                           "<p>calificacion: no cumplido</p>");
    ImportedReport r;
    Diagnostics diags;
    REQUIRE(ParseReport(text, "r.txt", &r, &diags));
    REQUIRE(r.program.commitments.size() == 1);
    CHECK(FormatIsoDate(r.program.commitments[0].due.date) == iso);
    CHECK(r.program.commitments[0].status == Status::kNoCumplido);
  }
  const std::pair<const char*, int> labels[] = {
      {"Segunda parte Compromiso 1:", 2},    {"SEGUNDA PARTE COMPROMISO 1", 2},
      {"tercera parte compromiso 1", 3},     {"Cuarta Parte Compromiso 1:", 4},
      {"Quinta parte del compromiso 1", 5},  {"Séptima parte Compromiso 1", 7},
      {"Continuación compromiso 1", 2},      {"CONTINUACION COMPROMISO 1:", 2},
      {"continuacion del compromiso N° 1", 2},
  };
  for (auto& [label, part] : labels) {
    INFO(label);
    std::string text = std::string(kHeader) + Row(kRec, kPart1, kRated) +
                       Row(kRec, std::string("<p>") + label + " Fecha de Vencimiento: Mayo 2026</p>",
                           "<p>CALIFICACIÓN: Parcialmente Cumplido (01-02-2025)</p>");
    ImportedReport r;
    Diagnostics diags;
    REQUIRE(ParseReport(text, "r.txt", &r, &diags));
    REQUIRE(r.program.commitments.size() == 2);
    const Commitment& c = r.program.commitments[1];
    CHECK(c.part == part);
    CHECK(c.status == Status::kParcialmenteCumplido);
    CHECK(FormatIsoDate(*c.status_date) == "2025-02-01");
  }
}

TEST_CASE("the due date is the cell's last 'Fecha de Vencimiento:', not one in its text") {
  std::string text = std::string(kHeader) +
                     Row(kRec,
                         "<p>COMPROMISO 1: Informar la fecha de vencimiento del convenio y la "
                         "nueva Fecha de Vencimiento: del contrato.</p> <p>Fecha de Vencimiento: "
                         "Mayo 2025</p>",
                         kRated);
  ImportedReport r;
  Diagnostics diags;
  REQUIRE(ParseReport(text, "r.txt", &r, &diags));
  REQUIRE(r.program.commitments.size() == 1);
  const Commitment& c = r.program.commitments[0];
  CHECK(FormatIsoDate(c.due.date) == "2025-05-31");
  CHECK(c.text ==
        "Informar la fecha de vencimiento del convenio y la nueva Fecha de Vencimiento: del "
        "contrato.");
}

TEST_CASE("a title without 'AL' gives its first date as the cut-off") {
  std::string text = "Informe de Cumplimiento de Compromisos, 30-06-2025\n"
                     "Programa/Institucion: P\n" +
                     Row(kRec, kPart1, kRated);
  ImportedReport r;
  Diagnostics diags;
  REQUIRE(ParseReport(text, "r.txt", &r, &diags));
  REQUIRE(r.program.report_date);
  CHECK(FormatIsoDate(*r.program.report_date) == "2025-06-30");
  CHECK(FormatIsoDate(*r.program.commitments[0].status_date) == "2025-06-30");
}

TEST_CASE("HtmlToText strips tags, decodes entities and folds whitespace") {
  CHECK(HtmlToText("<p>Hola</p><p>mundo</p>") == "Hola mundo");
  CHECK(HtmlToText("<p><u>Calificaci&oacute;n:</u> En</p>") == "Calificación: En");
  CHECK(HtmlToText("a&amp;b &lt;c&gt; &quot;d&quot; &#243; &#xF3; &#xf3;") == "a&b <c> \"d\" ó ó ó");
  CHECK(HtmlToText("  uno\t\f dos&nbsp;&nbsp;tres\xC2\xA0 ") == "uno dos tres");
  CHECK(HtmlToText("pala&shy;bra, l&iacute;nea<br/>nueva") == "palabra, línea nueva");
  CHECK(HtmlToText("&#147;cita&#148; &ndash; &hellip;") == "\u201Ccita\u201D \u2013 \u2026");
  CHECK(HtmlToText("&#0;&#1;&#xD800;&#99999999;") == "\uFFFD\uFFFD\uFFFD\uFFFD");
  CHECK(HtmlToText("a < b y c > d, 5<6, &unknown; &amp") == "a < b y c > d, 5<6, &unknown; &amp");
  CHECK(HtmlToText("x<!-- comentario -->y <span class=\"a\">z</span>") == "xy z");
  CHECK(HtmlToText("sin cierre <p") == "sin cierre <p");
  CHECK(HtmlToText("") == "");
}

TEST_CASE("SlugFromName") {
  CHECK(SlugFromName("Programa de Intermediación Laboral") == "programa-de-intermediacion-laboral");
  CHECK(SlugFromName("  Becas & Créditos (N° 2)  ") == "becas-creditos-n-2");
  CHECK(SlugFromName("Año Ñandú") == "ano-nandu");
  CHECK(SlugFromName("¿?") == "");
  std::string slug = SlugFromName(std::string(30, 'a') + " " + std::string(30, 'b') + " " +
                                  std::string(30, 'c'));
  CHECK(slug == std::string(30, 'a') + "-" + std::string(30, 'b'));
  CHECK(SlugFromName(std::string(80, 'x')) == std::string(64, 'x'));
}

TEST_CASE("TomlString escapes what TOML needs and keeps the rest readable") {
  CHECK(TomlString("Diseño \"A\" \\ fin") == "\"Diseño \\\"A\\\" \\\\ fin\"");
  CHECK(TomlString("a\tb\nc\rd\x01\x7F") == "\"a\\tb\\nc\\rd\\u0001\\u007F\"");
  CHECK(TomlString("bad \xC3 byte") == "\"bad \xEF\xBF\xBD byte\"");
  CHECK(TomlString("") == "\"\"");
}

TEST_CASE("plazod import: a FIFO as report is refused at once") {
  TempDir dir;
  std::string fifo = (dir.path / "report.txt").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  Run r = Cli({"import", fifo});
  CHECK(r.code == kExitInvalid);
  CHECK(r.err == fifo + ": cannot read: not a regular file\n");
}

TEST_CASE("plazod import: options, -o and nothing half-written") {
  TempDir dir;
  std::string out = (dir.path / "pil.toml").string();
  SECTION("--id and --owner fill the program; -o writes what stdout would show") {
    Run r = Cli({"import", SamplePath(), "--id", "sence-pil", "--owner", "a@example.gob.cl",
                 "--owner", "b@example.gob.cl", "-o", out});
    INFO(r.err);
    REQUIRE(r.code == kExitOk);
    CHECK(r.out == "wrote " + out + ": program 'sence-pil', 15 commitment parts\n");
    Run stdout_run = Cli({"import", SamplePath(), "--id", "sence-pil", "--owner",
                          "a@example.gob.cl", "--owner", "b@example.gob.cl"});
    CHECK(Read(out) == stdout_run.out);
    CHECK(stdout_run.out.find("\nid = \"sence-pil\"\n") != std::string::npos);
    CHECK(stdout_run.out.find("\nowners = [\"a@example.gob.cl\", \"b@example.gob.cl\"]\n") !=
          std::string::npos);
    CHECK(dir.Files() == std::vector<std::string>{"pil.toml"});
    // The store it lands in checks clean.
    Run check = Cli({"check", "--store", dir.path.string()});
    INFO(check.err);
    CHECK(check.code == kExitOk);
  }
  SECTION("a malformed report leaves -o alone") {
    std::string bad = (dir.path / "bad.txt").string();
    std::ofstream(bad) << kHeader << Row(kRec, "<p>COMPROMISO 1: Sin fecha.</p>", kRated);
    std::ofstream(out) << "previous\n";
    Run r = Cli({"import", bad, "-o", out});
    CHECK(r.code == kExitInvalid);
    CHECK(r.out == "");
    CHECK(r.err == bad + ":6: commitment 1 ('COMPROMISO 1'): no due date (expected 'Fecha de "
                         "Vencimiento: <mes> <año>')\nplazod import: 1 error, nothing written\n");
    CHECK(Read(out) == "previous\n");
    CHECK(dir.Files() == std::vector<std::string>{"bad.txt", "pil.toml"});
  }
  SECTION("an -o folder that does not exist") {
    Run r = Cli({"import", SamplePath(), "-o", (dir.path / "no" / "x.toml").string()});
    CHECK(r.code == kExitInvalid);
    CHECK(r.err.find("cannot create a temporary file in") != std::string::npos);
  }
  SECTION("usage errors") {
    Run r = Cli({"import"});
    CHECK(r.code == kExitUsage);
    CHECK(r.err.rfind("plazod import: missing REPORT.txt\n", 0) == 0);
    r = Cli({"import", SamplePath(), "--id", "Not A Slug"});
    CHECK(r.code == kExitUsage);
    CHECK(r.err.rfind("plazod import: --id \"Not A Slug\" is not a slug", 0) == 0);
    r = Cli({"import", SamplePath(), "--owner", "nadie"});
    CHECK(r.code == kExitUsage);
    CHECK(r.err == "plazod import: --owner \"nadie\" is not an e-mail address\n");
    r = Cli({"import", SamplePath(), "otro.txt"});
    CHECK(r.code == kExitUsage);
    r = Cli({"import", (dir.path / "missing.txt").string()});
    CHECK(r.code == kExitInvalid);
    CHECK(r.err == (dir.path / "missing.txt").string() +
                       ": cannot read: No such file or directory\n");
  }
}

}  // namespace
}  // namespace plazo
