#include "ledger/backoff.h"

#include <algorithm>

#include "base/hash.h"

namespace plazo {
namespace {

// SplitMix64: a small, well-mixed bijection on 64-bit values; good enough to
// turn (seed, failures) into an independent-looking draw.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

Duration RetryCap(const RetryPolicy& policy, int failures) {
  const Duration one = std::chrono::seconds(1);
  Duration first = std::max(policy.first_delay, one);
  Duration max = std::max(policy.max_delay, first);
  Duration cap = first;
  // Doubling one step at a time cannot overflow: it stops at max.
  for (int i = 1; i < failures && cap < max; ++i) cap = std::min(cap * 2, max);
  return cap;
}

std::optional<Instant> NextRetry(const RetryPolicy& policy, int failures, Instant first_attempt,
                                 Instant now, uint64_t jitter_seed) {
  const Instant deadline = first_attempt + policy.give_up_after;
  if (now >= deadline) return std::nullopt;
  const int64_t cap = RetryCap(policy, failures).count();
  const int64_t floor = cap / 2;
  const uint64_t span = static_cast<uint64_t>(cap - floor) + 1;
  const uint64_t draw = Mix(jitter_seed ^ Mix(static_cast<uint64_t>(std::max(failures, 1)))) % span;
  const Instant retry = now + Duration(floor + static_cast<int64_t>(draw));
  return std::min(retry, deadline);
}

uint64_t JitterSeed(std::string_view notification_id) { return Fnv1a(notification_id); }

}  // namespace plazo
