#include "daemon/json_output.h"

#include <boost/json.hpp>

#include "config/time_text.h"

namespace plazo {
namespace {

boost::json::object ItemJson(const StatusItem& item) {
  const Commitment& c = *item.commitment;
  boost::json::object o;
  o["program"] = item.program->id;
  o["commitment"] = c.id;
  o["number"] = c.number;
  o["part"] = c.part;
  o["due"] = FormatIsoDate(c.due.date);
  o["status"] = StatusName(c.status);
  o["days_left"] = item.days_left;
  if (c.submitted) o["submitted"] = FormatIsoDate(*c.submitted);
  return o;
}

boost::json::array ItemsJson(const std::vector<StatusItem>& items) {
  boost::json::array a;
  a.reserve(items.size());
  for (const StatusItem& i : items) a.push_back(ItemJson(i));
  return a;
}

}  // namespace

std::string StatusJson(const StatusReport& report, const date::time_zone* zone) {
  boost::json::object o;
  o["at"] = FormatRfc3339(report.at, zone);
  o["overdue"] = ItemsJson(report.overdue);
  o["due_soon"] = ItemsJson(report.due_soon);
  o["later"] = ItemsJson(report.later);
  o["fulfilled"] = ItemsJson(report.fulfilled);
  return boost::json::serialize(o) + "\n";
}

}  // namespace plazo
