// The JSON body of webhook deliveries (SPEC 5.3, version 1), whose item shape
// `plazod plan --json` shares.
#ifndef PLAZO_NOTIFIERS_PAYLOAD_H_
#define PLAZO_NOTIFIERS_PAYLOAD_H_

#include <string>

#include <boost/json/fwd.hpp>

#include "planner/planner.h"

namespace plazo {

// {"program": {id, name, service, ministry}, "commitment": {id, number, part,
// text, verification, due, [due_at], status}, "stage", "days_left", "late"};
// due_at (RFC 3339) only for a date-time due.
boost::json::object ItemJson(const PlannedItem& item);

// The webhook body: {"version": 1, "id", "kind", "sent_at", "destination",
// "items": [ItemJson]}, sent_at in RFC 3339 at zone's offset.
std::string WebhookPayload(const Notification& n, Instant sent_at, const date::time_zone* zone);

// The body that tells a program's webhook that an officer acknowledged one
// part ("I have sent the evidence", issue 14): WebhookPayload's shape with
// kind "acknowledged", one item whose stage is "acknowledged", and
// "acknowledged": {"by", "at", "comment"}, times at zone's offset.
struct AcknowledgedEvent {
  std::string id;           // the delivery id
  std::string destination;  // the webhook's name
  const Program* program = nullptr;
  const Commitment* commitment = nullptr;
  int days_left = 0;
  std::string by;  // the address the link was sent to
  Instant at{};
  std::string comment;
};
std::string AcknowledgedPayload(const AcknowledgedEvent& e, const date::time_zone* zone);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_PAYLOAD_H_
