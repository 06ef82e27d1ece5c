// When to retry a failed delivery (SPEC 6): exponential backoff with jitter,
// the first retry within a minute, capped at one hour, given up after 24 hours
// by default. A pure function of its arguments: it never reads the clock and
// draws its jitter from a seed, so the same inputs give the same answer.
#ifndef PLAZO_LEDGER_BACKOFF_H_
#define PLAZO_LEDGER_BACKOFF_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "config/model.h"

namespace plazo {

struct RetryPolicy {
  // The cap of the delay after the first failure; it doubles with each
  // further failure. Values under one second count as one second, so that a
  // misconfigured policy can never make the daemon spin.
  Duration first_delay = std::chrono::seconds(30);
  // The largest delay between two attempts.
  Duration max_delay = std::chrono::hours(1);
  // Measured from the first attempt: once this much time has passed, a
  // further failure gives up.
  Duration give_up_after = std::chrono::hours(24);
};

// The cap of the delay after the failures-th consecutive failure:
// first_delay * 2^(failures - 1), at most max_delay. Non-decreasing in
// failures; failures below 1 count as 1.
Duration RetryCap(const RetryPolicy& policy, int failures);

// When to make the next attempt of a delivery whose failures-th attempt has
// just failed at now, the first having been made (or the delivery enqueued)
// at first_attempt.
//
// The delay is "equal jitter" over the cap c = RetryCap(policy, failures):
// c/2 plus a uniform draw from [0, c - c/2] seconds, taken from jitter_seed
// and failures. Equal jitter (rather than full) keeps a floor under each
// delay, so that a receiver that is down is not hit again within seconds,
// while still spreading the retries of many notifications.
//
// Returns nullopt, meaning give up, once now is give_up_after or more past
// first_attempt. A retry that would land after that deadline is moved back
// to the deadline itself, so the last attempt is made at 24 h, not up to an
// hour before.
[[nodiscard]] std::optional<Instant> NextRetry(const RetryPolicy& policy, int failures, Instant first_attempt,
                                 Instant now, uint64_t jitter_seed);

// A seed for NextRetry derived from a notification id (FNV-1a, 64 bit):
// stable across runs and builds, so a restarted daemon keeps the same retry
// times, and different notifications failing together spread out.
uint64_t JitterSeed(std::string_view notification_id);

}  // namespace plazo

#endif  // PLAZO_LEDGER_BACKOFF_H_
