// The JSON body of webhook deliveries (SPEC 5.3, version 1), whose item shape
// `plazod plan --json` shares.
#ifndef PLAZO_NOTIFIERS_PAYLOAD_H_
#define PLAZO_NOTIFIERS_PAYLOAD_H_

#include <string>

#include <boost/json/fwd.hpp>

#include "planner/planner.h"

namespace plazo {

// {"program": {id, name, service, ministry}, "commitment": {id, number, part,
// text, verification, due, status}, "stage", "days_left", "late"}.
boost::json::object ItemJson(const PlannedItem& item);

// The webhook body: {"version": 1, "id", "kind", "sent_at", "destination",
// "items": [ItemJson]}, sent_at in RFC 3339 at zone's offset.
std::string WebhookPayload(const Notification& n, Instant sent_at, const date::time_zone* zone);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_PAYLOAD_H_
