// `plazod import --update`: folding a newer compliance report into a store
// file that an admin has edited (SPEC 3.2). Pure: texts in, the new text and
// the list of changes out; no files, no clock.
//
// The report owns the program's rating, observation and report_date, and
// each part's recommendation, text, verification, due, status, status_date,
// observation and evidence. Everything else (ids, owners, schedule,
// webhooks, submitted, any other key) is the admin's and is never touched.
// Parts are matched by (number, part); a part whose due date changes keeps
// the earlier one in previous_due. The file is edited value by value
// (toml_edit.h): what did not change stays byte for byte.
#ifndef PLAZO_IMPORT_STORE_UPDATE_H_
#define PLAZO_IMPORT_STORE_UPDATE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/model.h"

namespace plazo {

// One value the update changes.
struct FieldChange {
  std::string commitment;  // the part's id; empty for the [program] table
  std::string field;       // the store key: "status", "due", ...
  // As shown to people and in JSON: dates as YYYY-MM-DD, statuses by their
  // store name, texts as they are. nullopt: the key was absent.
  std::optional<std::string> from;
  std::string to;
};

struct StoreUpdateResult {
  std::optional<Days> report_date_from;    // the file's report_date
  std::optional<Days> report_date_to;      // the report's cut-off date
  std::vector<FieldChange> changes;        // in file order, the program first
  std::vector<std::string> added;          // ids of parts new in the report
  std::vector<std::string> not_in_report;  // ids of the file's parts the report lacks
  std::string text;                        // the updated file
  bool changed = false;                    // whether text differs from the file
};

struct StoreUpdateOptions {
  // Accept a report whose cut-off date is older than the file's report_date.
  bool force = false;
  // The program id the report is about (--id); empty: matched by name.
  std::string id;
};

// Folds report (ParseReport's program, read from report_name) into the store
// file file_text (read from file_name). The report is about the file's
// program when its name is the file's name (or folds to the same slug), its
// name's slug is the file's program id, or options.id is that id.
//
// Errors, each added to diags, and then false and *out untouched:
// - the file is not a valid store file (every problem at file:line:col; the
//   schedule and webhook names it uses are taken as defined, since they are
//   checked against the settings by `plazod check` and never changed here);
// - the report is about another program (report_name:line, naming both);
// - the report's cut-off date is older than the file's report_date and not
//   options.force (naming both dates and --force);
// - the updated text does not load back as the file with the report's
//   values (an internal error; never expected).
[[nodiscard]] bool UpdateStoreText(std::string_view file_text, const std::string& file_name,
                                   const Program& report, const std::string& report_name,
                                   const StoreUpdateOptions& options, StoreUpdateResult* out,
                                   Diagnostics* diags);

}  // namespace plazo

#endif  // PLAZO_IMPORT_STORE_UPDATE_H_
