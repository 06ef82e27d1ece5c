#include "daemon/json_output.h"

#include <algorithm>
#include <cstdint>

#include <boost/json.hpp>

#include "config/time_text.h"
#include "planner/planner.h"

namespace plazo {
namespace {

boost::json::object ItemJson(const StatusItem& item, const std::vector<Acknowledgement>& acks,
                             const date::time_zone* zone) {
  const Commitment& c = *item.commitment;
  boost::json::object o;
  o["program"] = item.program->id;
  o["commitment"] = c.id;
  o["number"] = c.number;
  o["part"] = c.part;
  o["due"] = FormatIsoDate(c.due.date);
  o["status"] = StatusName(c.status);
  o["days_left"] = item.days_left;
  if (item.hours_left) o["hours_left"] = *item.hours_left;
  if (c.submitted) o["submitted"] = FormatIsoDate(*c.submitted);
  if (!c.previous_due.empty()) {
    boost::json::array previous;
    for (Days d : c.previous_due) previous.emplace_back(FormatIsoDate(d));
    o["previous_due"] = std::move(previous);
  }
  if (const Acknowledgement* a = AckOf(item, acks)) {
    o["acknowledged"] = {{"by", a->recipient}, {"at", FormatRfc3339(a->at, zone)},
                         {"comment", a->comment}};
  }
  if (std::optional<Snooze> s = SnoozeOf(*item.program, c)) {
    o["snooze"] = {{"until", FormatIsoDate(*s->until)}, {"reason", s->reason}};
  }
  return o;
}

boost::json::array ItemsJson(const std::vector<StatusItem>& items,
                             const std::vector<Acknowledgement>& acks, const date::time_zone* zone) {
  boost::json::array a;
  a.reserve(items.size());
  for (const StatusItem& i : items) a.push_back(ItemJson(i, acks, zone));
  return a;
}

boost::json::array EntriesJson(const std::vector<OutboxEntry>& entries,
                               const date::time_zone* zone) {
  boost::json::array a;
  for (const OutboxEntry& e : entries) {
    boost::json::object o;
    o["id"] = e.notification_id;
    o["channel"] = e.channel;
    o["destination"] = e.destination;
    o["kind"] = e.kind;
    o["attempts"] = e.attempts;
    o["since"] = FormatRfc3339(e.created_at, zone);
    o["last_error"] = e.last_error;
    a.push_back(std::move(o));
  }
  return a;
}

}  // namespace

const Acknowledgement* AckOf(const StatusItem& item, const std::vector<Acknowledgement>& acks) {
  if (acks.empty()) return nullptr;
  const Commitment& c = *item.commitment;
  std::string due = DueKey(c);
  std::string_view status = StatusName(c.status);
  for (const Acknowledgement& a : acks) {
    if (a.program == item.program->id && a.commitment == c.id && a.due == due &&
        a.status == status) {
      return &a;
    }
  }
  return nullptr;
}

namespace {

boost::json::object StatusObject(const StatusReport& report, const DeliveryReport& problems,
                                 const date::time_zone* zone) {
  boost::json::object o;
  o["at"] = FormatRfc3339(report.at, zone);
  o["overdue"] = ItemsJson(report.overdue, problems.acknowledged, zone);
  o["due_soon"] = ItemsJson(report.due_soon, problems.acknowledged, zone);
  o["later"] = ItemsJson(report.later, problems.acknowledged, zone);
  o["fulfilled"] = ItemsJson(report.fulfilled, problems.acknowledged, zone);
  boost::json::object d;
  d["sent"] = problems.sent;
  d["pending"] = problems.pending;
  d["failing"] = EntriesJson(problems.failing, zone);
  d["given_up"] = EntriesJson(problems.given_up, zone);
  boost::json::array gone;
  for (const GoneWebhook& g : problems.gone) {
    gone.push_back(boost::json::object{
        {"name", g.webhook}, {"since", FormatRfc3339(g.at, zone)}, {"detail", g.detail}});
  }
  d["webhooks_disabled"] = std::move(gone);
  o["deliveries"] = std::move(d);
  return o;
}

}  // namespace

std::string StatusJson(const StatusReport& report, const DeliveryReport& problems,
                       const date::time_zone* zone) {
  return boost::json::serialize(StatusObject(report, problems, zone)) + "\n";
}

std::string StatusPageJson(const StatusReport& report, const DeliveryReport& problems,
                           const date::time_zone* zone, size_t offset, size_t limit,
                           const std::function<std::string(size_t offset)>& next_cursor) {
  StatusReport page;
  page.at = report.at;
  size_t total = 0, end = offset + std::min(limit, SIZE_MAX - offset);
  for (auto [from, to] :
       {std::pair{&report.overdue, &page.overdue}, std::pair{&report.due_soon, &page.due_soon},
        std::pair{&report.later, &page.later}, std::pair{&report.fulfilled, &page.fulfilled}}) {
    // This list holds the items [total, total + size) of the whole.
    size_t first = std::clamp(offset, total, total + from->size()) - total;
    size_t last = std::clamp(end, total, total + from->size()) - total;
    to->assign(from->begin() + static_cast<long>(first), from->begin() + static_cast<long>(last));
    total += from->size();
  }
  boost::json::object o = StatusObject(page, problems, zone);
  boost::json::object p;
  p["offset"] = offset;
  p["limit"] = limit;
  p["total"] = total;
  if (end < total) {
    p["next"] = next_cursor(end);
  } else {
    p["next"] = nullptr;
  }
  o["page"] = std::move(p);
  return boost::json::serialize(o) + "\n";
}

}  // namespace plazo
