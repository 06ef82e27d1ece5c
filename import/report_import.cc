#include "import/report_import.h"

#include "import/folded_text.h"
#include "import/report_parser.h"
#include "import/report_scanner.h"

namespace plazo {

std::string SlugFromName(std::string_view name) {
  std::string slug;
  for (size_t i = 0; i < name.size();) {
    char32_t cp = NextCodePoint(name, &i);
    char c = FoldChar(cp);
    if (cp == 0xB0 || cp == 0xBA || cp == 0xAA) c = 0;  // "N°": not a letter
    if (IsLetter(c) || IsDigit(c)) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  if (slug.size() > 64) {
    size_t cut = slug.rfind('-', 64);
    slug.resize(cut == std::string::npos || cut == 0 ? 64 : cut);
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

// Scanner and parser in turn, header then table, so that problems come in
// the order of the text within each part and the error limit cuts the same
// ones every time.
bool ParseReport(std::string_view text, const std::string& name, ImportedReport* out,
                 Diagnostics* diags) {
  ReportErrors errors(name, diags);
  ReportScanner scanner(text, &errors);
  ReportParser parser(&errors);
  if (!scanner.SplitLines()) return false;
  if (scanner.AllBlank()) {
    errors.Add(1, "empty report");
    return false;
  }
  Program program;
  program.pos = SourcePos{name, 1, 0};
  size_t table = scanner.FindTableStart();
  parser.ReadHeader(scanner.ReadHeader(table), &program);
  if (table == scanner.line_count()) {
    errors.Add(scanner.LineNumber(scanner.line_count() - 1),
               "no commitment table: expected rows 'Recomendación<TAB>Compromiso<TAB>Cumplimiento' "
               "after the header");
    return false;
  }
  std::vector<Row> rows = scanner.ReadRows(table);
  if (rows.empty() && errors.count() == 0) {
    errors.Add(scanner.LineNumber(table), "the commitment table has no rows");
  }
  parser.BuildParts(rows, &program);
  if (errors.count() > 0) return false;
  out->program = std::move(program);
  return true;
}

}  // namespace plazo
