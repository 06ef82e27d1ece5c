// The outcome of one delivery attempt, as every sender reports it: the
// outbox (ledger.h AttemptResult) decides from it whether to retry.
#ifndef PLAZO_NOTIFIERS_DELIVERY_RESULT_H_
#define PLAZO_NOTIFIERS_DELIVERY_RESULT_H_

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace plazo {

enum class DeliveryOutcome {
  kDelivered,  // the peer accepted the message
  kRetry,      // failed, and trying again later may succeed
  kPermanent,  // failed, and retrying cannot help (e.g. HTTP 404, SMTP 550)
};

struct DeliveryResult {
  DeliveryResult() = default;
  DeliveryResult(DeliveryOutcome o, std::string d) : outcome(o), detail(std::move(d)) {}

  DeliveryOutcome outcome = DeliveryOutcome::kRetry;
  // One line for logs and the outbox's attempt log, such as "HTTP 503" or
  // "smtp: RCPT failed: 550 (5.1.1 mailbox unavailable)". Never holds a
  // secret: senders build it from status codes, curl's messages and the
  // peer's replies only.
  std::string detail;
  // For a retry: how long the peer asked to be left alone (an HTTP 429 or
  // 503 with Retry-After). The outbox waits at least this long, up to its
  // longest wait between attempts.
  std::optional<std::chrono::seconds> retry_after;
  // For a permanent failure: the receiver said the endpoint is gone for
  // good (HTTP 410), so nothing more is sent to it until its settings
  // change (Standard Webhooks).
  bool gone = false;

  bool ok() const { return outcome == DeliveryOutcome::kDelivered; }
};

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_DELIVERY_RESULT_H_
