#include "import/store_update.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include <toml++/toml.h>

#include "config/settings.h"
#include "config/store.h"
#include "config/table_reader.h"
#include "config/time_text.h"
#include "import/report_import.h"
#include "import/store_writer.h"
#include "import/toml_edit.h"

namespace plazo {
namespace {

using PartKey = std::pair<int, int>;  // (number, part)

// Settings in which every schedule and webhook name that root uses exists:
// the update never changes them, and `plazod check` checks them against the
// real settings.
Settings NamesAsDefined(const toml::table& root) {
  Settings s = DefaultSettings();
  const Schedule base = *s.FindSchedule("dipres");
  auto add_schedule = [&](const toml::node* n) {
    if (n == nullptr || !n->is_string()) return;
    const std::string& name = n->as_string()->get();
    if (s.FindSchedule(name) != nullptr) return;
    Schedule copy = base;
    copy.name = name;
    s.schedules.emplace(name, std::move(copy));
  };
  if (const toml::table* p = root["program"].as_table()) {
    add_schedule(p->get("schedule"));
    if (const toml::array* hooks = p->get_as<toml::array>("webhooks")) {
      for (const toml::node& h : *hooks) {
        if (!h.is_string()) continue;
        Webhook w;
        w.name = h.as_string()->get();
        s.webhooks.emplace(w.name, w);
      }
    }
  }
  if (const toml::array* parts = root["commitment"].as_array()) {
    for (const toml::node& e : *parts) {
      if (const toml::table* t = e.as_table()) add_schedule(t->get("schedule"));
    }
  }
  return s;
}

bool IsReportAbout(const Program& report, const Program& file, const std::string& id) {
  if (!id.empty()) return id == file.id;
  if (report.name == file.name) return true;
  std::string slug = SlugFromName(report.name);
  return !slug.empty() && (slug == file.id || slug == SlugFromName(file.name));
}

// The value of t that ends last: where a new key goes. t itself (its header)
// when it has none.
const toml::node& LastValue(const toml::table& t) {
  const toml::node* last = &t;
  auto end = [](const toml::node* n) {
    return std::make_pair(n->source().end.line, n->source().end.column);
  };
  for (auto&& [key, value] : t) {
    if (end(&value) > end(last)) last = &value;
  }
  return *last;
}

std::string DateText(const std::optional<Days>& d) { return d ? FormatIsoDate(*d) : ""; }

// The edits of one table and the changes they make.
class TableEdits {
 public:
  // Problems (a key to add to an inline table) go to *problems, as
  // positions in file.
  TableEdits(TomlEditor* editor, const toml::table& table, std::string commitment,
             std::vector<FieldChange>* changes, bool* ok, const std::string& file,
             Diagnostics* problems)
      : editor_(editor),
        table_(table),
        commitment_(std::move(commitment)),
        changes_(changes),
        ok_(ok),
        file_(file),
        problems_(problems) {}

  // Sets key to the TOML value toml: replaced in place when present, a new
  // line after the table's last value otherwise. A change is listed unless
  // listed is false.
  void Set(std::string_view key, std::string_view toml, std::optional<std::string> from,
           std::string to, bool listed = true) {
    Put(key, toml, LastValue(table_));
    if (listed) {
      changes_->push_back(
          FieldChange{commitment_, std::string(key), std::move(from), std::move(to)});
    }
  }

  // Sets key to toml like Set, but a new key goes right after anchor's
  // line (a key the table has); not listed as a change.
  void SetAfter(std::string_view key, std::string_view anchor, std::string_view toml) {
    Put(key, toml, *table_.get(anchor));
  }

  void SetString(std::string_view key, StoreText* value, std::string_view report) {
    if (*value == report) return;
    std::optional<std::string> from;
    if (table_.get(key) != nullptr) from = value->str();
    Set(key, TomlString(report), from, std::string(report));
    *value = report;
  }

  const toml::table& table() const { return table_; }

 private:
  // Replaces key's value with toml, or adds key after the line of after.
  // Every edit goes through here, so none can land outside an inline table.
  void Put(std::string_view key, std::string_view toml, const toml::node& after) {
    if (const toml::node* n = table_.get(key)) {
      if (!editor_->Replace(*n, toml)) *ok_ = false;
    } else if (table_.is_inline()) {
      problems_->Add(PosOf(table_.source(), file_),
                     "cannot add '" + std::string(key) +
                         "' to an inline table: write it as a table, one key per line");
    } else if (!editor_->InsertAfter(after, key, toml)) {
      *ok_ = false;
    }
  }

  TomlEditor* editor_;
  const toml::table& table_;
  std::string commitment_;
  std::vector<FieldChange>* changes_;
  bool* ok_;
  const std::string& file_;
  Diagnostics* problems_;
};

// A report's due and the file's are the same when their dates are: an admin
// who gave the part a time of day on that date keeps it.
bool SameDue(const Due& file, const Due& report) { return file.date == report.date; }

void UpdatePart(TableEdits& edits, Commitment* c, const Commitment& report) {
  edits.SetString("recommendation", &c->recommendation, report.recommendation);
  edits.SetString("text", &c->text, report.text);
  edits.SetString("verification", &c->verification, report.verification);
  if (!SameDue(c->due, report.due)) {
    // The dates it was due before, in the order it was: the one it leaves
    // last (moved back to an earlier date, that date is no longer "before").
    std::vector<Days>& previous = c->previous_due;
    previous.erase(std::remove(previous.begin(), previous.end(), c->due.date), previous.end());
    previous.push_back(c->due.date);
    previous.erase(std::remove(previous.begin(), previous.end(), report.due.date), previous.end());
    edits.Set("due", TomlDue(report.due), DateText(c->due.date), DateText(report.due.date));
    // Right under due, where a reader looks for it.
    edits.SetAfter("previous_due", "due", TomlDates(previous));
    c->due = report.due;
  }
  if (c->status != report.status) {
    std::optional<std::string> from;
    if (edits.table().get("status") != nullptr) from = std::string(StatusName(c->status));
    edits.Set("status", TomlStatus(report.status), from, std::string(StatusName(report.status)));
    c->status = report.status;
  }
  if (report.status_date && c->status_date != report.status_date) {
    std::optional<std::string> from;
    if (c->status_date) from = DateText(c->status_date);
    edits.Set("status_date", TomlDate(*report.status_date), from, DateText(report.status_date));
    c->status_date = report.status_date;
  }
  edits.SetString("observation", &c->observation, report.observation);
  edits.SetString("evidence", &c->evidence, report.evidence);
}

}  // namespace

bool UpdateStoreText(std::string_view file_text, const std::string& file_name,
                     const Program& report, const std::string& report_name,
                     const StoreUpdateOptions& options, StoreUpdateResult* out,
                     Diagnostics* diags) {
  toml::table root;
  if (!ParseToml(file_text, file_name, &root, diags)) return false;
  const Settings settings = NamesAsDefined(root);
  Program file;
  Diagnostics file_diags;  // warnings too: only shown when the file is invalid
  if (!ParseStoreFile(file_text, file_name, settings, &file, &file_diags)) {
    diags->Merge(file_diags);
    return false;
  }
  if (!IsReportAbout(report, file, options.id)) {
    diags->Add(SourcePos{report_name, report.pos.line, 0},
               "the report is about \"" + report.name + "\", not about the program of " +
                   file_name + " ('" + file.id + "', \"" + file.name + "\"); give --id " + file.id +
                   " if it is the same program renamed");
    return false;
  }
  if (report.report_date && file.report_date && *report.report_date < *file.report_date &&
      !options.force) {
    diags->Add(SourcePos{report_name, report.pos.line, 0},
               "the report's cut-off date " + FormatIsoDate(*report.report_date) +
                   " is older than " + file_name + "'s report_date " +
                   FormatIsoDate(*file.report_date) +
                   "; give --force to update the file from an older report anyway");
    return false;
  }

  StoreUpdateResult r;
  r.report_date_from = file.report_date;
  r.report_date_to = report.report_date ? report.report_date : file.report_date;
  TomlEditor editor(file_text);
  bool ok = true;
  Program expected = file;

  // [program]: the report's own values.
  const toml::table& program_table = *root["program"].as_table();
  Diagnostics problems;
  TableEdits program_edits(&editor, program_table, "", &r.changes, &ok, file_name, &problems);
  if (report.report_date && report.report_date != file.report_date) {
    program_edits.Set("report_date", TomlDate(*report.report_date),
                      file.report_date ? std::optional(DateText(file.report_date)) : std::nullopt,
                      DateText(report.report_date), /*listed=*/false);
    expected.report_date = report.report_date;
  }
  if (report.rating && report.rating != file.rating) {
    std::optional<std::string> from;
    if (file.rating) from = std::string(StatusName(*file.rating));
    program_edits.Set("rating", TomlStatus(*report.rating), from,
                      std::string(StatusName(*report.rating)));
    expected.rating = report.rating;
  }
  program_edits.SetString("observation", &expected.observation, report.observation);

  // Each [[commitment]] of the file, in file order.
  std::map<PartKey, const Commitment*> in_report;
  for (const Commitment& c : report.commitments) in_report[{c.number, c.part}] = &c;
  std::map<PartKey, Commitment*> in_file;
  for (Commitment& c : expected.commitments) in_file[{c.number, c.part}] = &c;
  if (const toml::array* parts = root["commitment"].as_array()) {
    for (const toml::node& node : *parts) {
      const toml::table& t = *node.as_table();
      PartKey key{static_cast<int>(t["number"].value_or(int64_t{0})),
                  static_cast<int>(t["part"].value_or(int64_t{1}))};
      Commitment* c = in_file.at(key);
      auto found = in_report.find(key);
      if (found == in_report.end()) {
        r.not_in_report.push_back(c->id);
        continue;
      }
      TableEdits edits(&editor, t, c->id, &r.changes, &ok, file_name, &problems);
      UpdatePart(edits, c, *found->second);
    }
  }
  // Parts new in the report, at the end, with the program's defaults.
  std::string added;
  for (const Commitment& c : report.commitments) {
    if (in_file.count({c.number, c.part})) continue;
    Commitment fresh = c;
    fresh.id = CommitmentId(c.number, c.part);
    fresh.owners.clear();
    fresh.schedule = StoreText();
    fresh.submitted.reset();
    fresh.previous_due.clear();
    if (!added.empty()) added += '\n';
    added += FormatCommitmentTable(fresh);
    r.added.push_back(fresh.id);
    expected.commitments.push_back(std::move(fresh));
  }
  if (!added.empty()) {
    // [[commitment]] tables can extend only an array of them, not an inline
    // array of inline tables.
    const toml::array* parts = root["commitment"].as_array();
    if (parts != nullptr && !parts->empty() && parts->front().as_table()->is_inline()) {
      problems.Add(PosOf(parts->front().source(), file_name),
                   "cannot add " + r.added.front() +
                       " after an inline array of commitments: write each part as [[commitment]]");
    }
    editor.Append(added);
  }
  if (!problems.empty()) {
    diags->Merge(problems);
    return false;
  }

  std::string error;
  if (!ok) error = "a value's position is not in the file";
  if (ok && !editor.Apply(&r.text, &error)) ok = false;
  if (!ok) {
    diags->Add(SourcePos{file_name, 0, 0},
               "internal error: cannot edit the file: " + error + "; nothing written");
    return false;
  }
  r.changed = r.text != file_text;

  // What is written must load as the file with the report's values and
  // nothing else changed.
  std::stable_sort(expected.commitments.begin(), expected.commitments.end(),
                   [](const Commitment& a, const Commitment& b) {
                     return std::tie(a.number, a.part) < std::tie(b.number, b.part);
                   });
  Program back;
  Diagnostics back_diags;
  if (!ParseStoreFile(r.text, file_name, settings, &back, &back_diags) ||
      FormatStoreFile(back) != FormatStoreFile(expected)) {
    diags->Add(SourcePos{file_name, 0, 0},
               "internal error: the updated file does not load back as expected; nothing "
               "written" +
                   (back_diags.empty() ? std::string() : ":\n" + back_diags.ToString()));
    return false;
  }
  *out = std::move(r);
  return true;
}

}  // namespace plazo
