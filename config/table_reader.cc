#include "config/table_reader.h"

#include <algorithm>

#include "base/mailbox.h"
#include "config/duration.h"

namespace plazo {
namespace {

Days ToDays(const toml::date& d) {
  return Days(date::year{d.year} / date::month{d.month} / date::day{d.day});
}

}  // namespace

bool InDateRange(const toml::date& d) { return d.year >= 1990 && d.year <= 2100; }

std::string YearOutOfRange(std::string_view key, int year) {
  return "'" + std::string(key) + "' year " + std::to_string(year) +
         " is out of range (1990 to 2100)";
}

SourcePos PosOf(const toml::source_region& region, std::string_view file) {
  return SourcePos{std::string(file), static_cast<int>(region.begin.line),
                   static_cast<int>(region.begin.column)};
}

std::string_view TypeWord(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "nothing";
  }
}

bool ParseToml(std::string_view text, const std::string& name, toml::table* root,
               Diagnostics* diags) {
  try {
    *root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    diags->Add(PosOf(e.source(), name), std::string(e.description()));
    return false;
  }
  return true;
}

TableReader::TableReader(const toml::table& table, std::string_view file,
                         std::string context, Diagnostics& diags)
    : table_(table), file_(file), context_(std::move(context)), diags_(diags) {}

const toml::node* TableReader::Get(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
    known_.push_back(key);
  }
  return table_.get(key);
}

bool TableReader::Require(std::string_view key) {
  if (Get(key)) return true;
  diags_.Add(Pos(), "missing required key '" + std::string(key) + "' in " + context_);
  return false;
}

SourcePos TableReader::Pos(std::string_view key) const {
  if (const toml::node* n = table_.get(key)) return PosOf(n->source(), file_);
  return Pos();
}

void TableReader::TypeError(std::string_view key, const toml::node& node,
                            std::string_view expected) {
  diags_.Add(PosOf(node.source(), file_), "'" + std::string(key) + "' must be " +
                                              std::string(expected) + ", not " +
                                              std::string(TypeWord(node)));
}

std::optional<std::string> TableReader::String(std::string_view key) {
  const toml::node* n = Get(key);
  if (!n) return std::nullopt;
  if (auto s = n->value<std::string>(); s && n->is_string()) return *s;
  TypeError(key, *n, "a string");
  return std::nullopt;
}

std::optional<bool> TableReader::Bool(std::string_view key) {
  const toml::node* n = Get(key);
  if (!n) return std::nullopt;
  if (n->is_boolean()) return n->as_boolean()->get();
  TypeError(key, *n, "a boolean (true or false)");
  return std::nullopt;
}

std::optional<int64_t> TableReader::Integer(std::string_view key, int64_t min,
                                            int64_t max) {
  const toml::node* n = Get(key);
  if (!n) return std::nullopt;
  if (!n->is_integer()) {
    TypeError(key, *n, "an integer");
    return std::nullopt;
  }
  int64_t v = n->as_integer()->get();
  if (v < min || v > max) {
    diags_.Add(PosOf(n->source(), file_),
               "'" + std::string(key) + "' is " + std::to_string(v) +
                   ", expected " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

std::optional<Days> TableReader::Date(std::string_view key) {
  const toml::node* n = Get(key);
  if (!n) return std::nullopt;
  if (!n->is_date()) {
    TypeError(key, *n, "a date (YYYY-MM-DD, unquoted)");
    return std::nullopt;
  }
  toml::date d = n->as_date()->get();
  if (!InDateRange(d)) {
    diags_.Add(PosOf(n->source(), file_), YearOutOfRange(key, d.year));
    return std::nullopt;
  }
  return ToDays(d);
}

std::optional<std::vector<Days>> TableReader::Dates(std::string_view key) {
  const toml::node* n = Get(key);
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) {
    TypeError(key, *n, "an array of dates ([2025-06-30, ...], unquoted)");
    return std::nullopt;
  }
  std::vector<Days> out;
  bool ok = true;
  for (const toml::node& e : *a) {
    if (!e.is_date()) {
      diags_.Add(PosOf(e.source(), file_),
                 "'" + std::string(key) + "' must hold only dates (YYYY-MM-DD, unquoted), not " +
                     std::string(TypeWord(e)));
      ok = false;
      continue;
    }
    toml::date d = e.as_date()->get();
    if (!InDateRange(d)) {
      diags_.Add(PosOf(e.source(), file_), YearOutOfRange(key, d.year));
      ok = false;
      continue;
    }
    out.push_back(ToDays(d));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Due> TableReader::DateOrInstant(std::string_view key) {
  const toml::node* n = Get(key);
  if (!n) return std::nullopt;
  if (n->is_date()) {
    if (auto d = Date(key)) return Due{*d, std::nullopt};
    return std::nullopt;
  }
  if (!n->is_date_time()) {
    TypeError(key, *n, "a date or a date-time with offset");
    return std::nullopt;
  }
  toml::date_time dt = n->as_date_time()->get();
  if (!dt.offset) {
    diags_.Add(PosOf(n->source(), file_),
               "'" + std::string(key) +
                   "' is a local date-time: add an offset such as -03:00, or use a date");
    return std::nullopt;
  }
  if (!InDateRange(dt.date)) {
    diags_.Add(PosOf(n->source(), file_), YearOutOfRange(key, dt.date.year));
    return std::nullopt;
  }
  Days day = ToDays(dt.date);
  Instant local = date::sys_days(day.time_since_epoch()) +
                  std::chrono::hours(dt.time.hour) +
                  std::chrono::minutes(dt.time.minute) +
                  std::chrono::seconds(dt.time.second);
  return Due{day, local - std::chrono::minutes(dt.offset->minutes)};
}

std::optional<Duration> TableReader::DurationValue(std::string_view key,
                                                   bool allow_zero) {
  const toml::node* n = Get(key);
  if (!n) return std::nullopt;
  if (!n->is_string()) {
    TypeError(key, *n, "a duration string such as \"7d\"");
    return std::nullopt;
  }
  const std::string& text = n->as_string()->get();
  std::optional<Duration> d = ParseDuration(text);
  if (!d) {
    diags_.Add(PosOf(n->source(), file_),
               "'" + std::string(key) + "': invalid duration \"" + text +
                   "\" (expected a whole number and a unit: s, m, h, d or w, e.g. \"7d\")");
    return std::nullopt;
  }
  if (d->count() == 0 && !allow_zero) {
    diags_.Add(PosOf(n->source(), file_),
               "'" + std::string(key) + "' must be longer than zero");
    return std::nullopt;
  }
  return d;
}

std::optional<std::vector<std::string>> TableReader::Strings(std::string_view key) {
  const toml::node* n = Get(key);
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) {
    TypeError(key, *n, "an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const toml::node& e : *a) {
    if (!e.is_string()) {
      diags_.Add(PosOf(e.source(), file_), "'" + std::string(key) +
                                               "' must hold only strings, not " +
                                               std::string(TypeWord(e)));
      ok = false;
      continue;
    }
    out.push_back(e.as_string()->get());
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> TableReader::Emails(std::string_view key) {
  auto list = Strings(key);
  if (!list) return std::nullopt;
  const toml::array& a = *table_.get(key)->as_array();
  bool ok = true;
  for (size_t i = 0; i < list->size(); ++i) {
    if (!IsQualifiedEmailAddress((*list)[i])) {
      diags_.Add(PosOf(a[i].source(), file_),
                 "'" + std::string(key) + "': \"" + (*list)[i] +
                     "\" is not an e-mail address");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return list;
}

void TableReader::Finish() {
  for (auto&& [key, node] : table_) {
    std::string_view name = key.str();
    if (std::find(known_.begin(), known_.end(), name) != known_.end()) continue;
    diags_.Add(PosOf(key.source(), file_),
               "unknown key '" + std::string(name) + "' in " + context_ +
                   DidYouMean(name, known_));
  }
}

}  // namespace plazo
