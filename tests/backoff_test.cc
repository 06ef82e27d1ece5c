// Retry backoff (SPEC 6): first retry within a minute, capped at one hour,
// given up after 24 hours, jitter reproducible from a seed.
#include <catch2/catch.hpp>

#include <set>

#include "ledger/backoff.h"

namespace plazo {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const Instant kStart = Instant(seconds(1'780'000'000));

TEST_CASE("the first retry comes within a minute", "[backoff]") {
  RetryPolicy policy;
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    std::optional<Instant> at = NextRetry(policy, 1, kStart, kStart, seed);
    REQUIRE(at);
    CHECK(*at - kStart >= seconds(15));
    CHECK(*at - kStart <= seconds(30));
  }
}

TEST_CASE("the cap doubles from 30 s up to one hour and stays there", "[backoff]") {
  RetryPolicy policy;
  CHECK(RetryCap(policy, 1) == seconds(30));
  CHECK(RetryCap(policy, 2) == seconds(60));
  CHECK(RetryCap(policy, 3) == seconds(120));
  CHECK(RetryCap(policy, 7) == seconds(1920));
  CHECK(RetryCap(policy, 8) == hours(1));
  CHECK(RetryCap(policy, 1000000) == hours(1));
  CHECK(RetryCap(policy, 0) == seconds(30));
  CHECK(RetryCap(policy, -5) == seconds(30));
  for (int n = 1; n < 200; ++n) {
    INFO("failures " << n);
    CHECK(RetryCap(policy, n) <= RetryCap(policy, n + 1));
    CHECK(RetryCap(policy, n) <= hours(1));
  }
}

TEST_CASE("every delay lies between half the cap and the cap, never above an hour",
          "[backoff]") {
  RetryPolicy policy;
  for (int failures = 1; failures <= 40; ++failures) {
    const Duration cap = RetryCap(policy, failures);
    for (uint64_t seed = 0; seed < 200; ++seed) {
      INFO("failures " << failures << " seed " << seed);
      std::optional<Instant> at = NextRetry(policy, failures, kStart, kStart, seed);
      REQUIRE(at);
      CHECK(*at - kStart >= cap / 2);
      CHECK(*at - kStart <= cap);
      CHECK(*at - kStart <= hours(1));
    }
  }
}

TEST_CASE("retries stop 24 hours after the first attempt", "[backoff]") {
  RetryPolicy policy;
  CHECK_FALSE(NextRetry(policy, 30, kStart, kStart + hours(24), 7));
  CHECK_FALSE(NextRetry(policy, 30, kStart, kStart + hours(25), 7));
  // A retry that would land past the deadline is made at the deadline.
  std::optional<Instant> last = NextRetry(policy, 30, kStart, kStart + hours(24) - seconds(1), 7);
  REQUIRE(last);
  CHECK(*last == kStart + hours(24));

  // A whole life: attempt at each retry time until told to give up.
  Instant now = kStart;
  int failures = 0;
  std::optional<Instant> next;
  while ((next = NextRetry(policy, ++failures, kStart, now, 42))) {
    REQUIRE(*next > now);
    now = *next;
  }
  CHECK(now == kStart + hours(24));
  CHECK(failures > 20);  // about 7 ramping up, then one an hour or faster
  CHECK(failures < 60);
}

TEST_CASE("a shorter give-up time and a zero one", "[backoff]") {
  RetryPolicy policy;
  policy.give_up_after = hours(1);
  CHECK(NextRetry(policy, 1, kStart, kStart + seconds(3599), 1) == kStart + hours(1));
  CHECK_FALSE(NextRetry(policy, 1, kStart, kStart + hours(1), 1));
  policy.give_up_after = seconds(0);
  CHECK_FALSE(NextRetry(policy, 1, kStart, kStart, 1));
}

TEST_CASE("a degenerate policy still waits at least a second", "[backoff]") {
  RetryPolicy policy;
  policy.first_delay = seconds(0);
  policy.max_delay = seconds(0);
  std::optional<Instant> at = NextRetry(policy, 5, kStart, kStart, 3);
  REQUIRE(at);
  CHECK(*at > kStart);
}

TEST_CASE("jitter is a function of the seed", "[backoff]") {
  RetryPolicy policy;
  std::set<Instant> spread;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    std::optional<Instant> a = NextRetry(policy, 6, kStart, kStart, seed);
    std::optional<Instant> b = NextRetry(policy, 6, kStart, kStart, seed);
    REQUIRE(a);
    CHECK(a == b);
    spread.insert(*a);
  }
  CHECK(spread.size() > 50);  // 100 notifications failing together spread out
  // Successive failures of one notification draw independently.
  std::set<Duration> fractions;
  for (int failures = 8; failures < 40; ++failures) {
    fractions.insert(*NextRetry(policy, failures, kStart, kStart, 9) - kStart);
  }
  CHECK(fractions.size() > 16);
}

TEST_CASE("JitterSeed is FNV-1a over the id", "[backoff]") {
  CHECK(JitterSeed("") == 0xcbf29ce484222325ULL);
  CHECK(JitterSeed("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(JitterSeed("n-1") != JitterSeed("n-2"));
}

}  // namespace
}  // namespace plazo
