#include "config/diagnostics.h"

#include <algorithm>

namespace plazo {

std::string Diagnostic::ToString() const {
  std::string out = pos.file;
  // Line-oriented inputs (compliance reports) have no useful column.
  if (pos.line > 0) {
    out += ':' + std::to_string(pos.line);
    if (pos.column > 0) out += ':' + std::to_string(pos.column);
  }
  out += ": ";
  out += message;
  return out;
}

void Diagnostics::Add(SourcePos pos, std::string message) {
  list_.push_back(Diagnostic{std::move(pos), std::move(message)});
}

void Diagnostics::Add(std::string_view file, int line, int column,
                      std::string message) {
  Add(SourcePos{std::string(file), line, column}, std::move(message));
}

void Diagnostics::Warn(SourcePos pos, std::string message) {
  warnings_.push_back(Diagnostic{std::move(pos), "warning: " + std::move(message)});
}

std::string Diagnostics::WarningsToString() const {
  std::string out;
  for (const Diagnostic& d : warnings_) out += d.ToString() + '\n';
  return out;
}

void Diagnostics::Merge(const Diagnostics& other) {
  list_.insert(list_.end(), other.list_.begin(), other.list_.end());
  warnings_.insert(warnings_.end(), other.warnings_.begin(), other.warnings_.end());
}

namespace {

bool Before(const Diagnostic& a, const Diagnostic& b) {
  if (a.pos.file != b.pos.file) return a.pos.file < b.pos.file;
  if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
  return a.pos.column < b.pos.column;
}

}  // namespace

void Diagnostics::Sort() {
  std::stable_sort(list_.begin(), list_.end(), Before);
  std::stable_sort(warnings_.begin(), warnings_.end(), Before);
}

std::string Diagnostics::AllToString() const {
  std::vector<const Diagnostic*> all;
  for (const Diagnostic& d : list_) all.push_back(&d);
  for (const Diagnostic& d : warnings_) all.push_back(&d);
  std::stable_sort(all.begin(), all.end(),
                   [](const Diagnostic* a, const Diagnostic* b) { return Before(*a, *b); });
  std::string out;
  for (const Diagnostic* d : all) out += d->ToString() + '\n';
  return out;
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const Diagnostic& d : list_) {
    out += d.ToString();
    out += '\n';
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string_view ClosestMatch(std::string_view word,
                              const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_distance = std::max<size_t>(1, word.size() / 3) + 1;
  for (std::string_view c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view word,
                       const std::vector<std::string_view>& candidates) {
  std::string_view match = ClosestMatch(word, candidates);
  if (match.empty()) return "";
  return " (did you mean '" + std::string(match) + "'?)";
}

}  // namespace plazo
