#include "import/report_scanner.h"

#include <algorithm>
#include <cstdio>

#include "base/text.h"
#include "base/utf8.h"
#include "import/folded_text.h"
#include "import/plain_text.h"

namespace plazo {
namespace {

constexpr std::array<std::string_view, kFields> kFieldNames = {
    "INFORME DE CUMPLIMIENTO", "Programa/Institución", "Ministerio", "Servicio",
    "Año", "Calificación", "Observación"};

// The header field a line opens with, and where its value starts; kFields
// when the line opens with none.
std::pair<HeaderField, size_t> ReadHeaderLabel(std::string_view line) {
  Folded f = Fold(line);
  FoldedCursor s{f};
  HeaderField field = kFields;
  if (s.Phrase({"informe", "de", "cumplimiento"}) || s.Phrase({"informe", "de", "cumplimientos"})) {
    return {kTitle, 0};
  }
  if (s.Word("programa")) {
    s.SkipSpaces();
    if (s.Char('/')) {
      s.SkipSpaces();
      if (s.Word("institucion")) field = kName;
    } else if (s.Peek() == ':') {
      field = kName;
    }
  } else if (s.Word("ministerio")) {
    field = kMinistry;
  } else if (s.Word("servicio")) {
    field = kService;
  } else if (s.Word("ano") || s.Word("anio")) {
    s.SkipSpaces();
    if (!s.Phrase({"de", "evaluacion"})) s.Word("evaluacion");
    field = kYear;
  } else if (s.Word("calificacion")) {
    field = kRatingField;
  } else if (s.Word("observacion") || s.Word("observaciones")) {
    field = kObservation;
  }
  if (field == kFields) return {kFields, 0};
  s.SkipSpaces();
  s.Char(':');
  s.SkipSpaces();
  return {field, s.Offset()};
}

// Markdown emphasis and headings that some extractions leave around lines.
std::string_view TrimMarkup(std::string_view s) {
  while (!s.empty() && (s.front() == '*' || s.front() == '#' || s.front() == ' ')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == '*' || s.back() == '#' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

// A line (or cell) with no text: whitespace, tabs, form feeds (pdftotext's
// page break), no-break spaces, empty tags.
bool IsBlank(std::string_view line) { return HtmlToText(line).empty(); }

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> cells;
  for (;;) {
    size_t tab = line.find('\t');
    cells.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  return cells;
}

// The column titles, which a PDF may repeat at the top of every page.
bool IsColumnHeader(const std::vector<std::string_view>& cells) {
  if (cells.size() < 3) return false;
  auto is = [](std::string_view cell, std::initializer_list<std::string_view> words) {
    std::string plain = HtmlToText(cell);
    Folded f = Fold(TrimMarkup(plain));
    return std::find(words.begin(), words.end(), f.key) != words.end();
  };
  for (size_t k = 3; k < cells.size(); ++k) {
    if (!IsBlank(cells[k])) return false;
  }
  return is(cells[0], {"recomendacion", "recomendaciones"}) &&
         is(cells[1], {"compromiso", "compromisos"}) && is(cells[2], {"cumplimiento"});
}

}  // namespace

void ReportErrors::Add(int line, std::string message) {
  ++count_;
  if (count_ > kMaxErrors + 1) return;
  if (count_ == kMaxErrors + 1) message = "too many problems; is this a compliance report?";
  diags_->Add(name_, line, 0, std::move(message));
}

void Cell::Append(std::string_view piece, int line) {
  if (piece.empty()) return;
  if (!text.empty()) text += ' ';
  starts.emplace_back(text.size(), line);
  text += piece;
}

int Cell::LineAt(size_t offset, int fallback) const {
  int line = fallback;
  for (const auto& [start, l] : starts) {
    if (start > offset) break;
    line = l;
  }
  return line;
}

bool ReportScanner::SplitLines() {
  std::string_view text = text_;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int number = 1;
  for (;;) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (size_t i = 0; i < line.size();) {
      char32_t cp;
      if (!DecodeUtf8(line, &i, &cp)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(line[i]));
        errors_->Add(number, std::string("not UTF-8 text (byte ") + hex +
                                 "): give the text extracted from the report's PDF, in UTF-8 "
                                 "(a Latin-1 file converts with 'iconv -f latin1 -t utf-8')");
        return false;
      }
      if ((cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\f' && cp != '\v') || cp == 0x7F) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(cp));
        errors_->Add(
            number, std::string("not a text report: control character ") + hex + " (binary data?)");
        return false;
      }
    }
    lines_.push_back({number, line});
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
    ++number;
  }
  return true;
}

size_t ReportScanner::FindTableStart() const {
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].text.find('\t') == std::string_view::npos) continue;
    std::vector<std::string_view> cells = SplitTabs(lines_[i].text);
    if (IsColumnHeader(cells)) return i;
    if (ReadPartLabel(HtmlToText(cells[1])).kind != PartLabel::kNone) return i;
  }
  return lines_.size();
}

bool ReportScanner::AllBlank() const {
  return std::all_of(lines_.begin(), lines_.end(), [](const Line& l) { return IsBlank(l.text); });
}

HeaderValues ReportScanner::ReadHeader(size_t end) {
  HeaderValues values;
  int last = -1;
  for (size_t i = 0; i < end; ++i) {
    const Line& line = lines_[i];
    std::string plain = HtmlToText(line.text);
    std::string_view text = TrimMarkup(plain);
    if (text.empty()) continue;
    auto [field, value_at] = ReadHeaderLabel(text);
    if (field == kFields) {
      if (last < 0) {
        errors_->Add(line.number,
                     "unexpected text before the report header: \"" + Excerpt(text) +
                         "\" (expected 'INFORME DE CUMPLIMIENTO DE COMPROMISOS AL dd-mm-aaaa')");
        continue;
      }
      AppendWords(&values[last].text, text);
      continue;
    }
    HeaderValue& v = values[field];
    if (v.line != 0) {
      errors_->Add(line.number, "'" + std::string(kFieldNames[field]) +
                                    "' appears twice in the header (first at line " +
                                    std::to_string(v.line) + ")");
      last = field;
      continue;
    }
    v.line = line.number;
    v.text = std::string(Trim(text.substr(value_at)));
    last = field;
  }
  return values;
}

std::vector<Row> ReportScanner::ReadRows(size_t begin) {
  std::vector<Row> rows;
  bool after_break = false;
  for (size_t i = begin; i < lines_.size(); ++i) {
    const Line& line = lines_[i];
    if (IsBlank(line.text)) {
      after_break = true;
      continue;
    }
    std::vector<std::string_view> raw = SplitTabs(line.text);
    if (IsColumnHeader(raw)) continue;
    if (raw.size() < 2) {
      errors_->Add(line.number,
                   "expected a table row of 3 tab-separated cells (Recomendación, "
                   "Compromiso, Cumplimiento), found a line without tabs: \"" +
                       Excerpt(HtmlToText(line.text)) + "\"");
      after_break = false;
      continue;
    }
    bool extra = false;
    for (size_t k = 3; k < raw.size(); ++k) extra = extra || !IsBlank(raw[k]);
    if (extra) {
      errors_->Add(line.number, "row has " + std::to_string(raw.size()) +
                                    " cells; expected 3 (Recomendación, Compromiso, Cumplimiento)");
      after_break = false;
      continue;
    }
    std::array<std::string, 3> cells;
    for (size_t k = 0; k < 3 && k < raw.size(); ++k) cells[k] = HtmlToText(raw[k]);
    PartLabel label = ReadPartLabel(cells[1]);
    if (label.kind != PartLabel::kNone) {
      Row row;
      row.line = line.number;
      row.label = std::move(label);
      for (size_t k = 0; k < 3; ++k) row.cells[k].Append(cells[k], line.number);
      rows.push_back(std::move(row));
    } else if (!after_break) {
      errors_->Add(line.number,
                   "the Compromiso cell does not open with a commitment label "
                   "('COMPROMISO N:', 'CONTINUACIÓN COMPROMISO N', 'Segunda parte "
                   "Compromiso N') and the row does not follow a page break: \"" +
                       Excerpt(cells[1]) + "\"");
    } else if (rows.empty()) {
      errors_->Add(line.number,
                   "a row continued across a page break, but there is no row before "
                   "it (its Compromiso cell should open with 'COMPROMISO N:')");
    } else {
      for (size_t k = 0; k < 3; ++k) rows.back().cells[k].Append(cells[k], line.number);
    }
    after_break = false;
  }
  return rows;
}

}  // namespace plazo
