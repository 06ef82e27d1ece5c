#include "import/store_writer.h"

#include <cstdio>

#include <date/date.h>

#include "base/utf8.h"
#include "config/store.h"
#include "config/time_text.h"

namespace plazo {
namespace {

void Key(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += " = ";
  out += value;
  out += '\n';
}

}  // namespace

std::string TomlStrings(const std::vector<std::string>& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += TomlString(list[i]);
  }
  return out + "]";
}

std::string TomlDate(Days date) { return FormatIsoDate(date); }

std::string TomlDue(const Due& due) {
  if (due.instant) return date::format("%FT%TZ", *due.instant);
  return TomlDate(due.date);
}

std::string TomlStatus(Status status) { return TomlString(StatusName(status)); }

std::string TomlDates(const std::vector<Days>& dates) {
  std::string out = "[";
  for (size_t i = 0; i < dates.size(); ++i) {
    if (i > 0) out += ", ";
    out += TomlDate(dates[i]);
  }
  return out + "]";
}

std::string TomlString(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\b': out += "\\b"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\f': out += "\\f"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      default: break;
    }
    if (u < 0x20 || u == 0x7F) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04X", u);
      out += escape;
      ++i;
      continue;
    }
    // Valid UTF-8 comes out as it went in; each invalid byte as U+FFFD.
    AppendUtf8(&out, NextCodePoint(text, &i));
  }
  return out + "\"";
}

std::string FormatCommitmentTable(const Commitment& c) {
  std::string out = "[[commitment]]\n";
  Key(out, "id", TomlString(CommitmentId(c.number, c.part)));
  Key(out, "number", std::to_string(c.number));
  Key(out, "part", std::to_string(c.part));
  Key(out, "recommendation", TomlString(c.recommendation));
  Key(out, "text", TomlString(c.text));
  Key(out, "verification", TomlString(c.verification));
  Key(out, "due", TomlDue(c.due));
  if (!c.previous_due.empty()) Key(out, "previous_due", TomlDates(c.previous_due));
  Key(out, "status", TomlStatus(c.status));
  if (c.status_date) Key(out, "status_date", TomlDate(*c.status_date));
  Key(out, "observation", TomlString(c.observation));
  Key(out, "evidence", TomlString(c.evidence));
  if (c.submitted) Key(out, "submitted", TomlDate(*c.submitted));
  if (!c.owners.empty()) Key(out, "owners", TomlStrings(c.owners));
  if (!c.schedule.empty()) Key(out, "schedule", TomlString(c.schedule));
  return out;
}

std::string FormatStoreFile(const Program& p, std::string_view comment) {
  std::string out;
  while (!comment.empty()) {
    size_t nl = comment.find('\n');
    std::string_view line = comment.substr(0, nl);
    out += '#';
    if (!line.empty()) out += ' ';
    // A comment runs to the end of its line and may hold no control
    // characters other than tab.
    for (char c : line) {
      unsigned char u = static_cast<unsigned char>(c);
      out += (u < 0x20 && c != '\t') || u == 0x7F ? ' ' : c;
    }
    out += '\n';
    if (nl == std::string_view::npos) break;
    comment.remove_prefix(nl + 1);
  }
  if (!out.empty()) out += '\n';

  out += "[program]\n";
  Key(out, "id", TomlString(p.id));
  Key(out, "name", TomlString(p.name));
  if (!p.ministry.empty()) Key(out, "ministry", TomlString(p.ministry));
  if (!p.service.empty()) Key(out, "service", TomlString(p.service));
  if (p.evaluation_year > 0) Key(out, "evaluation_year", std::to_string(p.evaluation_year));
  if (p.report_date) Key(out, "report_date", TomlDate(*p.report_date));
  if (p.rating) Key(out, "rating", TomlStatus(*p.rating));
  if (!p.observation.empty()) Key(out, "observation", TomlString(p.observation));
  if (!p.schedule.empty()) Key(out, "schedule", TomlString(p.schedule));
  Key(out, "owners", TomlStrings(p.owners));
  if (!p.webhooks.empty()) Key(out, "webhooks", TomlStrings(p.webhooks));

  for (const Commitment& c : p.commitments) {
    out += '\n';
    out += FormatCommitmentTable(c);
  }
  return out;
}

}  // namespace plazo
