// The outcome of one delivery attempt, as every sender reports it: the
// outbox (ledger.h AttemptResult) decides from it whether to retry.
#ifndef PLAZO_NOTIFIERS_DELIVERY_RESULT_H_
#define PLAZO_NOTIFIERS_DELIVERY_RESULT_H_

#include <string>

namespace plazo {

enum class DeliveryOutcome {
  kDelivered,  // the peer accepted the message
  kRetry,      // failed, and trying again later may succeed
  kPermanent,  // failed, and retrying cannot help (e.g. HTTP 404, SMTP 550)
};

struct DeliveryResult {
  DeliveryOutcome outcome = DeliveryOutcome::kRetry;
  // One line for logs and the outbox's attempt log, such as "HTTP 503" or
  // "smtp: RCPT failed: 550 (5.1.1 mailbox unavailable)". Never holds a
  // secret: senders build it from status codes, curl's messages and the
  // peer's replies only.
  std::string detail;

  bool ok() const { return outcome == DeliveryOutcome::kDelivered; }
};

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_DELIVERY_RESULT_H_
