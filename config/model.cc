#include "config/model.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "base/hash.h"
#include "config/time_text.h"

namespace plazo {
namespace {

constexpr std::array<std::string_view, 5> kStatusNames = {
    "pendiente", "en_evaluacion", "parcialmente_cumplido", "no_cumplido",
    "cumplido"};

}  // namespace

std::string_view WebhookFormatName(WebhookFormat format) {
  return WebhookFormatNames()[static_cast<size_t>(format)];
}

std::optional<WebhookFormat> WebhookFormatNamed(std::string_view name) {
  const std::vector<std::string_view>& names = WebhookFormatNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<WebhookFormat>(i);
  }
  return std::nullopt;
}

const std::vector<std::string_view>& WebhookFormatNames() {
  static const std::vector<std::string_view> names = {"json", "slack", "mattermost", "teams",
                                                      "googlechat"};
  return names;
}

std::string WebhookFingerprint(const Webhook& hook) {
  uint64_t h = Fnv1a(hook.url);
  h = Fnv1a(WebhookFormatName(hook.format), Fnv1a("\n", h));
  for (const std::string& f : hook.secret_files) h = Fnv1a(f, Fnv1a("\nfile:", h));
  h = Fnv1a(hook.secret_env, Fnv1a("\nenv:", h));
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

std::string_view StatusName(Status s) {
  return kStatusNames[static_cast<size_t>(s)];
}

std::optional<Status> ParseStatus(std::string_view name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<Status>(i);
  }
  return std::nullopt;
}

const std::vector<std::string_view>& StatusNames() {
  static const std::vector<std::string_view> names(kStatusNames.begin(),
                                                   kStatusNames.end());
  return names;
}

bool Schedule::IsWorkday(Days d) const {
  // weekday::iso_encoding: Monday = 1 ... Sunday = 7.
  unsigned iso = date::weekday(d).iso_encoding();
  if ((workdays & (1u << (iso - 1))) == 0) return false;
  return holidays.count(d) == 0;
}

const Schedule* Settings::FindSchedule(std::string_view name) const {
  auto it = schedules.find(name);
  return it == schedules.end() ? nullptr : &it->second;
}

size_t Store::CommitmentCount() const {
  size_t n = 0;
  for (const Program& p : programs) n += p.commitments.size();
  return n;
}

size_t Store::OpenCount() const {
  size_t n = 0;
  for (const Program& p : programs)
    for (const Commitment& c : p.commitments) n += c.IsOpen() ? 1 : 0;
  return n;
}

SourcePos PosOf(const Program& p, const Commitment& c) {
  return SourcePos{p.pos.file, c.line, c.column};
}

const Schedule& Config::ScheduleFor(const Program& p,
                                    const Commitment& c) const {
  std::string_view name = !c.schedule.empty()   ? c.schedule.view()
                          : !p.schedule.empty() ? p.schedule.view()
                                                : std::string_view(settings.default_schedule);
  return *settings.FindSchedule(name);
}

const std::vector<std::string>& Config::OwnersFor(const Program& p,
                                                  const Commitment& c) const {
  return c.owners.empty() ? p.owners : c.owners;
}

Instant DueInstant(const Due& due, const date::time_zone* zone) {
  if (due.instant) return *due.instant;
  return StartOfDay(due.date + date::days(1), zone);
}

int DaysLeft(const Due& due, Instant at, const date::time_zone* zone) {
  int days = static_cast<int>((due.date - LocalDate(at, zone)).count());
  if (due.instant && at > *due.instant) days = std::min(days, -1);
  return days;
}

std::optional<int> HoursLeft(const Due& due, Instant at) {
  if (!due.instant) return std::nullopt;
  return static_cast<int>(date::floor<std::chrono::hours>(*due.instant - at).count());
}

bool NamesPart(const Program& p, const Commitment& c) {
  return c.part > 1 ||
         std::any_of(p.commitments.begin(), p.commitments.end(),
                     [&](const Commitment& o) { return o.number == c.number && o.part != c.part; });
}

std::optional<Snooze> SnoozeOf(const Program& p, const Commitment& c) {
  if (!p.snooze.until && !c.snooze.until) return std::nullopt;
  if (!p.snooze.until) return c.snooze;
  if (!c.snooze.until) return p.snooze;
  return *c.snooze.until >= *p.snooze.until ? c.snooze : p.snooze;
}

}  // namespace plazo
