// The syntactic layer of the report importer (report_import.h): what the
// scanner's header fields and rows (report_scanner.h) mean. Header values
// become the Program's fields (cut-off date, evaluation year, rating); each
// row becomes a commitment part, numbered from its label, with its due date
// (Spanish month names), rating and the texts of its cells; every value that
// cannot be read is a problem at the line it came from.
#ifndef PLAZO_IMPORT_REPORT_PARSER_H_
#define PLAZO_IMPORT_REPORT_PARSER_H_

#include <optional>
#include <vector>

#include "config/model.h"
#include "import/report_scanner.h"

namespace plazo {

class ReportParser {
 public:
  // Problems go to *errors, which must outlive the parser.
  explicit ReportParser(ReportErrors* errors) : errors_(errors) {}

  // Fills p's name, id (SlugFromName), report_date (the cut-off date in the
  // title), ministry, service, evaluation_year, rating and observation from
  // the header. A missing title or program name, and values that cannot be
  // read, are problems.
  void ReadHeader(const HeaderValues& values, Program* p);

  // Appends one Commitment per row to p->commitments, sorted by number and
  // part, as report_import.h describes. Call after ReadHeader: a part's
  // status_date defaults to the cut-off date. A row with a problem (a number
  // out of range, a part given twice or continuing nothing, no due date or
  // rating) is reported and left out.
  void BuildParts(const std::vector<Row>& rows, Program* p);

 private:
  [[nodiscard]] bool ReadCommitmentCell(const Row& row, Commitment* c);
  [[nodiscard]] bool ReadFulfilmentCell(const Row& row, Commitment* c);

  ReportErrors* errors_;
  std::optional<Days> cutoff_;
};

}  // namespace plazo

#endif  // PLAZO_IMPORT_REPORT_PARSER_H_
