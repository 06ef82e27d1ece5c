// plazod calendar: RFC 5545 text rules (folding, escaping, CRLF), what goes
// into the calendar (open parts, owner filter, alarms, UIDs), and the sample
// store read back by an independent parser (python3-icalendar).
#include <algorithm>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "config/load_config.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/time_text.h"
#include "daemon/cli.h"
#include "notifiers/calendar.h"
#include "notifiers/ical_text.h"
#include "tests/peer_process.h"
#include "tests/test_paths.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

const char kOwner[] = "encargado.pil@example.gob.cl";

Instant At(const char* t) { return *ParseInstant(t, FindZone("America/Santiago")); }

// Physical lines of text, split at CRLF; the last (after the final CRLF) is
// dropped when empty.
std::vector<std::string> PhysicalLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find("\r\n", start)) != std::string::npos; start = end + 2) {
    lines.push_back(text.substr(start, end - start));
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// RFC 5545 3.1 unfolding: every CRLF followed by one space goes away.
std::string Unfold(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

// The logical content lines of a calendar.
std::vector<std::string> ContentLines(const std::string& calendar) {
  return PhysicalLines(Unfold(calendar));
}

// Every value of the lines named name ("SUMMARY", "DTSTART;VALUE=DATE").
std::vector<std::string> Values(const std::string& calendar, const std::string& name) {
  std::vector<std::string> values;
  for (const std::string& line : ContentLines(calendar)) {
    if (line.compare(0, name.size() + 1, name + ":") == 0)
      values.push_back(line.substr(name.size() + 1));
  }
  return values;
}

bool IsValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Checks the RFC 5545 line rules on a whole calendar: CRLF everywhere, no
// physical line over 75 octets, UTF-8 whole on every physical line.
void CheckLineRules(const std::string& calendar) {
  REQUIRE(calendar.size() >= 2);
  CHECK(calendar.compare(calendar.size() - 2, 2, "\r\n") == 0);
  for (size_t i = 0; i < calendar.size(); ++i) {
    if (calendar[i] == '\n') CHECK((i > 0 && calendar[i - 1] == '\r'));
    if (calendar[i] == '\r') CHECK((i + 1 < calendar.size() && calendar[i + 1] == '\n'));
  }
  for (const std::string& line : PhysicalLines(calendar)) {
    INFO(line);
    CHECK(line.size() <= kIcalLineOctets);
    CHECK(IsValidUtf8(line));
  }
}

using testing::SampleConfig;

// A config of settings text (on top of the defaults) and one store file.
Config Custom(const std::string& settings, const std::string& store) {
  Config config;
  Diagnostics diags;
  bool ok = ParseSettings(settings, "plazod.toml", &config.settings, &diags);
  INFO(diags.ToString());
  REQUIRE(ok);
  Program p;
  ok = ParseStoreFile(store, "p.toml", config.settings, &p, &diags);
  INFO(diags.ToString());
  REQUIRE(ok);
  config.store.programs.push_back(std::move(p));
  return config;
}

std::string Render(const Config& config, const std::string& owner = "",
                   const char* stamp = "2026-12-05T12:00:00Z") {
  CalendarOptions options;
  options.owner = owner;
  options.stamp = At(stamp);
  return RenderCalendar(config, options);
}

size_t Count(const std::string& calendar, const std::string& line) {
  size_t n = 0;
  for (const std::string& l : ContentLines(calendar)) n += l == line;
  return n;
}

TEST_CASE("folding keeps lines within 75 octets and UTF-8 sequences whole", "[calendar]") {
  // Every alignment of 1-, 2-, 3- and 4-byte characters against the fold.
  for (const std::string ch : {"a", "ñ", "€", "😀"}) {
    for (size_t prefix = 0; prefix < 8; ++prefix) {
      std::string line = "SUMMARY:" + std::string(prefix, 'x');
      while (line.size() < 400) line += ch;
      std::string folded = FoldIcalLine(line);
      INFO("char " << ch << ", prefix " << prefix);
      CheckLineRules(folded);
      CHECK(Unfold(folded) == line + "\r\n");
      std::vector<std::string> lines = PhysicalLines(folded);
      REQUIRE(lines.size() > 5);
      for (size_t i = 1; i < lines.size(); ++i) {
        CHECK(lines[i][0] == ' ');
        CHECK(lines[i][1] != ' ');  // exactly one space of folding
      }
      // Folds are only as early as a character boundary forces.
      CHECK(lines[0].size() > kIcalLineOctets - ch.size());
    }
  }
  CHECK(FoldIcalLine("VERSION:2.0") == "VERSION:2.0\r\n");
  std::string exactly75(75, 'x');
  CHECK(FoldIcalLine(exactly75) == exactly75 + "\r\n");
  CHECK(FoldIcalLine(exactly75 + "y") == exactly75 + "\r\n y\r\n");
}

TEST_CASE("TEXT values escape backslash, semicolon, comma and line breaks", "[calendar]") {
  CHECK(EscapeIcalText("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne");
  CHECK(EscapeIcalText("uno\r\ndos\rtres") == "uno\\ndos\\ntres");
  CHECK(EscapeIcalText("tab\tbell\x07") == "tab\tbell ");
  CHECK(EscapeIcalText("Intermediación: \"OMIL\"") == "Intermediación: \"OMIL\"");
}

TEST_CASE("DATE, UTC DATE-TIME and DURATION values", "[calendar]") {
  CHECK(FormatIcalDate(*ParseIsoDate("2026-12-31")) == "20261231");
  CHECK(FormatIcalUtc(At("2026-12-31T12:00:00-03:00")) == "20261231T150000Z");
  using std::chrono::hours, std::chrono::minutes, std::chrono::seconds, std::chrono::days;
  CHECK(FormatIcalDuration(-days(30)) == "-P30D");
  CHECK(FormatIcalDuration(-(days(29) + hours(15))) == "-P29DT15H");
  CHECK(FormatIcalDuration(-hours(12)) == "-PT12H");
  CHECK(FormatIcalDuration(hours(9)) == "PT9H");
  CHECK(FormatIcalDuration(seconds(90)) == "PT1M30S");
  CHECK(FormatIcalDuration(hours(1) + seconds(5)) == "PT1H0M5S");
  CHECK(FormatIcalDuration(seconds(0)) == "PT0S");
}

TEST_CASE("the sample: one all-day event per open part, five alarms each", "[calendar]") {
  Config config = SampleConfig();
  std::string ics = Render(config, kOwner);
  CheckLineRules(ics);
  std::vector<std::string> lines = ContentLines(ics);
  REQUIRE(lines.size() > 8);
  CHECK(lines[0] == "BEGIN:VCALENDAR");
  CHECK(lines[1].starts_with("PRODID:"));
  CHECK(lines[2] == "VERSION:2.0");
  CHECK(lines.back() == "END:VCALENDAR");
  CHECK(Count(ics, "CALSCALE:GREGORIAN") == 1);
  CHECK(Count(ics, "METHOD:PUBLISH") == 1);
  CHECK(Count(ics, "BEGIN:VEVENT") == 10);
  CHECK(Count(ics, "BEGIN:VTODO") == 0);
  CHECK(Count(ics, "BEGIN:VALARM") == 50);
  CHECK(Count(ics, "ACTION:DISPLAY") == 50);
  CHECK(Count(ics, "DTSTAMP:20261205T120000Z") == 10);
  // Sorted by due date: commitment 7 (2024-12-31) first, c8-p2 last.
  std::vector<std::string> starts = Values(ics, "DTSTART;VALUE=DATE");
  REQUIRE(starts.size() == 10);
  CHECK(starts.front() == "20241231");
  CHECK(starts.back() == "20261231");
  CHECK(std::is_sorted(starts.begin(), starts.end()));
  CHECK(Values(ics, "DTEND;VALUE=DATE").back() == "20270101");
  std::vector<std::string> summaries = Values(ics, "SUMMARY");
  CHECK(summaries.back() == "Vence compromiso 8 (parte 2): Programa de Intermediación Laboral");
  CHECK(summaries.front() == "Vence compromiso 7: Programa de Intermediación Laboral");
  std::string last_description = Values(ics, "DESCRIPTION")[Values(ics, "DESCRIPTION").size() - 6];
  CHECK(last_description.find("Medios de verificación a enviar: ") != std::string::npos);
  CHECK(last_description.find(
            "\\nVence: 31 de diciembre de 2026\\nCalificación actual: en evaluación") !=
        std::string::npos);
  // c8-p2 (due Thursday 2026-12-31): the reminders at 09:00 on 2026-10-30
  // (the Friday before Sunday 2026-11-01), 12-01, 12-17, 12-24 and 12-30.
  std::vector<std::string> triggers = Values(ics, "TRIGGER");
  REQUIRE(triggers.size() == 50);
  CHECK(std::vector<std::string>(triggers.end() - 5, triggers.end()) ==
        std::vector<std::string>{"-P61DT15H", "-P29DT15H", "-P13DT15H", "-P6DT15H", "-PT15H"});
  CHECK(Values(ics, "DESCRIPTION").back() ==
        "Compromiso 8 (parte 2) vence mañana (31 de diciembre de 2026): Programa de "
        "Intermediación Laboral");
  // Fulfilled parts (c3, c4, c4-p2, c5, c10) are not in the calendar.
  for (const std::string& uid : Values(ics, "UID")) {
    CHECK(uid.find("-c3@") == std::string::npos);
    CHECK(uid.find("-c4@") == std::string::npos);
    CHECK(uid.find("-c4-p2@") == std::string::npos);
  }
}

TEST_CASE("UIDs are unique and stable across runs; only DTSTAMP changes", "[calendar]") {
  Config config = SampleConfig();
  std::string a = Render(config, "", "2026-12-05T12:00:00Z");
  std::string b = Render(SampleConfig(), "", "2027-01-10T08:30:00-03:00");
  std::vector<std::string> uids = Values(a, "UID");
  REQUIRE(uids.size() == 10);
  CHECK(uids == Values(b, "UID"));
  CHECK(std::set<std::string>(uids.begin(), uids.end()).size() == uids.size());
  CHECK(uids.back() == "sence-intermediacion-laboral-c8-p2@plazo");
  std::vector<std::string> la = ContentLines(a), lb = ContentLines(b);
  REQUIRE(la.size() == lb.size());
  for (size_t i = 0; i < la.size(); ++i) {
    if (la[i].starts_with("DTSTAMP:")) {
      CHECK(lb[i] == "DTSTAMP:20270110T113000Z");
    } else {
      CHECK(la[i] == lb[i]);
    }
  }
}

TEST_CASE("a rescheduled part keeps its UID, with SEQUENCE raised once per move", "[calendar]") {
  // As `plazod import --update` leaves a part whose due date a newer report
  // moved twice: a client updates the one event instead of adding another.
  const std::string part = "[program]\nid = \"p\"\nname = \"P\"\n[[commitment]]\nnumber = 1\n";
  std::string before = Render(Custom("", part + "due = 2026-06-30\n"));
  std::string after = Render(Custom(
      "", part + "due = 2026-12-31\nprevious_due = [2026-06-30, 2026-09-30]\n"));
  CHECK(Values(before, "UID") == std::vector<std::string>{"p-c1@plazo"});
  CHECK(Values(after, "UID") == Values(before, "UID"));
  CHECK(Values(before, "SEQUENCE") == std::vector<std::string>{"0"});
  CHECK(Values(after, "SEQUENCE") == std::vector<std::string>{"2"});
  CHECK(Values(after, "DTSTART;VALUE=DATE") == std::vector<std::string>{"20261231"});
}

TEST_CASE("the owner filter follows part owners over program owners, any case", "[calendar]") {
  Config config =
      Custom("",
             "[program]\nid = \"p\"\nname = \"P\"\nowners = [\"Jefa@Example.cl\"]\n"
             "[[commitment]]\nnumber = 1\ndue = 2026-06-30\n"
             "[[commitment]]\nnumber = 2\ndue = 2026-07-31\nowners = [\"otro@example.cl\"]\n"
             "[[commitment]]\nnumber = 3\ndue = 2026-08-31\nstatus = \"cumplido\"\n"
             "[[commitment]]\nnumber = 4\ndue = 2026-09-30\nsubmitted = 2026-09-01\n");
  CHECK(Values(Render(config), "UID") ==
        std::vector<std::string>{"p-c1@plazo", "p-c2@plazo"});
  CHECK(Values(Render(config, "jefa@example.CL"), "UID") ==
        std::vector<std::string>{"p-c1@plazo"});
  CHECK(Values(Render(config, "OTRO@example.cl"), "UID") ==
        std::vector<std::string>{"p-c2@plazo"});
  std::string none = Render(config, "nadie@example.cl");
  CHECK(Count(none, "BEGIN:VEVENT") == 0);
  CHECK(Count(none, "END:VCALENDAR") == 1);
  CHECK(Values(none, "X-WR-CALNAME") ==
        std::vector<std::string>{"Plazos de compromisos — nadie@example.cl"});
}

TEST_CASE("one alarm per before offset, at the schedule's reminder instants", "[calendar]") {
  Config config = Custom(
      "[daemon]\ntimezone = \"America/Santiago\"\nschedule = \"corto\"\n"
      "[schedule.corto]\nsend_at = \"08:30\"\nbefore = [\"2w\", \"3d\", \"12h\"]\n"
      "workdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n",
      "[program]\nid = \"p\"\nname = \"P\"\n"
      "[[commitment]]\nnumber = 1\ndue = 2026-06-30\n"
      "[[commitment]]\nnumber = 2\ndue = 2026-07-31T12:00:00-04:00\n");
  std::string ics = Render(config);
  CheckLineRules(ics);
  CHECK(Count(ics, "BEGIN:VALARM") == 6);
  // Date due: 08:30 local 14 and 3 days before; 12 h before the end of the
  // due day is 12:00 on the day itself.
  // Date-time due: exactly the offsets before the instant.
  CHECK(Values(ics, "TRIGGER") == std::vector<std::string>{"-P13DT15H30M", "-P2DT15H30M", "PT12H",
                                                           "-P14D", "-P3D", "-PT12H"});
  CHECK(Values(ics, "DTSTART") == std::vector<std::string>{"20260731T160000Z"});
  CHECK(Values(ics, "DTEND;VALUE=DATE") == std::vector<std::string>{"20260701"});
  CHECK(Values(ics, "UID").back() == "p-c2@plazo");
  std::string description = Values(ics, "DESCRIPTION").at(4);
  CHECK(description.find("Vence: 31 de julio de 2026 a las 12:00 (America/Santiago)") !=
        std::string::npos);
}

TEST_CASE("English settings give English words; texts are escaped", "[calendar]") {
  std::string text =
      "Entregar informe; revisar metas, plazos\\anexos y «ñandú» 😀 " + std::string(120, 'x');
  Config config =
      Custom("[daemon]\nlanguage = \"en\"\n",
             "[program]\nid = \"p\"\nname = \"Programa, con coma\"\n"
             "[[commitment]]\nnumber = 3\npart = 2\ndue = 2026-06-30\n"
             "text = \"" +
                 std::string("Entregar informe; revisar metas, plazos\\\\anexos y «ñandú» 😀 ") +
                 std::string(120, 'x') +
                 "\"\n"
                 "verification = \"Acta\"\n");
  std::string ics = Render(config);
  CheckLineRules(ics);
  CHECK(Values(ics, "SUMMARY") ==
        std::vector<std::string>{"Commitment 3 (part 2) due: Programa\\, con coma"});
  std::string description = Values(ics, "DESCRIPTION").at(0);
  CHECK(description.find(EscapeIcalText(text)) != std::string::npos);
  CHECK(description.find("\\nTo submit (means of verification): Acta\\n\\nDue: June 30\\, 2026") !=
        std::string::npos);
  CHECK(Count(ics, "PRODID:-//plazo//plazod//EN") == 1);
}

// The calendar at path as python3-icalendar reads it (tests/peers/parse_ics.py).
boost::json::object ParseIcsWithPython(const std::string& path) {
  std::string out;
  int status =
      testing::RunProgram({testing::Python(), testing::PeerScript("parse_ics.py"), path}, &out);
  REQUIRE(status == 0);
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(out, ec);
  REQUIRE_FALSE(ec);
  return v.as_object();
}

using Run = testing::CliRun;

Run Calendar(std::vector<std::string> extra) {
  std::vector<std::string> args = {"calendar", "--config", testing::ExamplesDir() + "/plazod.toml"};
  args.insert(args.end(), extra.begin(), extra.end());
  return testing::Cli(args);
}

TEST_CASE("python3-icalendar reads the sample owner's calendar: 10 events, 5 alarms each",
          "[calendar]") {
  Run r = Calendar({"--owner", kOwner});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  CHECK(r.err.empty());
  testing::ScratchDir dir;
  dir.Write("plazo.ics", r.out);
  boost::json::object o = ParseIcsWithPython(dir.File("plazo.ics"));
  INFO(boost::json::serialize(o));
  CHECK(o.at("events").as_int64() == 10);
  CHECK(o.at("todos").as_int64() == 0);
  CHECK(o.at("alarms").as_int64() == 50);
  CHECK(o.at("errors").as_array().empty());
  const auto& raw = o.at("raw").as_object();
  CHECK(raw.at("bare_lf").as_bool() == false);
  CHECK(raw.at("bare_cr").as_bool() == false);
  CHECK(raw.at("crlf_at_end").as_bool() == true);
  CHECK(raw.at("longest_line").as_int64() <= 75);
  CHECK(raw.at("split_utf8").as_int64() == 0);
  const auto& cal = o.at("calendar").as_object();
  CHECK(cal.at("version").as_string() == "2.0");
  CHECK(cal.at("method").as_string() == "PUBLISH");
  CHECK(cal.at("name").as_string() == "Plazos de compromisos — encargado.pil@example.gob.cl");
  std::set<std::string> uids;
  for (const auto& v : o.at("items").as_array()) {
    const auto& item = v.as_object();
    CHECK(item.at("all_day").as_bool());
    CHECK(item.at("alarms").as_array().size() == 5);
    for (const auto& a : item.at("alarms").as_array()) {
      CHECK(a.as_object().at("action").as_string() == "DISPLAY");
      CHECK(a.as_object().at("trigger_seconds").as_int64() < 0);
    }
    uids.insert(std::string(item.at("uid").as_string()));
  }
  CHECK(uids.size() == 10);
  // What a calendar shows for c8-p2, decoded by the other implementation.
  const auto& last = o.at("items").as_array().back().as_object();
  CHECK(last.at("summary").as_string() ==
        "Vence compromiso 8 (parte 2): Programa de Intermediación Laboral");
  CHECK(last.at("dtstart").as_string() == "2026-12-31");
  CHECK(last.at("dtend").as_string() == "2027-01-01");
  CHECK(last.at("alarms").as_array().at(1).as_object().at("trigger_seconds").as_int64() ==
        -(29 * 86400 + 15 * 3600));
  std::string description(last.at("description").as_string());
  CHECK(description.find("\nMedios de verificación a enviar: ") != std::string::npos);
  CHECK(description.find("\nVence: 31 de diciembre de 2026\n") != std::string::npos);
}

TEST_CASE("python3-icalendar reads another owner's calendar as empty", "[calendar]") {
  Run r = Calendar({"--owner", "otra.persona@example.gob.cl"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.err.find("no commitment part is owned by otra.persona@example.gob.cl") !=
        std::string::npos);
  testing::ScratchDir dir;
  dir.Write("otra.ics", r.out);
  boost::json::object o = ParseIcsWithPython(dir.File("otra.ics"));
  INFO(boost::json::serialize(o));
  CHECK(o.at("events").as_int64() == 0);
  CHECK(o.at("alarms").as_int64() == 0);
  CHECK(o.at("errors").as_array().empty());
  CHECK(o.at("calendar").as_object().at("version").as_string() == "2.0");
}

TEST_CASE("escaped and folded text decodes to the original in python3-icalendar", "[calendar]") {
  std::string text = "Uno; dos, tres\\cuatro — «ñandú» 😀 " + std::string(100, 'x') + " línea";
  Config config = Custom("",
                         "[program]\nid = \"p\"\nname = \"Programa; de, prueba\"\n"
                         "[[commitment]]\nnumber = 1\ndue = 2026-06-30\n"
                         "text = \"Uno; dos, tres\\\\cuatro — «ñandú» 😀 " +
                             std::string(100, 'x') + " línea\"\n");
  testing::ScratchDir dir;
  dir.Write("p.ics", Render(config));
  boost::json::object o = ParseIcsWithPython(dir.File("p.ics"));
  INFO(boost::json::serialize(o));
  CHECK(o.at("errors").as_array().empty());
  CHECK(o.at("raw").as_object().at("split_utf8").as_int64() == 0);
  const auto& item = o.at("items").as_array().at(0).as_object();
  CHECK(item.at("summary").as_string() == "Vence compromiso 1: Programa; de, prueba");
  std::string description(item.at("description").as_string());
  CHECK(description.find("\n" + text + "\n") != std::string::npos);
}

TEST_CASE("plazod calendar usage", "[calendar]") {
  Run r = Calendar({"--owner", ""});
  CHECK(r.code == kExitUsage);
  r = Calendar({"--help"});
  CHECK(r.code == kExitOk);
  CHECK(r.out.starts_with("usage: plazod calendar [--owner EMAIL]"));
  r = Calendar({"--json"});
  CHECK(r.code == kExitUsage);
}

}  // namespace
}  // namespace plazo
