#include "notifiers/render.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "base/text.h"
#include "config/file_text.h"
#include "config/time_text.h"
#include "notifiers/builtin_templates.h"

namespace plazo {
namespace {

// What each phrase of phrases.txt may use. The keys of a language's
// phrases.txt are exactly these.
struct PhraseSpec {
  std::string_view key;
  std::vector<std::string_view> names;
};

const std::vector<PhraseSpec>& PhraseSpecs() {
  static const std::vector<PhraseSpec> specs = [] {
    const std::vector<std::string_view> headline = {"count", "days", "time"};
    return std::vector<PhraseSpec>{
        {"headline.reminder.one", headline},
        {"headline.reminder.many", headline},
        {"headline.reminder.mixed", headline},
        {"headline.due.one", headline},
        {"headline.due.many", headline},
        {"headline.overdue.one", headline},
        {"headline.overdue.many", headline},
        {"headline.overdue.mixed", headline},
        {"headline.escalation.one", headline},
        {"headline.escalation.many", headline},
        {"headline.escalation.mixed", headline},
        {"headline.test", {}},
        {"headline.more", {"headline", "count"}},
        {"programs.many", {"count"}},
        {"programs.none", {}},
        {"days.one", {"n"}},
        {"days.many", {"n"}},
        {"hours.one", {"n"}},
        {"hours.many", {"n"}},
        {"minutes.one", {"n"}},
        {"minutes.many", {"n"}},
        {"when.left", {"days"}},
        {"when.today", {"time"}},
        {"when.late", {"days"}},
        {"when.sent_late", {"when"}},
        {"commitment", {"number", "part"}},
        {"commitment.part", {"number", "part"}},
        {"status.pendiente", {}},
        {"status.en_evaluacion", {}},
        {"status.parcialmente_cumplido", {}},
        {"status.no_cumplido", {}},
        {"status.cumplido", {}},
        {"date", {"day", "month", "year"}},
        {"date_time", {"date", "time"}},
        {"rescheduled", {"date"}},
        {"acknowledged.line", {"commitment", "program", "by", "date"}},
        {"acknowledged.comment", {"comment"}},
        {"months", {}},
        {"intro.reminder.one", {"count"}},
        {"intro.reminder.many", {"count"}},
        {"intro.due.one", {"count"}},
        {"intro.due.many", {"count"}},
        {"intro.overdue.one", {"count"}},
        {"intro.overdue.many", {"count"}},
        {"intro.escalation.one", {"count"}},
        {"intro.escalation.many", {"count"}},
        {"intro.escalation.copied", {}},
        {"intro.escalation_contact.one", {"count"}},
        {"intro.escalation_contact.many", {"count"}},
        {"intro.rest.one", {"count"}},
        {"intro.rest.many", {"count"}},
        {"intro.test", {"count"}},
        {"chat.due", {"when", "due", "rescheduled"}},
        {"chat.text", {"text"}},
        {"chat.verification", {"verification"}},
        {"chat.more.one", {"count"}},
        {"chat.more.many", {"count"}},
        {"chat.program", {}},
        {"chat.acknowledged", {"commitment", "program", "by"}},
    };
  }();
  return specs;
}

// Phrases of earlier versions that an admin's phrases.txt may still set,
// each standing for the phrases that replaced it, so that an upgrade does
// not stop a daemon on an admin's old file (issue 16 split the intro by
// number and by the recipient's role).
struct RenamedPhrase {
  std::string_view old_key;
  std::vector<std::string_view> keys;
};

const RenamedPhrase* FindRenamedPhrase(std::string_view key) {
  static const std::vector<RenamedPhrase> renamed = {
      {"intro.reminder", {"intro.reminder.one", "intro.reminder.many"}},
      {"intro.due", {"intro.due.one", "intro.due.many"}},
      {"intro.overdue", {"intro.overdue.one", "intro.overdue.many"}},
      // It was the sentence escalation contacts got (owners got it too).
      {"intro.escalation", {"intro.escalation_contact.one", "intro.escalation_contact.many"}},
  };
  for (const RenamedPhrase& r : renamed) {
    if (r.old_key == key) return &r;
  }
  return nullptr;
}

const PhraseSpec* FindPhraseSpec(std::string_view key) {
  for (const PhraseSpec& s : PhraseSpecs()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

const TemplateNames& MessageNames() {
  static const TemplateNames names = {
      {"headline", "programs", "intro", "subject", "count", "kind", "destination", "date",
       "calendar_url", "acknowledged"},
      {"program", "program_id", "ministry", "service", "commitment", "number", "part", "text",
       "verification", "status", "due", "due_iso", "rescheduled", "when", "days_left", "stage",
       "kind", "ack_url"}};
  return names;
}

const TemplateNames& SubjectNames() {
  static const TemplateNames names = {
      {"headline", "programs", "intro", "count", "kind", "destination", "date"}, {}};
  return names;
}

// What is trimmed off the ends of a line: blanks, and the CR of a file with
// CRLF line ends.
constexpr std::string_view kLineBlanks = " \t\r";

// One line: every control character (CR and LF included) becomes a space.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : Trim(text, kLineBlanks)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The local day of t in zone; UTC without one.
Days DayIn(Instant t, const date::time_zone* zone) {
  return zone != nullptr ? LocalDate(t, zone) : Days(date::floor<date::days>(t).time_since_epoch());
}

// "15:00": the local time of t in zone (UTC without one), to the minute.
std::string TimeIn(Instant t, const date::time_zone* zone) {
  return zone != nullptr ? FormatRfc3339(t, zone).substr(11, 5)
                         : date::format("%H:%M", date::floor<std::chrono::minutes>(t));
}

// A file of a language's templates: the admin's copy under folder when it
// exists, else the built-in one. Sets *name to the file name for messages.
bool ReadTemplateFile(const std::string& folder, const std::string& relative, std::string* text,
                      std::string* name, bool* from_folder, Diagnostics* diags) {
  *from_folder = false;
  if (!folder.empty()) {
    std::string path = folder + "/" + relative;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      FileText file = ReadFileText(path);
      if (!file.error.empty()) {
        diags->Add(path, 0, 0, file.error);
        return false;
      }
      *text = std::move(file.text);
      *name = path;
      *from_folder = true;
      return true;
    }
  }
  *text = std::string(BuiltinTemplate(relative));
  *name = "<built-in>/" + relative;
  return true;
}

}  // namespace

bool EmailRenderer::IsLanguage(std::string_view language) {
  return language == "es" || language == "en";
}

EmailRenderer EmailRenderer::Builtin(std::string_view language) {
  EmailRenderer r;
  Diagnostics diags;
  if (!Load("", language, &r, &diags)) {
    // The built-ins are part of the program and checked by the tests: a
    // failure here is a broken build, not bad input.
    std::fprintf(stderr, "plazod: broken built-in templates:\n%s", diags.ToString().c_str());
    std::abort();
  }
  return r;
}

bool EmailRenderer::Load(const std::string& folder, std::string_view language, EmailRenderer* out,
                         Diagnostics* diags) {
  const std::string lang(IsLanguage(language) ? language : "es");
  Diagnostics local;
  if (!folder.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(folder + "/" + lang, ec)) {
      local.Add(folder, 0, 0, "no '" + lang + "' folder of templates in this folder");
      diags->Merge(local);
      return false;
    }
  }
  EmailRenderer r;
  struct File {
    std::string_view name;
    const TemplateNames& names;
    Template* target;
  };
  const File files[] = {{"subject.txt", SubjectNames(), &r.subject_},
                        {"body.txt", MessageNames(), &r.body_text_},
                        {"body.html", MessageNames(), &r.body_html_}};
  for (const File& f : files) {
    std::string text, name;
    bool from_folder = false;
    if (!ReadTemplateFile(folder, lang + "/" + std::string(f.name), &text, &name, &from_folder,
                          &local)) {
      continue;
    }
    // A template that does not parse leaves its diagnostics in local.
    (void)Template::Parse(text, name, f.names, f.target, &local);
  }

  // Phrases: the built-in file, then the admin's phrases over it.
  std::map<std::string, SourcePos, std::less<>> where;
  auto parse_phrases = [&](std::string_view text, const std::string& name) {
    std::set<std::string, std::less<>> seen;
    int line_no = 0;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      ++line_no;
      start = end + 1;
      std::string_view content = Trim(line, kLineBlanks);
      if (content.empty() || content.front() == '#') continue;
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) {
        local.Add(name, line_no, 1, "expected 'key = text'");
        continue;
      }
      std::string_view key = Trim(line.substr(0, eq), kLineBlanks);
      std::vector<std::string_view> targets = {key};
      if (const RenamedPhrase* renamed = FindRenamedPhrase(key)) {
        targets = renamed->keys;
        local.Warn(SourcePos{name, line_no, 1},
                   "phrase '" + std::string(key) + "' is from an earlier plazo; it now sets '" +
                       std::string(targets[0]) + "' and '" + std::string(targets[1]) +
                       "': write those instead");
      }
      const PhraseSpec* spec = FindPhraseSpec(targets[0]);
      if (spec == nullptr) {
        std::vector<std::string_view> keys;
        for (const PhraseSpec& s : PhraseSpecs()) keys.push_back(s.key);
        local.Add(name, line_no, 1,
                  "unknown phrase '" + std::string(key) + "'" + DidYouMean(key, keys));
        continue;
      }
      if (!seen.insert(std::string(key)).second) {
        local.Add(name, line_no, 1, "phrase '" + std::string(key) + "' is given twice");
        continue;
      }
      size_t value_at = eq + 1;
      while (value_at < line.size() && (line[value_at] == ' ' || line[value_at] == '\t')) {
        ++value_at;
      }
      std::string_view value = Trim(line.substr(value_at), kLineBlanks);
      Diagnostics phrase_diags;
      Template t;
      if (!Template::Parse(value, name, {spec->names, {}}, &t, &phrase_diags)) {
        // Positions are relative to the value: move them into the file.
        for (const Diagnostic& d : phrase_diags.list()) {
          local.Add(name, line_no, static_cast<int>(value_at) + d.pos.column, d.message);
        }
        continue;
      }
      for (std::string_view target : targets) {
        r.phrases_[std::string(target)] = t;
        where[std::string(target)] = SourcePos{name, line_no, static_cast<int>(value_at) + 1};
      }
    }
  };
  std::string builtin_name = "<built-in>/" + lang + "/phrases.txt";
  parse_phrases(BuiltinTemplate(lang + "/phrases.txt"), builtin_name);
  for (const PhraseSpec& s : PhraseSpecs()) {
    if (r.phrases_.count(s.key) == 0) {
      local.Add(builtin_name, 0, 0, "missing phrase '" + std::string(s.key) + "'");
    }
  }
  if (!folder.empty()) {
    std::string text, name;
    bool from_folder = false;
    if (ReadTemplateFile(folder, lang + "/phrases.txt", &text, &name, &from_folder, &local) &&
        from_folder) {
      parse_phrases(text, name);
    }
  }
  if (auto it = r.phrases_.find("months"); it != r.phrases_.end()) {
    std::string months = it->second.Expand({});
    size_t i = 0;
    while (i < months.size()) {
      size_t j = months.find_first_of(" \t", i);
      if (j == std::string::npos) j = months.size();
      if (j > i) r.months_.push_back(months.substr(i, j - i));
      i = j + 1;
    }
    if (r.months_.size() != 12) {
      local.Add(where["months"], "'months' must list the twelve month names, found " +
                                     std::to_string(r.months_.size()));
    }
  }
  // Warnings (an old phrase name) go to diags whether or not the load fails.
  bool ok = local.empty();
  diags->Merge(local);
  if (!ok) return false;
  *out = std::move(r);
  return true;
}

std::string EmailRenderer::Phrase(std::string_view key, const TemplateValues& values) const {
  auto it = phrases_.find(key);
  return it == phrases_.end() ? std::string() : it->second.Expand(values);
}

std::string EmailRenderer::DaysText(int days) const {
  return Phrase(days == 1 ? "days.one" : "days.many", {{"n", std::to_string(days)}});
}

std::string EmailRenderer::DateText(Days day) const {
  date::year_month_day ymd{day};
  unsigned month = static_cast<unsigned>(ymd.month());
  return Phrase("date", {{"day", std::to_string(static_cast<unsigned>(ymd.day()))},
                         {"month", month >= 1 && month <= months_.size() ? months_[month - 1] : ""},
                         {"year", std::to_string(static_cast<int>(ymd.year()))}});
}

std::string EmailRenderer::SpanText(Duration d) const {
  using std::chrono::hours;
  using std::chrono::minutes;
  if (d < hours(1)) {
    int n = std::max(1, static_cast<int>(date::floor<minutes>(d).count()));
    return Phrase(n == 1 ? "minutes.one" : "minutes.many", {{"n", std::to_string(n)}});
  }
  if (d < hours(24)) {
    int n = static_cast<int>(date::floor<hours>(d).count());
    return Phrase(n == 1 ? "hours.one" : "hours.many", {{"n", std::to_string(n)}});
  }
  return DaysText(static_cast<int>(date::floor<date::days>(d).count()));
}

EmailRenderer::Standing EmailRenderer::StandingOf(const PlannedItem& item, Instant at,
                                                  const date::time_zone* zone) const {
  const Due& due = item.commitment->due;
  if (item.schedule != nullptr && item.schedule->zone != nullptr) zone = item.schedule->zone;
  Standing s;
  if (!due.instant) {
    // A date due ends with its day: whole days, and "today" on the day.
    int d = item.days_left;
    s.state = d > 0 ? Standing::kLeft : d == 0 ? Standing::kToday : Standing::kLate;
    s.magnitude = date::days(d < 0 ? -d : d);
    if (d != 0) s.span = DaysText(d < 0 ? -d : d);
    return s;
  }
  s.time = TimeIn(*due.instant, zone);
  Duration left = *due.instant - at;
  // The due stage is sent at the due instant itself: it is "due today at
  // 15:00", not "1 minute overdue", unless the daemon was down then.
  bool on_time_due = item.stage.kind == StageKind::kDue && !item.late;
  if (on_time_due || (left > Duration::zero() && DayIn(*due.instant, zone) == DayIn(at, zone))) {
    s.state = Standing::kToday;
  } else if (left > Duration::zero()) {
    s.state = Standing::kLeft;
    s.magnitude = left;
    s.span = SpanText(left);
  } else {
    s.state = Standing::kLate;
    s.magnitude = -left;
    s.span = SpanText(-left);
  }
  return s;
}

EmailRenderer::Lead EmailRenderer::LeadOf(const Notification& n, const date::time_zone* zone) const {
  Lead lead;
  bool escalation = std::any_of(n.items.begin(), n.items.end(), [](const PlannedItem& i) {
    return i.stage.kind == StageKind::kEscalation;
  });
  std::vector<Standing> standings;
  for (const PlannedItem& i : n.items) standings.push_back(StandingOf(i, n.at, zone));
  // An escalation leads whatever its standing; otherwise the most urgent
  // standing does: late, then due today, then due later.
  Standing::State top = Standing::kLeft;
  for (const Standing& s : standings) top = std::max(top, s.state);
  for (size_t k = 0; k < n.items.size(); ++k) {
    bool in = escalation ? n.items[k].stage.kind == StageKind::kEscalation
                         : standings[k].state == top;
    if (in) lead.items.push_back(k);
  }
  lead.key = escalation              ? "escalation"
             : top == Standing::kLate  ? "overdue"
             : top == Standing::kToday ? "due"
                                       : "reminder";
  lead.standings = std::move(standings);
  return lead;
}

std::string EmailRenderer::Headline(const Notification& n, const Lead& lead) const {
  if (n.items.empty()) return Phrase("headline.test");
  // The lead is named; the rest are counted as "and N more".
  const Standing* longest = nullptr;
  bool same_span = true, same_time = true;
  for (size_t k : lead.items) {
    const Standing& s = lead.standings[k];
    if (longest != nullptr) {
      same_span = same_span && s.span == longest->span;
      same_time = same_time && s.time == lead.standings[lead.items[0]].time;
    }
    if (longest == nullptr || s.magnitude > longest->magnitude) longest = &s;
  }
  size_t count = lead.items.size();
  std::string key = "headline." + lead.key;
  if (count == 1) {
    key += ".one";
  } else if (same_span || lead.key == "due") {
    key += ".many";
  } else {
    key += ".mixed";
  }
  std::string headline =
      Phrase(key, {{"count", std::to_string(count)},
                   {"days", longest->span},
                   {"time", same_time ? lead.standings[lead.items[0]].time : std::string()}});
  size_t rest = n.items.size() - count;
  if (rest > 0) {
    headline = Phrase("headline.more", {{"headline", headline}, {"count", std::to_string(rest)}});
  }
  return headline;
}

std::string EmailRenderer::Intro(const Notification& n, const Lead& lead) const {
  if (n.items.empty()) return Phrase("intro.test", {{"count", "0"}});
  auto counted = [&](const std::string& key, size_t count) {
    return Phrase(key + (count == 1 ? ".one" : ".many"), {{"count", std::to_string(count)}});
  };
  std::vector<std::string> sentences;
  if (lead.key == "escalation") {
    // The owners are told to act; the escalation contacts, why they are told.
    size_t contacts = 0;
    bool copied = false;
    for (size_t k : lead.items) {
      const PlannedItem& i = n.items[k];
      if (i.escalation_contact) {
        ++contacts;
      } else if (i.schedule != nullptr && !i.schedule->escalate_to.empty()) {
        copied = true;
      }
    }
    size_t owned = lead.items.size() - contacts;
    if (owned > 0) sentences.push_back(counted("intro.escalation", owned));
    if (copied) sentences.push_back(Phrase("intro.escalation.copied"));
    if (contacts > 0) sentences.push_back(counted("intro.escalation_contact", contacts));
  } else {
    sentences.push_back(counted("intro." + lead.key, lead.items.size()));
  }
  if (size_t rest = n.items.size() - lead.items.size(); rest > 0) {
    sentences.push_back(counted("intro.rest", rest));
  }
  std::string intro;
  for (const std::string& s : sentences) {
    if (s.empty()) continue;
    if (!intro.empty()) intro += ' ';
    intro += s;
  }
  return intro;
}

std::string EmailRenderer::CommitmentName(const Program& p, const Commitment& c) const {
  return Phrase(NamesPart(p, c) ? "commitment.part" : "commitment",
                {{"number", std::to_string(c.number)}, {"part", std::to_string(c.part)}});
}

std::string EmailRenderer::ProgramsText(const Notification& n) const {
  std::vector<const Program*> programs;
  for (const PlannedItem& i : n.items) {
    if (std::find(programs.begin(), programs.end(), i.program) == programs.end()) {
      programs.push_back(i.program);
    }
  }
  if (programs.empty()) return Phrase("programs.none");
  if (programs.size() == 1) return programs[0]->name.empty() ? programs[0]->id : programs[0]->name;
  return Phrase("programs.many", {{"count", std::to_string(programs.size())}});
}

TemplateValues EmailRenderer::ItemValues(const PlannedItem& item, const Standing& standing) const {
  const Program& p = *item.program;
  const Commitment& c = *item.commitment;
  TemplateValues v;
  v["program"] = p.name.empty() ? p.id : p.name;
  v["program_id"] = p.id;
  v["ministry"] = p.ministry;
  v["service"] = p.service;
  v["number"] = std::to_string(c.number);
  v["part"] = std::to_string(c.part);
  v["commitment"] = CommitmentName(p, c);
  v["text"] = c.text;
  v["verification"] = c.verification;
  v["status"] = Phrase("status." + std::string(StatusName(c.status)));
  v["due"] = standing.time.empty()
                 ? DateText(c.due.date)
                 : Phrase("date_time", {{"date", DateText(c.due.date)}, {"time", standing.time}});
  v["due_iso"] = FormatIsoDate(c.due.date);
  // After the due date, in its parentheses: the due date it had before the
  // last rescheduling (`plazod import --update`), or nothing.
  v["rescheduled"] = c.previous_due.empty()
                         ? std::string()
                         : Phrase("rescheduled", {{"date", DateText(c.previous_due.back())}});
  std::string when;
  switch (standing.state) {
    case Standing::kLeft: when = Phrase("when.left", {{"days", standing.span}}); break;
    case Standing::kToday: when = Phrase("when.today", {{"time", standing.time}}); break;
    case Standing::kLate: when = Phrase("when.late", {{"days", standing.span}}); break;
  }
  if (item.late) when = Phrase("when.sent_late", {{"when", when}});
  v["when"] = std::move(when);
  v["days_left"] = std::to_string(item.days_left);
  v["stage"] = item.stage_name;
  v["kind"] = std::string(KindName(item.stage.kind));
  return v;
}

RenderedEmail EmailRenderer::Render(const Notification& n, const date::time_zone* zone,
                                    const MessageLinks& links) const {
  std::string kind = "test";
  if (!n.items.empty()) {
    StageKind top = StageKind::kBefore;
    for (const PlannedItem& i : n.items) top = std::max(top, i.stage.kind);
    kind = KindName(top);
  }
  std::string count = std::to_string(n.items.size());
  TemplateValues top;
  Lead lead = LeadOf(n, zone);
  top["headline"] = Headline(n, lead);
  top["programs"] = ProgramsText(n);
  top["intro"] = Intro(n, lead);
  top["count"] = count;
  top["kind"] = kind;
  top["destination"] = n.destination;
  top["date"] = DateText(DayIn(n.at, zone));
  top["calendar_url"] = links.calendar;
  // News for an escalation contact, one line per part.
  for (const AcknowledgedPart& a : n.acknowledged) {
    const Program& p = *a.program;
    const Commitment& c = *a.commitment;
    std::string line =
        Phrase("acknowledged.line",
               {{"commitment", CommitmentName(p, c)},
                {"program", p.name.empty() ? p.id : p.name},
                {"by", a.by},
                {"date", DateText(DayIn(a.at, zone))}});
    // Phrase values are trimmed, so the space between the two is ours.
    if (!a.comment.empty())
      line += " " + Phrase("acknowledged.comment", {{"comment", OneLine(a.comment)}});
    top["acknowledged"] += "- " + line + "\n";
  }

  RenderedEmail r;
  r.subject = OneLine(subject_.Expand(top));
  top["subject"] = r.subject;
  std::vector<TemplateValues> items;
  items.reserve(n.items.size());
  for (size_t k = 0; k < n.items.size(); ++k) {
    items.push_back(ItemValues(n.items[k], lead.standings[k]));
    items.back()["ack_url"] = k < links.ack.size() ? links.ack[k] : std::string();
  }
  r.text = body_text_.Expand(top, items, false);
  r.html = body_html_.Expand(top, items, true);
  return r;
}

ChatMessage EmailRenderer::RenderChat(const Notification& n) const {
  ChatMessage m;
  Lead lead = LeadOf(n, nullptr);
  m.title = OneLine(Headline(n, lead) + " — " + ProgramsText(n));
  for (size_t k = 0; k < n.items.size(); ++k) {
    const PlannedItem& i = n.items[k];
    TemplateValues v = ItemValues(i, lead.standings[k]);
    ChatItem item;
    item.title = OneLine(v["commitment"] + " · " + v["program"]);
    item.lines.push_back(OneLine(Phrase(
        "chat.due", {{"when", v["when"]}, {"due", v["due"]}, {"rescheduled", v["rescheduled"]}})));
    if (!v["text"].empty()) item.lines.push_back(OneLine(Phrase("chat.text", {{"text", v["text"]}})));
    if (!v["verification"].empty()) {
      item.lines.push_back(
          OneLine(Phrase("chat.verification", {{"verification", v["verification"]}})));
    }
    item.urgent = i.stage.kind == StageKind::kOverdue || i.stage.kind == StageKind::kEscalation;
    m.items.push_back(std::move(item));
  }
  m.link_label = Phrase("chat.program");
  m.more = [this](int hidden) {
    return Phrase(hidden == 1 ? "chat.more.one" : "chat.more.many",
                  {{"count", std::to_string(hidden)}});
  };
  return m;
}

ChatMessage EmailRenderer::RenderAcknowledgedChat(const Program& p, const Commitment& c,
                                                  const std::string& by,
                                                  const std::string& comment) const {
  ChatMessage m;
  m.title = OneLine(Phrase("chat.acknowledged", {{"commitment", CommitmentName(p, c)},
                                                 {"program", p.name.empty() ? p.id : p.name},
                                                 {"by", by}}));
  if (!comment.empty()) {
    ChatItem item;
    item.title = OneLine(CommitmentName(p, c) + " · " + (p.name.empty() ? p.id : p.name));
    item.lines.push_back(Phrase("acknowledged.comment", {{"comment", OneLine(comment)}}));
    m.items.push_back(std::move(item));
  }
  m.link_label = Phrase("chat.program");
  return m;
}

}  // namespace plazo
