// Typed, position-aware access to one TOML table, for the settings and store
// loaders. Every getter records its key as known; Finish() then reports the
// keys nobody asked for as unknown, with a "did you mean" hint. Problems go to
// the Diagnostics given at construction; getters return nullopt for a missing
// or invalid value, so a loader can keep going and report everything.
#ifndef PLAZO_CONFIG_TABLE_READER_H_
#define PLAZO_CONFIG_TABLE_READER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/diagnostics.h"
#include "config/model.h"

namespace plazo {

// The position of a toml++ node or key in file.
SourcePos PosOf(const toml::source_region& region, std::string_view file);

class TableReader {
 public:
  // context names the table in messages, e.g. "[program]" or "[[commitment]]".
  TableReader(const toml::table& table, std::string_view file,
              std::string context, Diagnostics& diags);

  // The raw node, or nullptr when absent.
  const toml::node* Get(std::string_view key);
  // Reports "missing required key" at the table when key is absent, and
  // returns whether it is present (callers that read the key next may
  // ignore it: the diagnostic is already recorded).
  bool Require(std::string_view key);

  [[nodiscard]] std::optional<std::string> String(std::string_view key);
  [[nodiscard]] std::optional<bool> Bool(std::string_view key);
  // An integer in [min, max].
  [[nodiscard]] std::optional<int64_t> Integer(std::string_view key, int64_t min, int64_t max);
  // A TOML local date between 1990-01-01 and 2100-12-31.
  [[nodiscard]] std::optional<Days> Date(std::string_view key);
  // A local date or an offset date-time (a local date-time is ambiguous and
  // rejected).
  [[nodiscard]] std::optional<Due> DateOrInstant(std::string_view key);
  // An array of TOML local dates, each as Date() requires.
  [[nodiscard]] std::optional<std::vector<Days>> Dates(std::string_view key);
  // A duration string (duration.h); zero allowed only when allow_zero.
  [[nodiscard]] std::optional<Duration> DurationValue(std::string_view key, bool allow_zero);
  // An array whose elements are all strings.
  [[nodiscard]] std::optional<std::vector<std::string>> Strings(std::string_view key);
  // An array of e-mail addresses (IsQualifiedEmailAddress, base/mailbox.h).
  [[nodiscard]] std::optional<std::vector<std::string>> Emails(std::string_view key);

  // Where key's value is, or the table itself when key is absent.
  SourcePos Pos(std::string_view key) const;
  // Where the table starts.
  SourcePos Pos() const { return PosOf(table_.source(), file_); }
  const std::string& file() const { return file_; }
  Diagnostics& diags() { return diags_; }

  // Reports every key of the table that no getter asked for.
  void Finish();

 private:
  void TypeError(std::string_view key, const toml::node& node,
                 std::string_view expected);

  const toml::table& table_;
  std::string file_;
  std::string context_;
  Diagnostics& diags_;
  std::vector<std::string_view> known_;
};

// Parses text, read from file name, into *root. A syntax error is added to
// diags at its position and gives false.
[[nodiscard]] bool ParseToml(std::string_view text, const std::string& name, toml::table* root,
                             Diagnostics* diags);
// Whether d falls in the years plazo plans for, 1990 to 2100: every date of
// the store (due, submitted...) and every holiday. Outside it a date is a
// typo (year 0, 20255), never a real deadline.
[[nodiscard]] bool InDateRange(const toml::date& d);
// "'key' year Y is out of range (1990 to 2100)".
std::string YearOutOfRange(std::string_view key, int year);
// The TOML type of node as a word for messages ("a string", "an integer").
std::string_view TypeWord(const toml::node& node);

}  // namespace plazo

#endif  // PLAZO_CONFIG_TABLE_READER_H_
