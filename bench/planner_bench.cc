// Times the planner's parts in one process over a store: loading, building
// the index, planning one day, what is due at one instant, and the
// next-instant query the daemon runs after every event.
//   planner_bench SETTINGS.toml DATE
#include <chrono>
#include <cstdio>
#include <random>

#include "config/load_config.h"
#include "config/time_text.h"
#include "planner/planner.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: planner_bench SETTINGS.toml DATE\n");
    return 2;
  }
  plazo::ConfigSource source;
  source.settings_path = argv[1];
  plazo::Config config;
  plazo::Diagnostics diags;
  auto t0 = Clock::now();
  if (!plazo::LoadConfig(source, &config, &diags)) {
    std::fputs(diags.ToString().c_str(), stderr);
    return 1;
  }
  auto t1 = Clock::now();
  plazo::Planner planner(config);
  auto t2 = Clock::now();
  auto day = plazo::ParseInstant(argv[2], config.settings.zone);
  if (!day) return 2;
  auto notifications = planner.Window(*day, *day + std::chrono::hours(24) - std::chrono::seconds(1), {});
  auto t3 = Clock::now();
  plazo::LedgerView ledger;
  ledger.planned_through = *day - std::chrono::hours(24 * 7);
  auto due = planner.Due(*day + std::chrono::hours(9), ledger);
  auto t4 = Clock::now();
  constexpr int kQueries = 100000;
  std::mt19937_64 rng(1);
  std::vector<plazo::Instant> probes;
  for (int i = 0; i < kQueries; ++i) {
    probes.push_back(*day + std::chrono::seconds(static_cast<int64_t>(rng() % (86400ULL * 365))));
  }
  int64_t sink = 0;
  auto t5 = Clock::now();
  for (plazo::Instant p : probes) {
    if (auto next = planner.NextInstant(p)) sink += next->time_since_epoch().count();
  }
  auto t6 = Clock::now();
  size_t items = 0;
  for (const auto& n : notifications) items += n.items.size();
  std::printf("parts            %zu\n", config.store.CommitmentCount());
  std::printf("stage instants   %zu\n", planner.size());
  std::printf("load             %.1f ms\n", Ms(t1 - t0));
  std::printf("index            %.1f ms\n", Ms(t2 - t1));
  std::printf("plan one day     %.2f ms (%zu notifications, %zu items)\n", Ms(t3 - t2),
              notifications.size(), items);
  std::printf("due after a week %.2f ms (%zu notifications, %zu skipped)\n", Ms(t4 - t3),
              due.notifications.size(), due.skipped.size());
  std::printf("next instant     %.3f us per query (%d queries, checksum %lld)\n",
              Ms(t6 - t5) * 1000.0 / kQueries, kQueries, static_cast<long long>(sink % 1000));
  return 0;
}
