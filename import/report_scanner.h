// The lexical layer of the report importer (report_import.h), as ninja's
// lexer is to its manifest parser: the extracted text's lines become header
// fields and table rows of three cells, with page breaks resolved (a row
// after a blank line either starts a new part or continues the row before
// it, cell by cell). It knows where fields and cells are, not what their
// values mean: that is the parser's (report_parser.h).
#ifndef PLAZO_IMPORT_REPORT_SCANNER_H_
#define PLAZO_IMPORT_REPORT_SCANNER_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/diagnostics.h"
#include "import/part_label.h"

namespace plazo {

// The problems of one report, "name:line: message", shared by the scanner and
// the parser. Past kMaxErrors the input is not a report at all: one last
// message says so, and later ones are dropped so as not to bury the first.
class ReportErrors {
 public:
  static constexpr size_t kMaxErrors = 30;

  ReportErrors(const std::string& name, Diagnostics* diags) : name_(name), diags_(diags) {}

  void Add(int line, std::string message);
  // How many problems were added, the dropped ones included.
  [[nodiscard]] size_t count() const { return count_; }
  // The report's file name, for positions.
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  const std::string& name_;
  Diagnostics* diags_;
  size_t count_ = 0;
};

// One cell of a row, with the lines its pieces came from: page breaks make a
// cell out of pieces of several lines.
struct Cell {
  std::string text;                            // plain text, pieces joined by one space
  std::vector<std::pair<size_t, int>> starts;  // (byte offset, line) of each piece

  void Append(std::string_view piece, int line);
  // The line the byte at offset came from; fallback for an empty cell.
  [[nodiscard]] int LineAt(size_t offset, int fallback) const;
};

// A table row: one commitment part.
struct Row {
  int line = 0;     // where it starts
  PartLabel label;  // of its first line's Compromiso cell
  std::array<Cell, 3> cells;  // Recomendación, Compromiso, Cumplimiento
};

enum HeaderField { kTitle, kName, kMinistry, kService, kYear, kRatingField, kObservation, kFields };

struct HeaderValue {
  std::string text;  // plain text, the lines of a value joined by one space
  int line = 0;      // 0: absent
};
using HeaderValues = std::array<HeaderValue, kFields>;

class ReportScanner {
 public:
  // text must outlive the scanner; problems go to *errors.
  ReportScanner(std::string_view text, ReportErrors* errors) : text_(text), errors_(errors) {}

  // Splits the text into lines ("\n" or "\r\n", a leading BOM dropped).
  // Returns false, with one problem added, when it is not text: invalid UTF-8
  // (a PDF, a Latin-1 file) or control characters (binary data).
  [[nodiscard]] bool SplitLines();
  // Whether every line is blank (no text once tags and whitespace are gone).
  [[nodiscard]] bool AllBlank() const;
  [[nodiscard]] size_t line_count() const { return lines_.size(); }
  // The 1-based line number of lines_[index].
  [[nodiscard]] int LineNumber(size_t index) const { return lines_[index].number; }

  // The index of the table's first line: its column titles or, when they are
  // missing, the first row whose Compromiso cell opens with a part label.
  // line_count() when there is no table.
  [[nodiscard]] size_t FindTableStart() const;
  // The header fields of the lines before end. A line without a label
  // continues the field before it; text before the first field and a field
  // given twice are problems.
  [[nodiscard]] HeaderValues ReadHeader(size_t end);
  // The rows from line begin on. Blank lines are page breaks; repeated column
  // titles are skipped; a row whose Compromiso cell opens with no label
  // continues the row before the break. Lines that are not rows, and
  // continuations without a break or without a row before them, are
  // problems.
  [[nodiscard]] std::vector<Row> ReadRows(size_t begin);

 private:
  struct Line {
    int number;
    std::string_view text;
  };

  std::string_view text_;
  ReportErrors* errors_;
  std::vector<Line> lines_;
};

}  // namespace plazo

#endif  // PLAZO_IMPORT_REPORT_SCANNER_H_
