// Rendering a notification as an e-mail digest (SPEC 5.2): subject, plain
// text and HTML, in Spanish (the default) or English, from templates an
// admin can read and change (templates/README.md).
//
// A language's templates are four files: subject.txt, body.txt, body.html
// and phrases.txt, the sentences chosen by case (singular or plural, how many
// days, which kind of alert), so that wording stays in files and out of the
// code. The files of the top-level templates/ folder are compiled in
// (builtin_templates.h); a templates folder given at load time replaces them
// file by file, and phrases.txt phrase by phrase.
#ifndef PLAZO_NOTIFIERS_RENDER_H_
#define PLAZO_NOTIFIERS_RENDER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "notifiers/chat_payload.h"
#include "notifiers/template.h"
#include "planner/planner.h"

namespace plazo {

// The texts of one e-mail, UTF-8, lines ending in '\n'.
struct RenderedEmail {
  std::string subject;  // one line: no CR, LF or other control characters
  std::string text;     // the text/plain part
  std::string html;     // the text/html part; every value in it HTML-escaped
};

// The signed links of one message (link_token.h), made by the composer when
// [http] public_url is set. Empty strings leave the links out: the
// templates show them inside {{#ack_url}} and {{#calendar_url}} blocks.
struct MessageLinks {
  std::vector<std::string> ack;  // per item of the notification, in order
  std::string calendar;          // the recipient's calendar subscription
};

// The templates of one language, ready to render. Immutable after loading,
// so one renderer may serve every delivery of a configuration.
class EmailRenderer {
 public:
  // The languages with built-in templates: "es" and "en".
  [[nodiscard]] static bool IsLanguage(std::string_view language);

  // The built-in templates of language ("es" or "en"; anything else gets
  // "es"). Cannot fail: the built-ins are checked by the test suite.
  static EmailRenderer Builtin(std::string_view language);

  // Loads language's templates from folder/<language>/: each of the four
  // files that exists there replaces the built-in one; in phrases.txt, each
  // phrase given replaces the built-in phrase. An empty folder means the
  // built-ins only. Every problem (an unreadable file, an unknown name or
  // phrase, a malformed line, a months phrase without twelve names) is
  // added to diags as file:line:col; returns true, and only then replaces
  // *out, when there was none.
  [[nodiscard]] static bool Load(const std::string& folder, std::string_view language, EmailRenderer* out,
                   Diagnostics* diags);

  // The digest for n. Items are shown in n's order: the planner puts overdue
  // and escalated items first, then orders by due date (planner.h), which is
  // the order SPEC 5.2 asks for, so rendering does not sort again. Dates
  // (the message's and due dates) are local to zone. A notification without
  // items renders as a test message (kind "test"). links gives each item
  // its "I have sent the evidence" link and the message its calendar link.
  RenderedEmail Render(const Notification& n, const date::time_zone* zone,
                       const MessageLinks& links = {}) const;

  // n for a team chat (chat_payload.h), in the e-mail's words: its headline
  // and programs as the title, and per item the e-mail's title, when, text
  // and what to submit (chat.* phrases). No intro: the e-mail's speaks to
  // the officer, a channel is read by the team. Sets neither thread nor link.
  ChatMessage RenderChat(const Notification& n) const;

  // The news that by acknowledged c of p (issue 14) for a team chat, with
  // the officer's comment, if any, as its one line.
  ChatMessage RenderAcknowledgedChat(const Program& p, const Commitment& c, const std::string& by,
                                     const std::string& comment) const;

 private:
  // Where an item stands at a message's instant: what its "when" says and
  // what the headline and intro count.
  struct Standing {
    // In rising urgency.
    enum State { kLeft, kToday, kLate } state = kLeft;
    std::string span;  // "7 días", "3 horas": to or since the due instant; empty today
    Duration magnitude{};  // the span's length, to find the longest
    std::string time;      // "15:00": the local time of a date-time due
  };

  // The items a message's headline and intro speak of (the rest are "N
  // more"): its escalations if it has any, else the items of its most urgent
  // standing; key names their phrases (reminder, due, overdue, escalation).
  struct Lead {
    std::string key;
    std::vector<size_t> items;        // indexes into the notification's items
    std::vector<Standing> standings;  // one per item of the notification
  };

  // The phrase called key expanded with values.
  std::string Phrase(std::string_view key, const TemplateValues& values = {}) const;
  // "7 días", "1 day".
  std::string DaysText(int days) const;
  // A length of time to or from a date-time due: minutes under an hour
  // (at least 1), hours under a day, else days, each rounded down.
  std::string SpanText(Duration d) const;
  // "31 de diciembre de 2026".
  std::string DateText(Days day) const;
  // item at instant at. A date due counts whole days (days_left); a
  // date-time due counts time to its instant in the schedule's zone (zone
  // when the item has no schedule, UTC when that is null too): due today
  // while on its local day and not yet past, and always when its due stage
  // goes out on time.
  Standing StandingOf(const PlannedItem& item, Instant at, const date::time_zone* zone) const;
  // Every item's standing at n's instant, computed once per message, and
  // its lead.
  Lead LeadOf(const Notification& n, const date::time_zone* zone) const;
  // The headline of n, whose lead is lead (headline.* phrases).
  std::string Headline(const Notification& n, const Lead& lead) const;
  // The opening sentences of n for its recipient (intro.* phrases): owners
  // are asked to act, escalation contacts told why they receive it, and a
  // message with more than its lead says so.
  std::string Intro(const Notification& n, const Lead& lead) const;
  // The values of item, whose standing is standing, for {{#items}}.
  TemplateValues ItemValues(const PlannedItem& item, const Standing& standing) const;
  // "Compromiso 4, parte 1" or "Compromiso 4".
  std::string CommitmentName(const Program& p, const Commitment& c) const;
  // The programs of n: one's name, "3 programas" or "sin compromisos".
  std::string ProgramsText(const Notification& n) const;

  Template subject_;
  Template body_text_;
  Template body_html_;
  std::map<std::string, Template, std::less<>> phrases_;
  std::vector<std::string> months_;  // twelve names, January first
};

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_RENDER_H_
