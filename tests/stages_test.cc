// SPEC 5.1 rule by rule: which stages a part gets, and at which instants.
#include <catch2/catch.hpp>

#include "config/settings.h"
#include "config/time_text.h"
#include "planner/stages.h"

namespace plazo {
namespace {

const date::time_zone* Santiago() { return FindZone("America/Santiago"); }

Commitment DueOn(const char* day) {
  Commitment c;
  c.id = "c1";
  c.number = 1;
  c.due.date = *ParseIsoDate(day);
  return c;
}

Commitment DueAt(const char* instant) {
  Commitment c;
  c.id = "c1";
  c.number = 1;
  c.due.instant = *ParseInstant(instant, Santiago());
  c.due.date = LocalDate(*c.due.instant, Santiago());
  return c;
}

// "stage@local-time" for every stage, the table tests' expected form.
std::vector<std::string> Render(const Commitment& c, const Schedule& s) {
  std::vector<std::string> out;
  for (const StageTime& st : StagesFor(c, s)) {
    out.push_back(StageName(st.stage, s) + "@" + FormatRfc3339(st.at, s.zone));
  }
  return out;
}

Schedule Dipres() { return BuiltinDipresSchedule("America/Santiago"); }

TEST_CASE("a date due gets every dipres stage at 09:00 local on workdays") {
  // Due Wednesday 2026-12-30.
  CHECK(Render(DueOn("2026-12-30"), Dipres()) == std::vector<std::string>{
            "before-60d@2026-10-30T09:00:00-03:00",  // 60 days before is Saturday Oct 31
            "before-30d@2026-11-30T09:00:00-03:00",
            "before-14d@2026-12-16T09:00:00-03:00",
            "before-7d@2026-12-23T09:00:00-03:00",
            "before-1d@2026-12-29T09:00:00-03:00",
            "due@2026-12-30T09:00:00-03:00",
            "overdue-1@2026-12-31T09:00:00-03:00",
            "overdue-2@2027-01-07T09:00:00-03:00",
            "escalation@2027-01-13T09:00:00-03:00",
            "overdue-3@2027-01-14T09:00:00-03:00",
            "overdue-4@2027-01-21T09:00:00-03:00",
            "overdue-5@2027-01-28T09:00:00-03:00",
            "overdue-6@2027-02-04T09:00:00-03:00",
            "overdue-7@2027-02-11T09:00:00-03:00",
            "overdue-8@2027-02-18T09:00:00-03:00",
        });
}

TEST_CASE("weekends move reminders earlier and overdue alerts later") {
  Schedule s = Dipres();
  s.before = {std::chrono::days(1)};
  s.overdue_max = 1;
  s.escalate_after.reset();
  // Due Monday 2026-11-30: the day before is Sunday -> Friday.
  CHECK(Render(DueOn("2026-11-30"), s) == std::vector<std::string>{
            "before-1d@2026-11-27T09:00:00-03:00", "due@2026-11-30T09:00:00-03:00",
            "overdue-1@2026-12-01T09:00:00-03:00"});
  // Due Saturday 2026-12-05: due moves to Friday (where before-1d already
  // is: one stage), overdue from Sunday to Monday.
  CHECK(Render(DueOn("2026-12-05"), s) == std::vector<std::string>{
            "due@2026-12-04T09:00:00-03:00", "overdue-1@2026-12-07T09:00:00-03:00"});
}

TEST_CASE("before offsets that collide after shifting make one stage, the nearer one") {
  Schedule s = Dipres();
  s.before = {std::chrono::days(3), std::chrono::days(1)};
  s.on_due = false;
  s.overdue_max = 0;
  s.escalate_after.reset();
  // Due Monday: 3 days before is Friday; 1 day before is Sunday -> Friday.
  CHECK(Render(DueOn("2026-11-30"), s) ==
        std::vector<std::string>{"before-1d@2026-11-27T09:00:00-03:00"});
}

TEST_CASE("holidays shift like weekends") {
  Schedule s = Dipres();  // holidays 2025-09-18 and 2025-09-19 (Thursday, Friday)
  s.before = {std::chrono::days(1)};
  s.overdue_max = 1;
  s.escalate_after = std::chrono::days(1);
  CHECK(Render(DueOn("2025-09-19"), s) == std::vector<std::string>{
            "due@2025-09-17T09:00:00-03:00",  // before-1d (the 18th) collapses into due
            "escalation@2025-09-22T09:00:00-03:00"});  // overdue-1 (the 20th) -> Monday, escalation wins
}

TEST_CASE("09:00 stays 09:00 local across Santiago's DST changes") {
  Schedule s = Dipres();
  s.before = {std::chrono::days(7)};
  s.overdue_max = 0;
  s.escalate_after.reset();
  // Clocks go back on 2026-04-05: -03:00 before, -04:00 after.
  CHECK(Render(DueOn("2026-04-10"), s) == std::vector<std::string>{
            "before-7d@2026-04-03T09:00:00-03:00", "due@2026-04-10T09:00:00-04:00"});
  // Clocks go forward on 2026-09-06.
  CHECK(Render(DueOn("2026-09-09"), s) == std::vector<std::string>{
            "before-7d@2026-09-02T09:00:00-04:00", "due@2026-09-09T09:00:00-03:00"});
}

TEST_CASE("a send time that does not exist that day goes out when the gap ends") {
  Schedule s = Dipres();
  s.send_at_minutes = 30;  // 00:30, skipped on 2026-09-06 in Santiago
  s.workdays = 0x7f;
  s.before.clear();
  s.overdue_max = 0;
  s.escalate_after.reset();
  CHECK(Render(DueOn("2026-09-06"), s) == std::vector<std::string>{"due@2026-09-06T01:00:00-03:00"});
}

TEST_CASE("February 29 is an ordinary day") {
  Schedule s = Dipres();
  s.before = {std::chrono::days(30)};
  s.overdue_max = 1;
  s.escalate_after.reset();
  CHECK(Render(DueOn("2028-03-30"), s) == std::vector<std::string>{
            "before-30d@2028-02-29T09:00:00-03:00", "due@2028-03-30T09:00:00-03:00",
            "overdue-1@2028-03-31T09:00:00-03:00"});
  CHECK(Render(DueOn("2028-02-29"), s)[1] == "due@2028-02-29T09:00:00-03:00");
}

TEST_CASE("a date-time due uses exact instants, unshifted") {
  Schedule s = Dipres();
  s.before = {std::chrono::days(1), std::chrono::hours(2)};
  s.overdue_max = 2;
  s.overdue_every = std::chrono::hours(1);
  s.escalate_after = std::chrono::minutes(90);
  // Saturday 15:00: weekends do not move exact instants.
  CHECK(Render(DueAt("2026-12-05T15:00:00-03:00"), s) == std::vector<std::string>{
            "before-1d@2026-12-04T15:00:00-03:00", "before-2h@2026-12-05T13:00:00-03:00",
            "due@2026-12-05T15:00:00-03:00", "overdue-1@2026-12-05T16:00:00-03:00",
            "escalation@2026-12-05T16:30:00-03:00", "overdue-2@2026-12-05T17:00:00-03:00"});
}

TEST_CASE("offsets that are not whole days count from the end of the due day") {
  Schedule s = Dipres();
  s.before = {std::chrono::hours(12)};
  s.on_due = false;
  s.overdue_max = 0;
  s.escalate_after.reset();
  CHECK(Render(DueOn("2026-12-02"), s) ==
        std::vector<std::string>{"before-12h@2026-12-02T12:00:00-03:00"});
}

TEST_CASE("overdue_every 0 means one overdue alert; overdue_max 0 means none") {
  Schedule s = Dipres();
  s.before.clear();
  s.escalate_after.reset();
  s.overdue_every = Duration(0);
  CHECK(Render(DueOn("2026-12-02"), s) == std::vector<std::string>{
            "due@2026-12-02T09:00:00-03:00", "overdue-1@2026-12-03T09:00:00-03:00"});
  s.overdue_max = 0;
  CHECK(Render(DueOn("2026-12-02"), s) == std::vector<std::string>{"due@2026-12-02T09:00:00-03:00"});
}

TEST_CASE("fulfilled and submitted parts get no stages") {
  Commitment done = DueOn("2026-12-30");
  done.status = Status::kCumplido;
  CHECK(StagesFor(done, Dipres()).empty());
  Commitment sent = DueOn("2026-12-30");
  sent.submitted = *ParseIsoDate("2026-12-20");
  CHECK(StagesFor(sent, Dipres()).empty());
  Commitment partial = DueOn("2026-12-30");
  partial.status = Status::kParcialmenteCumplido;
  CHECK(StagesFor(partial, Dipres()).size() == 15);
}

}  // namespace
}  // namespace plazo
