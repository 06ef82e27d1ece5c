// Loading valid settings: defaults, the bundled example, schedules.
#include <catch2/catch.hpp>

#include "config/duration.h"
#include "config/settings.h"
#include "config/time_text.h"
#include "tests/test_paths.h"

namespace plazo {
namespace {

Settings Parse(const std::string& text, const std::string& name = "/etc/plazo/plazod.toml") {
  Settings s;
  Diagnostics diags;
  INFO(diags.ToString());
  bool ok = ParseSettings(text, name, &s, &diags);
  INFO(diags.ToString());
  REQUIRE(ok);
  return s;
}

TEST_CASE("the embedded defaults are SPEC 3.1's daemon values and the dipres schedule") {
  Settings s = DefaultSettings();
  CHECK(s.store == "/etc/plazo/store");
  CHECK(s.state == "/var/lib/plazo");
  CHECK(s.timezone == "America/Santiago");
  REQUIRE(s.zone != nullptr);
  CHECK(s.language == "es");
  CHECK_FALSE(s.email.has_value());
  const Schedule* dipres = s.FindSchedule("dipres");
  REQUIRE(dipres != nullptr);
  CHECK(dipres->send_at_minutes == 9 * 60);
  CHECK(dipres->before == std::vector<Duration>{std::chrono::days(60), std::chrono::days(30),
                                                std::chrono::days(14), std::chrono::days(7),
                                                std::chrono::days(1)});
  CHECK(dipres->overdue_every == std::chrono::days(7));
  CHECK(dipres->overdue_max == 8);
  CHECK(dipres->escalate_after == std::chrono::days(14));
  CHECK(dipres->escalate_to.empty());
}

TEST_CASE("an empty settings file means the defaults") {
  Settings s = Parse("");
  CHECK(s.default_schedule == "dipres");
  CHECK(s.FindSchedule("dipres") != nullptr);
}

TEST_CASE("the bundled example settings load with their schedule and webhook") {
  Settings s;
  Diagnostics diags;
  REQUIRE(LoadSettings(testing::ExamplesDir() + "/plazod.toml", &s, &diags));
  CHECK(s.store == testing::ExamplesDir() + "/store");
  const Schedule* dipres = s.FindSchedule("dipres");
  REQUIRE(dipres);
  CHECK(dipres->escalate_to == std::vector<std::string>{"jefatura.control@example.gob.cl"});
  CHECK(dipres->holidays.count(*ParseIsoDate("2025-09-18")) == 1);
  REQUIRE(s.webhooks.count("equipo-pil") == 1);
  CHECK(s.webhooks.at("equipo-pil").secret_files.at(0) == testing::ExamplesDir() + "/secrets/equipo-pil");
}

TEST_CASE("relative paths are resolved against the settings file's folder") {
  Settings s = Parse("[daemon]\nstore = \"store\"\nstate = \"/srv/plazo\"\n", "/etc/plazo/plazod.toml");
  CHECK(s.store == "/etc/plazo/store");
  CHECK(s.state == "/srv/plazo");
}

TEST_CASE("a schedule inherits the daemon time zone unless it names its own") {
  Settings s = Parse(
      "[daemon]\ntimezone = \"America/Punta_Arenas\"\n"
      "[schedule.a]\nsend_at = \"08:30\"\n"
      "[schedule.b]\ntimezone = \"UTC\"\nworkdays = [\"sat\", \"sun\"]\nbefore = [\"1d\", \"2w\", \"12h\"]\n");
  CHECK(s.FindSchedule("a")->timezone == "America/Punta_Arenas");
  CHECK(s.FindSchedule("a")->send_at_minutes == 8 * 60 + 30);
  CHECK(s.FindSchedule("dipres")->timezone == "America/Punta_Arenas");
  const Schedule* b = s.FindSchedule("b");
  CHECK(b->timezone == "UTC");
  CHECK(b->workdays == 0x60);
  // Offsets are kept largest first so stages come out in time order.
  CHECK(b->before == std::vector<Duration>{std::chrono::days(14), std::chrono::days(1),
                                           std::chrono::hours(12)});
}

TEST_CASE("a schedule may read its holidays from a file") {
  char tmpl[] = "/tmp/plazo-holidays-XXXXXX";
  int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  std::string text = "holidays = [2026-09-18, 2026-12-25]\n";
  REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  close(fd);
  Settings s = Parse(std::string("[schedule.feriados]\nholidays = [2026-01-01]\nholidays_file = \"") +
                     tmpl + "\"\n");
  const Schedule* f = s.FindSchedule("feriados");
  CHECK(f->holidays.size() == 3);
  CHECK_FALSE(f->IsWorkday(*ParseIsoDate("2026-12-25")));  // a Friday, but a holiday
  CHECK(f->IsWorkday(*ParseIsoDate("2026-12-24")));
  CHECK_FALSE(f->IsWorkday(*ParseIsoDate("2026-12-26")));  // Saturday
  unlink(tmpl);
}

TEST_CASE("the email section accepts secrets only by reference") {
  Settings s = Parse(
      "[email]\nurl = \"smtp://mail.example.gob.cl:587\"\nusername = \"plazo\"\n"
      "password_env = \"PLAZO_SMTP_PASSWORD\"\nfrom = \"Plazo <plazo@example.gob.cl>\"\n");
  REQUIRE(s.email);
  CHECK(s.email->starttls);
  CHECK(s.email->password_env == "PLAZO_SMTP_PASSWORD");
  CHECK(s.email->from == "Plazo <plazo@example.gob.cl>");
}

TEST_CASE("durations accept one unit and reject everything else") {
  CHECK(ParseDuration("90s") == Duration(90));
  CHECK(ParseDuration("15m") == std::chrono::minutes(15));
  CHECK(ParseDuration("12h") == std::chrono::hours(12));
  CHECK(ParseDuration("7d") == std::chrono::days(7));
  CHECK(ParseDuration("2w") == std::chrono::days(14));
  CHECK(ParseDuration("0") == Duration(0));
  for (const char* bad : {"", "d", "7", "-7d", "+7d", "7 d", "7D", "1.5d", "7dd", "99999999w", "0x1d"}) {
    INFO(bad);
    CHECK_FALSE(ParseDuration(bad));
  }
  CHECK(FormatDuration(std::chrono::days(14)) == "14d");
  CHECK(FormatDuration(std::chrono::hours(36)) == "36h");
  CHECK(FormatDuration(Duration(90)) == "90s");
}

TEST_CASE("[http] listen takes IPv4 and bracketed IPv6 address literals and any port") {
  auto listen = [](const std::string& text) {
    return *Parse("[http]\nlisten = \"" + text + "\"\n").http;
  };
  CHECK(listen("127.0.0.1:9464").host == "127.0.0.1");
  CHECK(listen("0.0.0.0:0").port == 0);  // any free port
  CHECK(listen("[::1]:9464").host == "::1");
  CHECK(listen("[::ffff:10.0.0.1]:65535").port == 65535);
  CHECK(listen(":9464").host == "127.0.0.1");
}

}  // namespace
}  // namespace plazo
