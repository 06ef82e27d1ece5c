// The daemon's planner index over a range (loaded_config.h IndexFor): a
// daemon that indexes a quarter at a time sends what one indexing every
// stage of every part sends.
#include <set>

#include <catch2/catch.hpp>

#include "config/time_text.h"
#include "daemon/loaded_config.h"
#include "planner/planner.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

Instant At(const char* text) { return *ParseInstant(text, FindZone("America/Santiago")); }

// What a daemon sends from start to end, waking at each next instant (at
// least daily, as the service does) and stopped once over [down, up): the
// keys it sends and skips, in order. With ranged, the index covers only
// what IndexFor asks before each tick, from a fresh load's range.
struct Run {
  std::vector<std::string> sent, skipped;
  int rebuilds = 0;
  size_t largest = 0;  // the most stages the index held
};

Run Simulate(const Config& config, bool ranged, Instant start, Instant end, Instant down,
             Instant up) {
  LoadedConfig loaded;
  loaded.config = config;
  loaded.planner =
      ranged ? std::make_unique<Planner>(loaded.config, start - kIndexBehind, start + kIndexAhead)
             : std::make_unique<Planner>(loaded.config);
  LedgerView ledger;
  Run run;
  for (Instant now = start; now <= end;) {
    if (now >= down && now < up) now = up;  // stopped: catch up at up
    if (ranged) {
      Instant from = ledger.planned_through ? std::min(*ledger.planned_through, now) : now;
      run.rebuilds += IndexFor(&loaded, from, now + kIndexKeep) ? 1 : 0;
      run.largest = std::max(run.largest, loaded.planner->size());
    }
    DuePlan plan = loaded.planner->Due(now, ledger);
    for (const Notification& n : plan.notifications) {
      for (const PlannedItem& i : n.items) {
        run.sent.push_back(i.key);
        ledger.handled.insert(i.key);
      }
    }
    for (const PlannedItem& i : plan.skipped) {
      run.skipped.push_back(i.key);
      ledger.handled.insert(i.key);
    }
    ledger.planned_through = now;
    Instant next = std::min(loaded.planner->NextInstant(now).value_or(Instant::max()),
                            now + std::chrono::hours(24));
    now = next;
  }
  return run;
}

TEST_CASE("a daemon indexing a quarter at a time sends what a whole index sends") {
  for (uint32_t seed : {11u, 12u}) {
    Config config = testing::Generated(seed, 80);
    Instant start = At("2026-01-01"), end = At("2028-04-01");
    // Stopped for 200 days: the catch-up reaches back before the index.
    Instant down = At("2026-09-10"), up = At("2027-03-29");
    Run whole = Simulate(config, false, start, end, down, up);
    Run ranged = Simulate(config, true, start, end, down, up);
    CHECK(ranged.sent == whole.sent);
    CHECK(ranged.skipped == whole.skipped);
    CHECK(whole.sent.size() > 300);
    CHECK_FALSE(whole.skipped.empty());
    // Extended about monthly, and once backwards after the stop.
    CHECK(ranged.rebuilds >= 8);
    Planner full(config);
    CHECK(ranged.largest < full.size() / 2);
  }
}

}  // namespace
}  // namespace plazo
