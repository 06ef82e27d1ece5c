// Errors about input files, reported as "file:line:col: message" (SPEC 6).
// Loaders collect every problem of a run into a Diagnostics list rather than
// stopping at the first, so an admin fixes a broken edit in one pass.
#ifndef PLAZO_CONFIG_DIAGNOSTICS_H_
#define PLAZO_CONFIG_DIAGNOSTICS_H_

#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"

namespace plazo {

// One problem at one place.
struct Diagnostic {
  SourcePos pos;
  std::string message;

  // "file:line:col: message", "file:line: message" when column is 0, or
  // "file: message" when the position is the whole file.
  std::string ToString() const;
};

// An ordered list of problems. Empty means the input was valid. Warnings
// are kept apart: they tell an admin something worth knowing (an empty
// store folder) without making the input invalid.
class Diagnostics {
 public:
  void Add(SourcePos pos, std::string message);
  void Add(std::string_view file, int line, int column, std::string message);
  void Warn(SourcePos pos, std::string message);

  bool empty() const { return list_.empty(); }
  size_t size() const { return list_.size(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  const std::vector<Diagnostic>& warnings() const { return warnings_; }
  // Each warning as "place: warning: message", one per line.
  std::string WarningsToString() const;
  // Appends every problem and warning of other.
  void Merge(const Diagnostics& other);
  // Sorts problems, and warnings, by file, line and column, keeping the
  // order of equal positions.
  void Sort();
  // Problems and warnings together, in the order of their positions (a
  // problem first at the same place), one per line: what `plazod check`
  // prints, as a compiler lists errors and warnings.
  std::string AllToString() const;
  // All messages, one per line, each ending in '\n'.
  std::string ToString() const;

 private:
  std::vector<Diagnostic> list_;
  std::vector<Diagnostic> warnings_;
};

// The Levenshtein distance between a and b (insertions, deletions and
// substitutions of bytes).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to word by edit distance, if it is close enough to be
// a plausible typo (at most a third of the word's length, at least 1 edit);
// empty otherwise. Used for "did you mean" hints.
std::string_view ClosestMatch(std::string_view word,
                              const std::vector<std::string_view>& candidates);

// " (did you mean 'x'?)" for the closest candidate, or "" when none is close.
std::string DidYouMean(std::string_view word,
                       const std::vector<std::string_view>& candidates);

}  // namespace plazo

#endif  // PLAZO_CONFIG_DIAGNOSTICS_H_
