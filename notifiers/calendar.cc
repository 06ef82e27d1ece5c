#include "notifiers/calendar.h"

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <vector>

#include <date/tz.h>

#include "config/time_text.h"
#include "notifiers/ical_text.h"
#include "planner/stages.h"

namespace plazo {
namespace {

// The words of the calendar in one language. Kept here rather than in the
// message templates (render.h): a calendar needs only a handful of phrases.
struct Words {
  bool english = false;

  // "compromiso 8 (parte 2)" inside a sentence, "Compromiso 8 (parte 2)"
  // opening one. The part is named only when the commitment has others.
  std::string Part(const Program& p, const Commitment& c, bool capital = false) const {
    std::string s = english ? (capital ? "Commitment " : "commitment ")
                            : (capital ? "Compromiso " : "compromiso ");
    s += std::to_string(c.number);
    if (NamesPart(p, c)) s += (english ? " (part " : " (parte ") + std::to_string(c.part) + ")";
    return s;
  }

  std::string Summary(const Program& p, const Commitment& c) const {
    if (english) return Part(p, c, true) + " due: " + ProgramName(p);
    return "Vence " + Part(p, c) + ": " + ProgramName(p);
  }

  std::string Date(Days d) const {
    static constexpr const char* kMeses[] = {"enero",      "febrero", "marzo",     "abril",
                                             "mayo",       "junio",   "julio",     "agosto",
                                             "septiembre", "octubre", "noviembre", "diciembre"};
    static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                              "May",       "June",     "July",     "August",
                                              "September", "October",  "November", "December"};
    date::year_month_day ymd{d};
    unsigned month = static_cast<unsigned>(ymd.month()) - 1;
    std::string day = std::to_string(static_cast<unsigned>(ymd.day()));
    std::string year = std::to_string(static_cast<int>(ymd.year()));
    if (english) return std::string(kMonths[month]) + " " + day + ", " + year;
    return day + " de " + kMeses[month] + " de " + year;
  }

  // The due date, with the local time for a date-time due.
  std::string Due(const Commitment& c, const Schedule& s) const {
    std::string text = Date(c.due.date);
    if (c.due.instant) {
      auto local = s.zone->to_local(*c.due.instant);
      date::hh_mm_ss<Duration> time{local - date::floor<date::days>(local)};
      char hhmm[8];
      std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", static_cast<int>(time.hours().count()),
                    static_cast<int>(time.minutes().count()));
      text += (english ? ", " : " a las ") + std::string(hhmm) + " (" + s.timezone + ")";
    }
    return text;
  }

  std::string Rating(Status status) const {
    switch (status) {
      case Status::kPendiente: return english ? "pending" : "pendiente";
      case Status::kEnEvaluacion: return english ? "under evaluation" : "en evaluación";
      case Status::kParcialmenteCumplido:
        return english ? "partially fulfilled" : "parcialmente cumplido";
      case Status::kNoCumplido: return english ? "not fulfilled" : "no cumplido";
      case Status::kCumplido: return english ? "fulfilled" : "cumplido";
    }
    return "";
  }

  std::string Description(const Program& p, const Commitment& c, const Schedule& s) const {
    std::string text = ProgramName(p);
    if (!p.service.empty()) text += " — " + p.service;
    text += "\n" + Part(p, c, true) + "\n";
    if (!c.text.empty()) text += "\n" + c.text + "\n";
    if (!c.verification.empty()) {
      text +=
          english ? "\nTo submit (means of verification): " : "\nMedios de verificación a enviar: ";
      text += c.verification + "\n";
    }
    text += english ? "\nDue: " : "\nVence: ";
    text += Due(c, s);
    text += english ? "\nCurrent rating: " : "\nCalificación actual: ";
    text += Rating(c.status);
    return text;
  }

  // What an alarm at instant at says: how far the due date is, then the part.
  std::string Alarm(const Program& p, const Commitment& c, const Schedule& s, Instant at) const {
    int days = static_cast<int>((c.due.date - LocalDate(at, s.zone)).count());
    std::string when;
    if (days <= 0) {
      when = english ? "due today" : "vence hoy";
    } else if (days == 1) {
      when = english ? "due tomorrow" : "vence mañana";
    } else {
      when = (english ? "due in " : "vence en ") + std::to_string(days) +
             (english ? " days" : " días");
    }
    return Part(p, c, true) + " " + when + " (" + Due(c, s) + "): " + ProgramName(p);
  }

  std::string CalendarName(const std::string& owner) const {
    std::string name = english ? "Commitment deadlines" : "Plazos de compromisos";
    if (!owner.empty()) name += " — " + owner;
    return name;
  }

  static std::string ProgramName(const Program& p) { return p.name.empty() ? p.id : p.name; }
};

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  auto lower = [](char ch) {
    return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
  };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

// Appends one content line, folded.
void Line(std::string* out, std::string_view name, std::string_view value) {
  std::string line;
  line.reserve(name.size() + 1 + value.size());
  line.append(name);
  line += ':';
  line.append(value);
  *out += FoldIcalLine(line);
}

void TextLine(std::string* out, std::string_view name, std::string_view text) {
  Line(out, name, EscapeIcalText(text));
}

// The alarm's offset from the event's start. An all-day event starts at the
// local midnight of its day, so the trigger is the local date and time of the
// reminder minus that midnight: wall-clock arithmetic, as calendar software
// applies a DURATION's days (RFC 5545 3.3.6: days are nominal).
Duration TriggerOffset(const Commitment& c, const Schedule& s, Instant at) {
  if (c.due.instant) return at - *c.due.instant;
  auto local = s.zone->to_local(at);
  return local - date::local_seconds(c.due.date);
}

void Event(std::string* out, const Config& config, const Program& p, const Commitment& c,
           const Words& words, const std::string& stamp) {
  const Schedule& s = config.ScheduleFor(p, c);
  std::string start = c.due.instant ? FormatIcalUtc(*c.due.instant) : FormatIcalDate(c.due.date);
  *out += "BEGIN:VEVENT\r\n";
  // One UID per part whatever its due date, so that a client replaces the
  // event when a newer report moves it; SEQUENCE counts those moves, the
  // revisions RFC 5545 3.8.7.4 asks a client to prefer.
  TextLine(out, "UID", p.id + "-" + c.id + "@plazo");
  Line(out, "SEQUENCE", std::to_string(c.previous_due.size()));
  Line(out, "DTSTAMP", stamp);
  if (c.due.instant) {
    Line(out, "DTSTART", start);
  } else {
    Line(out, "DTSTART;VALUE=DATE", start);
    Line(out, "DTEND;VALUE=DATE", FormatIcalDate(c.due.date + date::days(1)));
  }
  TextLine(out, "SUMMARY", words.Summary(p, c));
  TextLine(out, "DESCRIPTION", words.Description(p, c, s));
  // A deadline does not make anyone busy all day.
  Line(out, "TRANSP", "TRANSPARENT");
  Line(out, "STATUS", "CONFIRMED");
  // Like the daemon, the calendar reminds of nothing in a snooze.
  std::optional<Snooze> snooze = SnoozeOf(p, c);
  for (const StageTime& st : StagesFor(c, s)) {
    if (st.stage.kind != StageKind::kBefore) continue;
    if (snooze && st.at < StartOfDay(*snooze->until, s.zone)) continue;
    *out += "BEGIN:VALARM\r\n";
    Line(out, "ACTION", "DISPLAY");
    Line(out, "TRIGGER", FormatIcalDuration(TriggerOffset(c, s, st.at)));
    TextLine(out, "DESCRIPTION", words.Alarm(p, c, s, st.at));
    *out += "END:VALARM\r\n";
  }
  *out += "END:VEVENT\r\n";
}

}  // namespace

bool OwnedBy(const Config& config, const Program& p, const Commitment& c, std::string_view owner) {
  if (owner.empty()) return true;
  const std::vector<std::string>& owners = config.OwnersFor(p, c);
  return std::any_of(owners.begin(), owners.end(),
                     [&](const std::string& o) { return EqualsIgnoringAsciiCase(o, owner); });
}

std::string RenderCalendar(const Config& config, const CalendarOptions& options) {
  Words words{config.settings.language == "en"};
  std::vector<std::pair<const Program*, const Commitment*>> parts;
  for (const Program& p : config.store.programs) {
    for (const Commitment& c : p.commitments) {
      if (c.IsOpen() && OwnedBy(config, p, c, options.owner)) parts.emplace_back(&p, &c);
    }
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) {
    return std::forward_as_tuple(a.second->due.date, a.first->id, a.second->number,
                                 a.second->part) <
           std::forward_as_tuple(b.second->due.date, b.first->id, b.second->number, b.second->part);
  });

  std::string out;
  out += "BEGIN:VCALENDAR\r\n";
  Line(&out, "PRODID", words.english ? "-//plazo//plazod//EN" : "-//plazo//plazod//ES");
  Line(&out, "VERSION", "2.0");
  Line(&out, "CALSCALE", "GREGORIAN");
  Line(&out, "METHOD", "PUBLISH");
  TextLine(&out, "X-WR-CALNAME", words.CalendarName(options.owner));
  // How often a subscribed client should fetch the feed again (RFC 7986, and
  // the older name Outlook reads).
  Line(&out, "REFRESH-INTERVAL;VALUE=DURATION", "PT12H");
  Line(&out, "X-PUBLISHED-TTL", "PT12H");
  const std::string stamp = FormatIcalUtc(options.stamp);
  for (const auto& [program, commitment] : parts) {
    Event(&out, config, *program, *commitment, words, stamp);
  }
  out += "END:VCALENDAR\r\n";
  return out;
}

}  // namespace plazo
