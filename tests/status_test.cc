// plazod status: grouping parts by state at an instant.
#include <catch2/catch.hpp>

#include "config/load_config.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/time_text.h"
#include "planner/status.h"
#include "tests/test_paths.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

using testing::SampleConfig;

Config OneProgram(const std::string& commitments) {
  Config config;
  config.settings = DefaultSettings();
  Program p;
  Diagnostics diags;
  bool ok = ParseStoreFile("[program]\nid = \"p\"\nname = \"P\"\n" + commitments, "p.toml",
                           config.settings, &p, &diags);
  INFO(diags.ToString());
  REQUIRE(ok);
  config.store.programs.push_back(std::move(p));
  return config;
}

std::vector<std::string> Ids(const std::vector<StatusItem>& items) {
  std::vector<std::string> ids;
  for (const StatusItem& i : items) ids.push_back(i.commitment->id);
  return ids;
}

TEST_CASE("the sample report on 2026-12-05: 9 overdue, 1 due soon, 5 fulfilled") {
  Config config = SampleConfig();
  REQUIRE(config.store.CommitmentCount() == 15);
  StatusReport r = ComputeStatus(config, *ParseInstant("2026-12-05", config.settings.zone));
  CHECK(Ids(r.overdue) ==
        std::vector<std::string>{"c7", "c1", "c2", "c6", "c11", "c1-p2", "c4-p3", "c8", "c9"});
  REQUIRE(r.due_soon.size() == 1);
  CHECK(r.due_soon[0].commitment->id == "c8-p2");
  CHECK(FormatIsoDate(r.due_soon[0].commitment->due.date) == "2026-12-31");
  CHECK(r.due_soon[0].days_left == 26);
  CHECK(r.later.empty());
  CHECK(Ids(r.fulfilled) == std::vector<std::string>{"c4", "c5", "c10", "c3", "c4-p2"});
  CHECK(r.overdue[0].days_left == -704);  // c7, due 2024-12-31
}

TEST_CASE("a date due is open until the end of its day") {
  Config config = OneProgram("[[commitment]]\nnumber = 1\ndue = 2026-03-31\n");
  auto zone = config.settings.zone;
  StatusReport last_second = ComputeStatus(config, *ParseInstant("2026-03-31T23:59:59-03:00", zone));
  CHECK(last_second.due_soon.size() == 1);
  CHECK(last_second.due_soon[0].days_left == 0);
  StatusReport next_day = ComputeStatus(config, *ParseInstant("2026-04-01T00:00:00-03:00", zone));
  REQUIRE(next_day.overdue.size() == 1);
  CHECK(next_day.overdue[0].days_left == -1);
}

TEST_CASE("a date-time due is overdue from its instant on") {
  Config config = OneProgram("[[commitment]]\nnumber = 1\ndue = 2026-03-31T12:00:00-03:00\n");
  auto zone = config.settings.zone;
  CHECK(ComputeStatus(config, *ParseInstant("2026-03-31T11:59:59-03:00", zone)).due_soon.size() == 1);
  CHECK(ComputeStatus(config, *ParseInstant("2026-03-31T15:00:00Z", zone)).overdue.size() == 1);
}

TEST_CASE("past its hour a date-time due counts negative days and hours on its own day") {
  Config config = OneProgram(
      "[[commitment]]\nnumber = 1\ndue = 2026-03-31T15:00:00-03:00\n"
      "[[commitment]]\nnumber = 2\ndue = 2026-03-31\n");
  auto zone = config.settings.zone;
  StatusReport morning = ComputeStatus(config, *ParseInstant("2026-03-31T09:30:00-03:00", zone));
  REQUIRE(morning.due_soon.size() == 2);
  CHECK(morning.due_soon[0].days_left == 0);
  CHECK(morning.due_soon[0].hours_left == 5);  // 5 h 30 min, rounded down
  CHECK(morning.due_soon[1].days_left == 0);
  CHECK_FALSE(morning.due_soon[1].hours_left);  // a date due counts days only
  // Three hours past 15:00, the same calendar day: late, so negative.
  StatusReport evening = ComputeStatus(config, *ParseInstant("2026-03-31T18:00:00-03:00", zone));
  REQUIRE(evening.overdue.size() == 1);
  CHECK(evening.overdue[0].commitment->number == 1);
  CHECK(evening.overdue[0].days_left == -1);
  CHECK(evening.overdue[0].hours_left == -3);
  // Ten minutes past: within the first hour late.
  StatusReport just = ComputeStatus(config, *ParseInstant("2026-03-31T15:10:00-03:00", zone));
  REQUIRE(just.overdue.size() == 1);
  CHECK(just.overdue[0].days_left == -1);
  CHECK(just.overdue[0].hours_left == -1);
  // Two days on, the calendar count takes over.
  StatusReport later = ComputeStatus(config, *ParseInstant("2026-04-02T09:00:00-03:00", zone));
  CHECK(later.overdue.at(0).days_left == -2);
  CHECK(later.overdue.at(0).hours_left == -42);
}

TEST_CASE("due soon means within 30 days; later beyond") {
  Config config = OneProgram(
      "[[commitment]]\nnumber = 1\ndue = 2026-12-31\n"
      "[[commitment]]\nnumber = 2\ndue = 2027-01-01\n"
      "[[commitment]]\nnumber = 3\ndue = 2026-12-31\nstatus = \"cumplido\"\n");
  StatusReport r = ComputeStatus(config, *ParseInstant("2026-12-01", config.settings.zone));
  CHECK(Ids(r.due_soon) == std::vector<std::string>{"c1"});
  CHECK(r.due_soon[0].days_left == 30);
  CHECK(Ids(r.later) == std::vector<std::string>{"c2"});
  CHECK(Ids(r.fulfilled) == std::vector<std::string>{"c3"});
}

}  // namespace
}  // namespace plazo
