// The iCalendar feed of open deadlines (`plazod calendar`, SPEC 4): what an
// officer subscribes to or imports so that every due date of theirs sits in
// the calendar they already use, with alarms on the days plazo reminds them.
//
// Each open commitment part is one VEVENT. A part due on a date is an
// all-day event (DTSTART;VALUE=DATE on the due day, DTEND;VALUE=DATE the day
// after); a part due at a date-time is an event at that instant, in UTC,
// without DTEND. VEVENT rather than VTODO because an all-day event shows up
// everywhere: Google Calendar and Outlook ignore VTODO in imported and
// subscribed files, and Apple Calendar routes VTODO to Reminders only over
// CalDAV, so VTODO deadlines would silently vanish for most officers.
//
// Every event carries one VALARM per `before` offset of its schedule
// (Config::ScheduleFor), at the local day and time at which the daemon sends
// that reminder (planner/stages.h: send_at, moved to the previous workday),
// written as a TRIGGER relative to the event's start: "-P29DT15H" is 09:00
// thirty days before an all-day event's midnight. Relative triggers are the
// form every importer reads; absolute ones are not. Two offsets that the
// schedule lands on the same instant give one alarm, as they give one email.
#ifndef PLAZO_NOTIFIERS_CALENDAR_H_
#define PLAZO_NOTIFIERS_CALENDAR_H_

#include <string>
#include <string_view>

#include "config/model.h"

namespace plazo {

struct CalendarOptions {
  // Only the parts whose owners (Config::OwnersFor: the part's, else the
  // program's) include this address, compared without regard to ASCII case.
  // Empty: every open part.
  std::string owner;
  // The DTSTAMP of every event: the instant the calendar is produced. Passed
  // in rather than read from the clock so the output is a function of its
  // inputs; only this line changes between two runs on the same store.
  Instant stamp;
};

// The RFC 5545 calendar (METHOD:PUBLISH) of config's open parts
// (Commitment::IsOpen) that pass options.owner, sorted by due date, then
// program id, number and part; in the settings' language (es, or en).
// SUMMARY names the part and its program ("Vence compromiso 8 (parte 2):
// Programa de Intermediación Laboral"); DESCRIPTION holds the program and
// service, the commitment's text, what must be submitted (verification), the
// due date and the current rating. UIDs are stable across runs and
// machines: "<program>-<commitment>-<due>@plazo", due as in DTSTART, so a
// rescheduled part becomes a new event rather than an edit that a client
// caching by UID and SEQUENCE might ignore. Lines end in CRLF and are
// folded at 75 octets without splitting UTF-8 (ical_text.h). A calendar with
// no part left has no component, which calendar software reads as empty.
// Never fails: a loaded Config holds nothing that cannot be written.
std::string RenderCalendar(const Config& config, const CalendarOptions& options);

// The owner filter of CalendarOptions: whether owner is one of part c's
// owners in program p (Config::OwnersFor), ignoring ASCII case, as e-mail
// domains are case-insensitive and stores are typed by hand. An empty owner
// matches every part.
[[nodiscard]] bool OwnedBy(const Config& config, const Program& p, const Commitment& c, std::string_view owner);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_CALENDAR_H_
