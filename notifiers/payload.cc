#include "notifiers/payload.h"

#include <boost/json.hpp>

#include "config/time_text.h"

namespace plazo {

boost::json::object ItemJson(const PlannedItem& item) {
  const Program& p = *item.program;
  const Commitment& c = *item.commitment;
  boost::json::object program;
  program["id"] = p.id;
  program["name"] = p.name;
  program["service"] = p.service;
  program["ministry"] = p.ministry;
  boost::json::object commitment;
  commitment["id"] = c.id;
  commitment["number"] = c.number;
  commitment["part"] = c.part;
  commitment["text"] = c.text.view();
  commitment["verification"] = c.verification.view();
  commitment["due"] = FormatIsoDate(c.due.date);
  // A date-time due also gives its instant, at the offset of the schedule's
  // zone, so a receiver can show the hour.
  if (c.due.instant) {
    commitment["due_at"] = FormatRfc3339(
        *c.due.instant, item.schedule != nullptr ? item.schedule->zone : FindZone("UTC"));
  }
  commitment["status"] = StatusName(c.status);
  boost::json::object o;
  o["program"] = std::move(program);
  o["commitment"] = std::move(commitment);
  o["stage"] = item.stage_name;
  o["days_left"] = item.days_left;
  o["late"] = item.late;
  return o;
}

std::string WebhookPayload(const Notification& n, Instant sent_at, const date::time_zone* zone) {
  boost::json::object o;
  o["version"] = 1;
  o["id"] = n.id;
  o["kind"] = n.kind;
  o["sent_at"] = FormatRfc3339(sent_at, zone);
  o["destination"] = n.destination;
  boost::json::array items;
  for (const PlannedItem& i : n.items) items.push_back(ItemJson(i));
  o["items"] = std::move(items);
  return boost::json::serialize(o);
}

std::string AcknowledgedPayload(const AcknowledgedEvent& e, const date::time_zone* zone) {
  PlannedItem item;
  item.program = e.program;
  item.commitment = e.commitment;
  item.stage_name = "acknowledged";
  item.days_left = e.days_left;
  boost::json::object o;
  o["version"] = 1;
  o["id"] = e.id;
  o["kind"] = "acknowledged";
  o["sent_at"] = FormatRfc3339(e.at, zone);
  o["destination"] = e.destination;
  o["items"] = boost::json::array{ItemJson(item)};
  o["acknowledged"] = {{"by", e.by}, {"at", FormatRfc3339(e.at, zone)}, {"comment", e.comment}};
  return boost::json::serialize(o);
}

}  // namespace plazo
