// The planner: routing, grouping, ledger, catch-up, next instant, and
// properties over generated stores.
#include <algorithm>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "config/load_config.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/time_text.h"
#include "planner/planner.h"
#include "tests/test_paths.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

Instant At(const char* text) { return *ParseInstant(text, FindZone("America/Santiago")); }

using testing::Generated;
using testing::SampleConfig;
using testing::WithProgram;

std::vector<std::string> Keys(const std::vector<Notification>& ns) {
  std::vector<std::string> keys;
  for (const Notification& n : ns)
    for (const PlannedItem& i : n.items) keys.push_back(i.key);
  return keys;
}

TEST_CASE("on 2026-12-01 09:00 the sample sends commitment 8 part 2's before-30d to owner and webhook") {
  Config config = SampleConfig();
  Planner planner(config);
  DuePlan plan = planner.Due(At("2026-12-01T09:00:00-03:00"), LedgerView{});
  REQUIRE(plan.notifications.size() == 2);
  const Notification& mail = plan.notifications[0];
  CHECK(mail.channel == Channel::kEmail);
  CHECK(mail.destination == "encargado.pil@example.gob.cl");
  CHECK(mail.kind == "reminder");
  REQUIRE(mail.items.size() == 1);
  CHECK(mail.items[0].commitment->id == "c8-p2");
  CHECK(mail.items[0].stage_name == "before-30d");
  CHECK(mail.items[0].days_left == 30);
  CHECK_FALSE(mail.items[0].late);
  const Notification& hook = plan.notifications[1];
  CHECK(hook.channel == Channel::kWebhook);
  CHECK(hook.destination == "equipo-pil");
  CHECK(plan.skipped.empty());
}

TEST_CASE("an officer with four parts due the same morning gets one digest") {
  Config config = WithProgram("owners = [\"ana@example.gob.cl\"]",
                              "[[commitment]]\nnumber = 1\ndue = 2026-12-30\n"
                              "[[commitment]]\nnumber = 2\ndue = 2026-12-30\n"
                              "[[commitment]]\nnumber = 3\ndue = 2026-12-30\nowners = [\"beto@example.gob.cl\"]\n"
                              "[[commitment]]\nnumber = 4\ndue = 2026-12-23\n"
                              "[[commitment]]\nnumber = 5\ndue = 2026-12-16\n");
  // Wednesday 2026-12-23 09:00: before-7d of 1 and 2 (and of 3, for Beto),
  // due of 4; 5 (overdue-1 on the 17th, overdue-2 on the 24th) has nothing.
  auto ns = Planner(config).Window(At("2026-12-23T09:00:00-03:00"), At("2026-12-23T09:00:00-03:00"), {});
  REQUIRE(ns.size() == 2);
  CHECK(ns[0].destination == "ana@example.gob.cl");
  CHECK(ns[0].kind == "due");
  REQUIRE(ns[0].items.size() == 3);
  CHECK(ns[0].items[0].commitment->id == "c4");  // the most urgent first
  CHECK(ns[0].items[0].stage_name == "due");
  CHECK(ns[0].items[1].commitment->id == "c1");
  CHECK(ns[0].items[2].commitment->id == "c2");
  CHECK(ns[1].destination == "beto@example.gob.cl");
  CHECK(ns[1].items.size() == 1);
}

TEST_CASE("escalation goes to escalate_to as well as the owners, once each") {
  Config config = WithProgram("owners = [\"jefatura.control@example.gob.cl\", \"ana@example.gob.cl\"]",
                              "[[commitment]]\nnumber = 1\ndue = 2026-12-30\n");
  auto ns = Planner(config).Window(At("2027-01-13T09:00:00-03:00"), At("2027-01-13T09:00:00-03:00"), {});
  std::vector<std::string> destinations;
  for (const Notification& n : ns) {
    CHECK(n.kind == "escalation");
    destinations.push_back(n.destination);
  }
  CHECK(destinations == std::vector<std::string>{"ana@example.gob.cl", "jefatura.control@example.gob.cl"});
  // Both are owners here, so neither is told it is an escalation contact.
  for (const Notification& n : ns) CHECK_FALSE(n.items.at(0).escalation_contact);
}

TEST_CASE("an escalation contact who owns nothing is marked so, for the e-mail's words") {
  Config config = WithProgram("owners = [\"ana@example.gob.cl\"]",
                              "[[commitment]]\nnumber = 1\ndue = 2026-12-30\n");
  auto ns = Planner(config).Window(At("2027-01-13T09:00:00-03:00"), At("2027-01-13T09:00:00-03:00"), {});
  REQUIRE(ns.size() == 2);
  CHECK(ns[0].destination == "ana@example.gob.cl");
  CHECK_FALSE(ns[0].items.at(0).escalation_contact);
  CHECK(ns[1].destination == "jefatura.control@example.gob.cl");
  CHECK(ns[1].items.at(0).escalation_contact);
}

TEST_CASE("handled deliveries are not planned again") {
  Config config = SampleConfig();
  Planner planner(config);
  Instant t = At("2026-12-01T09:00:00-03:00");
  auto all = planner.Window(t, t, {});
  REQUIRE(all.size() == 2);
  LedgerView ledger;
  ledger.handled.insert(all[0].items[0].key);
  auto rest = planner.Window(t, t, ledger);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].channel == Channel::kWebhook);
}

TEST_CASE("an acknowledged due date gets no more stages, until its due date or rating changes") {
  Config config = SampleConfig();
  Planner planner(config);
  Instant t = At("2026-12-01T09:00:00-03:00");
  LedgerView ledger;
  ledger.acknowledged.insert(
      AckKey("sence-intermediacion-laboral", "c8-p2", "2026-12-31", "en_evaluacion"));
  CHECK(planner.Window(t, t, ledger).empty());
  CHECK(planner.Due(t, ledger).notifications.empty());
  // The same part acknowledged under another due date or rating is planned.
  ledger.acknowledged = {AckKey("sence-intermediacion-laboral", "c8-p2", "2026-06-30", "en_evaluacion"),
                         AckKey("sence-intermediacion-laboral", "c8-p2", "2026-12-31", "no_cumplido")};
  CHECK(planner.Window(t, t, ledger).size() == 2);
}

TEST_CASE("after downtime only the newest missed stage is sent, late; older ones are skipped") {
  Config config = WithProgram("owners = [\"ana@example.gob.cl\"]", "[[commitment]]\nnumber = 1\ndue = 2026-12-30\n");
  Planner planner(config);
  LedgerView ledger;
  ledger.planned_through = At("2026-12-10T00:00:00-03:00");
  // Down from the 10th to the 24th at noon: before-14d (16th) and before-7d (23rd) missed.
  DuePlan plan = planner.Due(At("2026-12-24T12:00:00-03:00"), ledger);
  REQUIRE(plan.notifications.size() == 1);
  const PlannedItem& item = plan.notifications[0].items.at(0);
  CHECK(item.stage_name == "before-7d");
  CHECK(item.late);
  CHECK(item.days_left == 6);
  CHECK(plan.notifications[0].at == At("2026-12-24T12:00:00-03:00"));
  REQUIRE(plan.skipped.size() == 1);
  CHECK(plan.skipped[0].stage_name == "before-14d");
  // Without a previous run there is nothing to catch up on.
  CHECK(planner.Due(At("2026-12-24T12:00:00-03:00"), LedgerView{}).notifications.empty());
}

TEST_CASE("stages in a snooze are left out of the plan and come back as snoozed, not sent") {
  Config config = WithProgram(
      "owners = [\"ana@example.gob.cl\"]\nsnooze_until = 2026-12-20\n"
      "snooze_reason = \"licencia médica\"",
      "[[commitment]]\nnumber = 1\ndue = 2026-12-30\n"
      "[[commitment]]\nnumber = 2\ndue = 2026-12-30\nsnooze_until = 2026-12-24\n");
  Planner planner(config);
  // before-14d on the 16th falls in both snoozes.
  DuePlan on16 = planner.Due(At("2026-12-16T09:00:00-03:00"), LedgerView{});
  CHECK(on16.notifications.empty());
  REQUIRE(on16.snoozed.size() == 2);
  CHECK(on16.snoozed[0].stage_name == "before-14d");
  CHECK(InSnooze(on16.snoozed[0]));
  // before-7d on the 23rd: part 1's program snooze is over; part 2's own, later one is not.
  DuePlan on23 = planner.Due(At("2026-12-23T09:00:00-03:00"), LedgerView{});
  REQUIRE(on23.notifications.size() == 1);
  REQUIRE(on23.notifications[0].items.size() == 1);
  CHECK(on23.notifications[0].items[0].commitment->id == "c1");
  REQUIRE(on23.snoozed.size() == 1);
  CHECK(on23.snoozed[0].commitment->id == "c2");
  // The window shows only what will be sent.
  std::vector<std::string> keys = Keys(planner.Window(
      At("2026-12-01T00:00:00-03:00"), At("2026-12-26T00:00:00-03:00"), LedgerView{}));
  CHECK(keys == std::vector<std::string>{"p/c1/2026-12-30/before-7d/email:ana@example.gob.cl"});
  const Program& p = config.store.programs[0];
  CHECK(SnoozeOf(p, p.commitments[0])->reason == "licencia médica");
  CHECK(SnoozeOf(p, p.commitments[1])->until == Days(date::year{2026} / 12 / 24));
}

TEST_CASE("a snooze reason needs a snooze_until date") {
  Config config;
  Diagnostics diags;
  REQUIRE(LoadSettings(testing::ExamplesDir() + "/plazod.toml", &config.settings, &diags));
  Program p;
  CHECK_FALSE(
      ParseStoreFile("[program]\nid = \"p\"\nname = \"P\"\nsnooze_reason = \"vacaciones\"\n"
                     "[[commitment]]\nnumber = 1\ndue = 2026-12-30\nsnooze_until = \"marzo\"\n",
                     "p.toml", config.settings, &p, &diags));
  CHECK(diags.ToString().find("p.toml:4:17: snooze_reason needs a snooze_until date") !=
        std::string::npos);
  CHECK(diags.ToString().find("p.toml:8:16: 'snooze_until' must be a date") != std::string::npos);
}

TEST_CASE("the next instant is the earliest stage after t") {
  Config config = SampleConfig();
  Planner planner(config);
  CHECK(planner.NextInstant(At("2026-11-25")) == At("2026-12-01T09:00:00-03:00"));
  CHECK(planner.NextInstant(At("2026-12-01T09:00:00-03:00")) == At("2026-12-17T09:00:00-03:00"));
  CHECK_FALSE(planner.NextInstant(At("2027-12-01")).has_value());
}

// ---- properties over generated stores -------------------------------------

TEST_CASE("no delivery is planned twice across any split of a window") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    Config config = Generated(seed, 60);
    Planner planner(config);
    Instant from = At("2026-01-01"), until = At("2028-06-01");
    std::vector<std::string> whole = Keys(planner.Window(from, until, {}));
    std::mt19937 rng(seed);
    std::vector<Instant> cuts;
    for (int i = 0; i < 25; ++i) {
      cuts.push_back(from + std::chrono::seconds(rng() % (until - from).count()));
    }
    std::sort(cuts.begin(), cuts.end());
    std::vector<std::string> pieces;
    Instant start = from;
    for (Instant cut : cuts) {
      if (cut <= start) continue;
      auto part = Keys(planner.Window(start, cut - std::chrono::seconds(1), {}));
      pieces.insert(pieces.end(), part.begin(), part.end());
      start = cut;
    }
    auto last = Keys(planner.Window(start, until, {}));
    pieces.insert(pieces.end(), last.begin(), last.end());
    std::set<std::string> unique(pieces.begin(), pieces.end());
    CHECK(unique.size() == pieces.size());
    std::sort(whole.begin(), whole.end());
    std::sort(pieces.begin(), pieces.end());
    CHECK(pieces == whole);
    CHECK(whole.size() > 500);
  }
}

TEST_CASE("an index of one range answers that range's queries as the full index does") {
  for (uint32_t seed : {4u, 5u}) {
    Config config = Generated(seed, 60);
    Planner full(config);
    std::mt19937 rng(seed);
    Instant start = At("2026-01-01");
    for (int i = 0; i < 20; ++i) {
      Instant from = start + std::chrono::seconds(rng() % (86400 * 800));
      Instant until = from + std::chrono::seconds(rng() % (86400 * 40));
      Planner range(config, from, until);
      CHECK(range.size() <= full.size());
      std::vector<Notification> expected = full.Window(from, until, {});
      std::vector<Notification> got = range.Window(from, until, {});
      CHECK(Keys(got) == Keys(expected));
      REQUIRE(got.size() == expected.size());
      for (size_t k = 0; k < got.size(); ++k) CHECK(got[k].id == expected[k].id);
      // Due after downtime: the ledger planned through from.
      LedgerView ledger;
      ledger.planned_through = from;
      DuePlan due = Planner(config, from, until).Due(until, ledger);
      DuePlan due_full = full.Due(until, ledger);
      CHECK(Keys(due.notifications) == Keys(due_full.notifications));
      CHECK(due.skipped.size() == due_full.skipped.size());
    }
  }
}

TEST_CASE("a daemon waking at every instant sends each stage exactly once, in order") {
  Config config = Generated(7, 40);
  Planner planner(config);
  LedgerView ledger;
  ledger.planned_through = At("2026-01-01");
  std::map<std::pair<std::string, std::string>, Instant> last_at;  // (part, destination)
  size_t sent = 0;
  for (auto t = planner.NextInstant(*ledger.planned_through); t; t = planner.NextInstant(*t)) {
    DuePlan plan = planner.Due(*t, ledger);
    CHECK(plan.skipped.empty());
    for (const Notification& n : plan.notifications) {
      for (const PlannedItem& i : n.items) {
        CHECK_FALSE(i.late);
        CHECK(ledger.handled.insert(i.key).second);
        auto& prev = last_at[{i.commitment->id, n.destination}];
        CHECK(prev < i.stage_at);
        prev = i.stage_at;
        ++sent;
      }
    }
    ledger.planned_through = *t;
  }
  CHECK(sent == Keys(planner.Window(At("2026-01-01"), At("2030-01-01"), {})).size());
}

TEST_CASE("every open part gets its stages in sequence order; fulfilled parts none") {
  Config config = Generated(11, 80);
  const Program& p = config.store.programs[0];
  for (const Commitment& c : p.commitments) {
    auto stages = StagesFor(c, config.ScheduleFor(p, c));
    if (c.status == Status::kCumplido) {
      CHECK(stages.empty());
      continue;
    }
    REQUIRE_FALSE(stages.empty());
    for (size_t i = 1; i < stages.size(); ++i) {
      CHECK(stages[i - 1].at < stages[i].at);
      const Stage &a = stages[i - 1].stage, &b = stages[i].stage;
      bool ordered = a.kind < b.kind || (a.kind == b.kind && a.index < b.index) ||
                     (a.kind == StageKind::kEscalation && b.kind == StageKind::kOverdue);
      CHECK(ordered);
    }
  }
}

TEST_CASE("notification ids are stable across recomputation and differ by content") {
  Config config = Generated(5, 50);
  Planner a(config), b(config);
  auto x = a.Window(At("2026-01-01"), At("2028-01-01"), {});
  auto y = b.Window(At("2026-01-01"), At("2028-01-01"), {});
  REQUIRE(x.size() == y.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].id == y[i].id);
    ids.insert(x[i].id);
  }
  CHECK(ids.size() == x.size());
}

TEST_CASE("the next instant agrees with a scan of every part's stages") {
  Config config = Generated(9, 100);
  Planner planner(config);
  const Program& p = config.store.programs[0];
  std::mt19937 rng(9);
  for (int trial = 0; trial < 50; ++trial) {
    Instant t = At("2026-01-01") + std::chrono::seconds(rng() % (86400LL * 900));
    std::optional<Instant> best;
    for (const Commitment& c : p.commitments)
      for (const StageTime& st : StagesFor(c, config.ScheduleFor(p, c)))
        if (st.at > t && (!best || st.at < *best)) best = st.at;
    CHECK(planner.NextInstant(t) == best);
  }
}

}  // namespace
}  // namespace plazo
