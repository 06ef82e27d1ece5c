#include "config/report_import.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "base/text.h"
#include "base/utf8.h"
#include "config/plain_text.h"
#include "config/store.h"

namespace plazo {
namespace {

// Past this many problems the input is not a report at all; more messages
// would only bury the first ones.
constexpr size_t kMaxErrors = 30;

bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// ---------------------------------------------------------------------------
// Matching labels

// Plain text seen one code point per char: Latin letters folded to lowercase
// ASCII, other non-ASCII as '\x01'. at[k] is the byte offset in text of
// key[k]; at[key.size()] is text.size().
struct Folded {
  std::string_view text;
  std::string key;
  std::vector<size_t> at;
};

Folded Fold(std::string_view text) {
  Folded f;
  f.text = text;
  f.key.reserve(text.size());
  f.at.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size();) {
    f.at.push_back(i);
    char c = FoldChar(NextCodePoint(text, &i));
    f.key.push_back(c ? c : '\x01');
  }
  f.at.push_back(text.size());
  return f;
}

// A cursor over a folded key. Words match whole: "parte" does not match the
// start of "partes".
struct Scanner {
  const Folded& f;
  size_t pos = 0;

  bool AtEnd() const { return pos >= f.key.size(); }
  char Peek() const { return AtEnd() ? '\0' : f.key[pos]; }
  void SkipSpaces() {
    while (Peek() == ' ') ++pos;
  }
  bool Char(char c) {
    if (Peek() != c) return false;
    ++pos;
    return true;
  }
  bool Word(std::string_view w) {
    if (pos > f.key.size() || f.key.compare(pos, w.size(), w) != 0) return false;
    size_t end = pos + w.size();
    if (end < f.key.size() && IsLetter(f.key[end])) return false;
    pos = end;
    return true;
  }
  // Words separated by optional spaces; all or nothing.
  bool Phrase(std::initializer_list<std::string_view> words) {
    size_t saved = pos;
    bool first = true;
    for (std::string_view w : words) {
      if (!first) SkipSpaces();
      first = false;
      if (!Word(w)) {
        pos = saved;
        return false;
      }
    }
    return true;
  }
  // 1 to max_digits digits not followed by another digit.
  bool Number(size_t max_digits, int* value) {
    size_t start = pos;
    int v = 0;
    while (IsDigit(Peek())) {
      if (pos - start == max_digits) {
        pos = start;
        return false;
      }
      v = v * 10 + (Peek() - '0');
      ++pos;
    }
    if (pos == start) return false;
    *value = v;
    return true;
  }
  // A run of letters, as folded; empty when none.
  std::string_view Letters() {
    size_t start = pos;
    while (IsLetter(Peek())) ++pos;
    return std::string_view(f.key).substr(start, pos - start);
  }
  // The byte offset in f.text of the cursor.
  size_t Offset() const { return f.at[std::min(pos, f.key.size())]; }
};

bool AtWordStart(const Folded& f, size_t k) {
  return k == 0 || !(IsLetter(f.key[k - 1]) || IsDigit(f.key[k - 1]));
}

// "31-12-2024" or "31/12/2024" at the cursor, a valid date from 1990 to 2100.
// *invalid is set when digits are there but do not make such a date.
std::optional<Days> ReadNumericDate(Scanner& s, bool* invalid) {
  size_t saved = s.pos;
  int d = 0, m = 0, y = 0;
  char sep = 0;
  if (s.Number(2, &d)) sep = s.Peek();
  if ((sep == '-' || sep == '/') && s.Char(sep) && s.Number(2, &m) && s.Char(sep) &&
      s.Number(4, &y) && y >= 1000) {
    date::year_month_day ymd{date::year{y}, date::month(static_cast<unsigned>(m)),
                             date::day(static_cast<unsigned>(d))};
    if (ymd.ok() && y >= 1990 && y <= 2100) return Days(ymd);
    *invalid = true;
    return std::nullopt;
  }
  s.pos = saved;
  return std::nullopt;
}

constexpr std::array<std::string_view, 12> kMonths = {
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "octubre", "noviembre", "diciembre"};

// 1-12 for a Spanish month name or its three-letter abbreviation (folded);
// "setiembre" and "set" are September too. 0 otherwise.
unsigned MonthNumber(std::string_view word) {
  if (word == "setiembre" || word == "set") return 9;
  for (size_t k = 0; k < kMonths.size(); ++k) {
    if (word == kMonths[k] || word == kMonths[k].substr(0, 3)) return static_cast<unsigned>(k + 1);
  }
  return 0;
}

// " (did you mean 'junio'?)" for the month closest to a misspelt word, or "".
// Month names are long and typos in them often swap letters ("Juino"), so up
// to two edits count as close, more than the generic DidYouMean allows.
std::string MonthHint(std::string_view word) {
  if (word.size() < 4) return "";
  std::string_view best;
  size_t best_distance = 3;
  for (std::string_view month : kMonths) {
    size_t distance = EditDistance(word, month);
    if (distance < best_distance) {
      best_distance = distance;
      best = month;
    }
  }
  return best.empty() ? "" : " (did you mean '" + std::string(best) + "'?)";
}

// The label that opens a part's Compromiso cell.
struct PartLabel {
  enum Kind { kNone, kNumbered, kContinuation, kOrdinal };
  Kind kind = kNone;
  int number = 0;  // as written; may be out of range
  int part = 1;    // for kNumbered and kOrdinal
  size_t end = 0;  // byte offset where the part's own words start
  std::string text;  // the label as written, for messages
};

struct Ordinal {
  std::string_view word;
  int value;
};
constexpr std::array<Ordinal, 19> kOrdinals = {{
    {"primera", 1}, {"primer", 1},  {"primero", 1}, {"segunda", 2}, {"segundo", 2},
    {"tercera", 3}, {"tercer", 3},  {"tercero", 3}, {"cuarta", 4},  {"cuarto", 4},
    {"quinta", 5},  {"quinto", 5},  {"sexta", 6},   {"septima", 7}, {"setima", 7},
    {"octava", 8},  {"novena", 9},  {"decima", 10}, {"undecima", 11},
}};

// Reads "COMPROMISO 4:", "CONTINUACIÓN COMPROMISO 1", "Segunda parte
// Compromiso 4:", "Compromiso N° 4." and the like at the start of text.
PartLabel ReadPartLabel(std::string_view text) {
  Folded f = Fold(text);
  Scanner s{f};
  s.SkipSpaces();
  PartLabel label;
  if (s.Word("compromiso")) {
    label.kind = PartLabel::kNumbered;
  } else if (s.Word("continuacion")) {
    s.SkipSpaces();
    s.Word("del");
    s.SkipSpaces();
    if (!s.Word("compromiso")) return PartLabel{};
    label.kind = PartLabel::kContinuation;
  } else {
    const Ordinal* ordinal = nullptr;
    for (const Ordinal& o : kOrdinals) {
      if (s.Word(o.word)) {
        ordinal = &o;
        break;
      }
    }
    if (!ordinal) return PartLabel{};
    s.SkipSpaces();
    if (!s.Word("parte")) return PartLabel{};
    s.SkipSpaces();
    s.Word("del");
    s.SkipSpaces();
    if (!s.Word("compromiso")) return PartLabel{};
    label.kind = PartLabel::kOrdinal;
    label.part = ordinal->value;
  }
  s.SkipSpaces();
  // "N° 4", "Nº4", "No. 4", "Nro 4".
  for (std::string_view prefix : {"nro", "num", "no", "n"}) {
    size_t saved = s.pos;
    if (f.key.compare(s.pos, prefix.size(), prefix) == 0 &&
        !IsLetter(s.pos + prefix.size() < f.key.size() ? f.key[s.pos + prefix.size()] : '\0')) {
      s.pos += prefix.size();
      s.Char('.');
      s.SkipSpaces();
      if (IsDigit(s.Peek())) break;
    }
    s.pos = saved;
  }
  size_t digits = s.pos;
  while (IsDigit(s.Peek())) ++s.pos;
  if (s.pos == digits) return PartLabel{};
  // Five digits or more: out of range for the store, reported by the caller.
  if (s.pos - digits <= 4) {
    for (size_t k = digits; k < s.pos; ++k) label.number = label.number * 10 + (f.key[k] - '0');
  }
  label.text = std::string(Trim(text.substr(0, s.Offset())));
  s.SkipSpaces();
  if (!s.Char(':') && !s.Char('.') && !s.Char('-')) s.Char(')');
  s.SkipSpaces();
  label.end = s.Offset();
  return label;
}

// The labels of a Cumplimiento cell (and "Medio(s) de verificación:" in a
// Compromiso cell). Each needs its colon: the same words inside a sentence
// are not labels.
enum class CellLabel { kObservation, kRating, kEvidence };

struct LabelHit {
  CellLabel kind;
  size_t begin;  // byte offset of the label
  size_t end;    // byte offset of its value
};

std::vector<LabelHit> FindCellLabels(const Folded& f) {
  std::vector<LabelHit> hits;
  Scanner s{f};
  for (size_t k = 0; k < f.key.size(); ++k) {
    if (!IsLetter(f.key[k]) || !AtWordStart(f, k)) continue;
    s.pos = k;
    CellLabel kind;
    if (s.Word("observacion") || s.Word("observaciones")) {
      kind = CellLabel::kObservation;
    } else if (s.Word("calificacion")) {
      kind = CellLabel::kRating;
    } else if (s.Phrase({"medios", "de", "verificacion"}) ||
               s.Phrase({"medio", "de", "verificacion"})) {
      kind = CellLabel::kEvidence;
    } else {
      continue;
    }
    s.SkipSpaces();
    if (!s.Char(':')) continue;
    s.SkipSpaces();
    hits.push_back({kind, f.at[k], s.Offset()});
    k = s.pos - 1;
  }
  return hits;
}

std::string Join(std::string_view a, std::string_view b) {
  a = Trim(a), b = Trim(b);
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  out += ' ';
  out += b;
  return out;
}

// Appends piece to *text with one space between them, in place (values built
// from many pieces stay linear).
void Append(std::string* text, std::string_view piece) {
  piece = Trim(piece);
  if (piece.empty()) return;
  if (!text->empty()) *text += ' ';
  *text += piece;
}

// At most n bytes of s, cut at a character boundary, with "..." when cut.
std::string Excerpt(std::string_view s, size_t n = 60) {
  if (s.size() <= n) return std::string(s);
  return std::string(s.substr(0, Utf8Boundary(s, n))) + "...";
}

struct Rating {
  Status status = Status::kPendiente;
  std::optional<Days> date;
};

constexpr std::string_view kRatingHelp =
    "expected En evaluación, Cumplido (dd-mm-aaaa), Parcialmente cumplido or No cumplido";

// Reads a rating: "En evaluación", "Cumplido (30-06-2024)", "Parcialmente
// cumplido", "No cumplido" or "Pendiente", each with an optional date in
// parentheses. On failure sets *error.
std::optional<Rating> ParseRating(std::string_view text, std::string* error) {
  Folded f = Fold(text);
  Scanner s{f};
  s.SkipSpaces();
  Rating r;
  if (s.Phrase({"en", "evaluacion"})) {
    r.status = Status::kEnEvaluacion;
  } else if (s.Phrase({"parcialmente", "cumplido"})) {
    r.status = Status::kParcialmenteCumplido;
  } else if (s.Phrase({"no", "cumplido"})) {
    r.status = Status::kNoCumplido;
  } else if (s.Word("cumplido")) {
    r.status = Status::kCumplido;
  } else if (s.Word("pendiente")) {
    r.status = Status::kPendiente;
  } else {
    *error = "cannot read the rating \"" + Excerpt(text) + "\" (" + std::string(kRatingHelp) + ")";
    return std::nullopt;
  }
  s.SkipSpaces();
  bool paren = s.Char('(');
  s.SkipSpaces();
  bool invalid = false;
  r.date = ReadNumericDate(s, &invalid);
  s.SkipSpaces();
  if (paren && (!r.date || !s.Char(')'))) invalid = true;
  s.SkipSpaces();
  s.Char('.');
  s.SkipSpaces();
  if (invalid || !s.AtEnd()) {
    *error = "cannot read the rating \"" + Excerpt(text) + "\" (" + std::string(kRatingHelp) + ")";
    return std::nullopt;
  }
  return r;
}

// ---------------------------------------------------------------------------
// The report

// One cell of a row, with the lines its pieces came from: page breaks make a
// cell out of pieces of several lines.
struct Cell {
  std::string text;
  std::vector<std::pair<size_t, int>> starts;  // (byte offset, line)

  void Append(std::string_view piece, int line) {
    if (piece.empty()) return;
    if (!text.empty()) text += ' ';
    starts.emplace_back(text.size(), line);
    text += piece;
  }
  // The line the byte at offset came from.
  int LineAt(size_t offset, int fallback) const {
    int line = fallback;
    for (const auto& [start, l] : starts) {
      if (start > offset) break;
      line = l;
    }
    return line;
  }
};

struct Row {
  int line = 0;
  PartLabel label;
  std::array<Cell, 3> cells;  // Recomendación, Compromiso, Cumplimiento
};

enum HeaderField { kTitle, kName, kMinistry, kService, kYear, kRatingField, kObservation, kFields };

struct HeaderValue {
  std::string text;
  int line = 0;  // 0: absent
};

constexpr std::array<std::string_view, kFields> kFieldNames = {
    "INFORME DE CUMPLIMIENTO", "Programa/Institución", "Ministerio", "Servicio",
    "Año", "Calificación", "Observación"};

// The header field a line opens with, and where its value starts; kFields
// when the line opens with none.
std::pair<HeaderField, size_t> ReadHeaderLabel(std::string_view line) {
  Folded f = Fold(line);
  Scanner s{f};
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
  while (!s.empty() && (s.front() == '*' || s.front() == '#' || s.front() == ' ')) s.remove_prefix(1);
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

std::string PartName(int number, int part) {
  std::string s = "commitment " + std::to_string(number);
  if (part != 1) s += " part " + std::to_string(part);
  return s;
}

class ReportParser {
 public:
  ReportParser(const std::string& name, Diagnostics* diags) : name_(name), diags_(diags) {}

  bool Parse(std::string_view text, ImportedReport* out);

 private:
  struct Line {
    int number;
    std::string_view text;
  };

  void Error(int line, std::string message);
  bool SplitLines(std::string_view text);
  size_t FindTableStart() const;
  void ReadHeader(size_t end, Program* p);
  void ReadRows(size_t begin);
  void BuildParts(Program* p);
  bool ReadCommitmentCell(const Row& row, Commitment* c);
  bool ReadFulfilmentCell(const Row& row, Commitment* c);

  const std::string& name_;
  Diagnostics* diags_;
  size_t errors_ = 0;
  std::vector<Line> lines_;
  std::vector<Row> rows_;
  std::optional<Days> cutoff_;
};

void ReportParser::Error(int line, std::string message) {
  ++errors_;
  if (errors_ > kMaxErrors + 1) return;
  if (errors_ == kMaxErrors + 1) message = "too many problems; is this a compliance report?";
  diags_->Add(name_, line, 0, std::move(message));
}

// Splits text into lines ("\n" or "\r\n") and rejects what is not text: a
// PDF, a Latin-1 file, binary data.
bool ReportParser::SplitLines(std::string_view text) {
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
        Error(number, std::string("not UTF-8 text (byte ") + hex +
                          "): give the text extracted from the report's PDF, in UTF-8 "
                          "(a Latin-1 file converts with 'iconv -f latin1 -t utf-8')");
        return false;
      }
      if ((cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\f' && cp != '\v') || cp == 0x7F) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(cp));
        Error(number, std::string("not a text report: control character ") + hex +
                          " (binary data?)");
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

// The table starts at its column titles or, when they are missing, at the
// first row whose Compromiso cell opens with a part label.
size_t ReportParser::FindTableStart() const {
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].text.find('\t') == std::string_view::npos) continue;
    std::vector<std::string_view> cells = SplitTabs(lines_[i].text);
    if (IsColumnHeader(cells)) return i;
    if (ReadPartLabel(HtmlToText(cells[1])).kind != PartLabel::kNone) return i;
  }
  return lines_.size();
}

void ReportParser::ReadHeader(size_t end, Program* p) {
  std::array<HeaderValue, kFields> values;
  int last = -1;
  for (size_t i = 0; i < end; ++i) {
    const Line& line = lines_[i];
    std::string plain = HtmlToText(line.text);
    std::string_view text = TrimMarkup(plain);
    if (text.empty()) continue;
    auto [field, value_at] = ReadHeaderLabel(text);
    if (field == kFields) {
      if (last < 0) {
        Error(line.number, "unexpected text before the report header: \"" + Excerpt(text) +
                               "\" (expected 'INFORME DE CUMPLIMIENTO DE COMPROMISOS AL dd-mm-aaaa')");
        continue;
      }
      Append(&values[last].text, text);
      continue;
    }
    HeaderValue& v = values[field];
    if (v.line != 0) {
      Error(line.number, "'" + std::string(kFieldNames[field]) +
                             "' appears twice in the header (first at line " +
                             std::to_string(v.line) + ")");
      last = field;
      continue;
    }
    v.line = line.number;
    v.text = std::string(Trim(text.substr(value_at)));
    last = field;
  }

  const HeaderValue& title = values[kTitle];
  if (title.line == 0) {
    Error(1, "missing the report title ('INFORME DE CUMPLIMIENTO DE COMPROMISOS AL dd-mm-aaaa')");
  } else {
    // The cut-off date follows "AL", possibly on the title's next line.
    Folded f = Fold(title.text);
    Scanner s{f};
    bool invalid = false;
    for (size_t k = 0; k < f.key.size() && !cutoff_ && !invalid; ++k) {
      s.pos = k;
      if (!AtWordStart(f, k) || !s.Word("al")) continue;
      s.SkipSpaces();
      cutoff_ = ReadNumericDate(s, &invalid);
    }
    // Without "AL", the title's first date.
    for (size_t k = 0; k < f.key.size() && !cutoff_ && !invalid; ++k) {
      s.pos = k;
      if (AtWordStart(f, k)) cutoff_ = ReadNumericDate(s, &invalid);
    }
    if (!cutoff_) {
      Error(title.line, "no valid cut-off date in the report title \"" + Excerpt(title.text) +
                            "\" (expected '... AL dd-mm-aaaa')");
    }
    p->report_date = cutoff_;
  }
  const HeaderValue& name = values[kName];
  if (name.line == 0) {
    Error(1, "missing the program name ('Programa/Institución: ...')");
  } else if (name.text.empty()) {
    Error(name.line, "empty program name");
  } else {
    p->name = name.text;
    p->id = SlugFromName(name.text);
    p->pos = SourcePos{name_, name.line, 0};
  }
  p->ministry = values[kMinistry].text;
  p->service = values[kService].text;
  if (const HeaderValue& year = values[kYear]; year.line != 0) {
    Folded f = Fold(year.text);
    Scanner s{f};
    int y = 0;
    if (s.Number(4, &y) && s.AtEnd() && y >= 1990 && y <= 2100) {
      p->evaluation_year = y;
    } else {
      Error(year.line, "cannot read the evaluation year \"" + Excerpt(year.text) +
                           "\" (expected a year such as 2023)");
    }
  }
  if (const HeaderValue& rating = values[kRatingField]; rating.line != 0) {
    std::string error;
    if (auto r = ParseRating(rating.text, &error)) {
      p->rating = r->status;
    } else {
      Error(rating.line, "program: " + error);
    }
  }
  p->observation = values[kObservation].text;
}

void ReportParser::ReadRows(size_t begin) {
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
      Error(line.number, "expected a table row of 3 tab-separated cells (Recomendación, "
                         "Compromiso, Cumplimiento), found a line without tabs: \"" +
                             Excerpt(HtmlToText(line.text)) + "\"");
      after_break = false;
      continue;
    }
    bool extra = false;
    for (size_t k = 3; k < raw.size(); ++k) extra = extra || !IsBlank(raw[k]);
    if (extra) {
      Error(line.number, "row has " + std::to_string(raw.size()) +
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
      rows_.push_back(std::move(row));
    } else if (!after_break) {
      Error(line.number, "the Compromiso cell does not open with a commitment label "
                         "('COMPROMISO N:', 'CONTINUACIÓN COMPROMISO N', 'Segunda parte "
                         "Compromiso N') and the row does not follow a page break: \"" +
                             Excerpt(cells[1]) + "\"");
    } else if (rows_.empty()) {
      Error(line.number, "a row continued across a page break, but there is no row before "
                         "it (its Compromiso cell should open with 'COMPROMISO N:')");
    } else {
      for (size_t k = 0; k < 3; ++k) rows_.back().cells[k].Append(cells[k], line.number);
    }
    after_break = false;
  }
}

bool ReportParser::ReadCommitmentCell(const Row& row, Commitment* c) {
  const Cell& cell = row.cells[1];
  Folded f = Fold(cell.text);
  Scanner s{f};
  // The due date: "Fecha de Vencimiento: Junio 2025", also "junio de 2025",
  // "30 de junio de 2025" or "30-06-2025". It closes the cell, and the same
  // words may occur in the text before it ("... la fecha de vencimiento del
  // convenio ..."): the last label with a colon wins, else the last label.
  size_t due_begin = std::string::npos, due_at = 0;
  bool due_colon = false;
  for (size_t k = 0; k < f.key.size(); ++k) {
    if (f.at[k] < row.label.end || !AtWordStart(f, k)) continue;
    s.pos = k;
    if (!s.Phrase({"fecha", "de", "vencimiento"}) && !s.Phrase({"fecha", "vencimiento"})) continue;
    s.SkipSpaces();
    bool colon = s.Peek() == ':';
    if (colon || !due_colon) {
      due_begin = f.at[k];
      due_at = s.pos;
      due_colon = colon;
    }
    k = s.pos - 1;
  }
  std::string part = PartName(c->number, c->part);
  if (due_begin == std::string::npos) {
    Error(row.line, part + " ('" + row.label.text +
                        "'): no due date (expected 'Fecha de Vencimiento: <mes> <año>')");
    return false;
  }
  int line = cell.LineAt(due_begin, row.line);
  s.pos = due_at;
  s.Char(':');
  s.SkipSpaces();
  bool invalid = false;
  std::optional<Days> due = ReadNumericDate(s, &invalid);
  if (invalid) {
    Error(line, part + ": invalid due date");
    return false;
  }
  if (!due) {
    int day = 0;
    size_t saved = s.pos;
    if (s.Number(2, &day)) {
      s.SkipSpaces();
      if (!s.Word("de")) {
        s.pos = saved;
        day = 0;
      }
      s.SkipSpaces();
    }
    size_t word_at = s.Offset();
    std::string_view word = s.Letters();
    if (word.empty()) {
      std::string_view rest = Trim(std::string_view(cell.text).substr(s.Offset()));
      Error(line, part + ": cannot read the due date \"" + Excerpt(rest) +
                      "\" (expected a month and a year, such as 'Junio 2025')");
      return false;
    }
    unsigned month = MonthNumber(word);
    if (month == 0) {
      Error(line, part + ": unknown month \"" +
                      std::string(cell.text.substr(word_at, s.Offset() - word_at)) +
                      "\" in the due date" + MonthHint(word));
      return false;
    }
    s.Char('.');
    s.SkipSpaces();
    if (!s.Word("de")) s.Char(',');
    s.SkipSpaces();
    int year = 0;
    if (!s.Number(4, &year) || year < 1990 || year > 2100) {
      Error(line, part + ": the due date needs a year from 1990 to 2100 after the month");
      return false;
    }
    date::year_month ym{date::year{year}, date::month{month}};
    if (day == 0) {
      due = Days(date::year_month_day_last{ym / date::last});
    } else {
      date::year_month_day ymd{ym / date::day(static_cast<unsigned>(day))};
      if (!ymd.ok()) {
        Error(line, part + ": invalid due date");
        return false;
      }
      due = Days(ymd);
    }
  }
  s.SkipSpaces();
  s.Char('.');
  c->due.date = *due;
  // Text after the due date is unusual but kept: nothing is dropped silently.
  std::string_view body =
      std::string_view(cell.text).substr(row.label.end, due_begin - row.label.end);
  c->text = Join(body, std::string_view(cell.text).substr(s.Offset()));
  Folded body_folded = Fold(c->text);
  for (const LabelHit& hit : FindCellLabels(body_folded)) {
    if (hit.kind != CellLabel::kEvidence) continue;
    c->verification = std::string(Trim(std::string_view(c->text).substr(hit.end)));
    break;
  }
  return true;
}

bool ReportParser::ReadFulfilmentCell(const Row& row, Commitment* c) {
  const Cell& cell = row.cells[2];
  std::string_view text = cell.text;
  Folded f = Fold(text);
  std::vector<LabelHit> hits = FindCellLabels(f);
  std::string account(Trim(text.substr(0, hits.empty() ? text.size() : hits.front().begin)));
  std::string observation, evidence, rating;
  int rating_line = 0;
  for (size_t k = 0; k < hits.size(); ++k) {
    size_t end = k + 1 < hits.size() ? hits[k + 1].begin : text.size();
    std::string_view value = text.substr(hits[k].end, end - hits[k].end);
    switch (hits[k].kind) {
      case CellLabel::kObservation:
        Append(&observation, value);
        break;
      case CellLabel::kEvidence:
        Append(&evidence, value);
        break;
      case CellLabel::kRating:
        if (rating_line == 0) rating_line = cell.LineAt(hits[k].begin, row.line);
        Append(&rating, value);
        break;
    }
  }
  std::string part = PartName(c->number, c->part);
  bool ok = true;
  if (rating_line == 0) {
    Error(row.line, part + ": no rating in the Cumplimiento cell (expected 'Calificación: "
                           "En evaluación', 'Calificación: Cumplido (dd-mm-aaaa)', ...)");
    ok = false;
  } else {
    std::string error;
    if (auto r = ParseRating(rating, &error)) {
      c->status = r->status;
      c->status_date = r->date ? r->date : cutoff_;
    } else {
      Error(rating_line, part + ": " + error);
      ok = false;
    }
  }
  if (!account.empty() && !observation.empty()) {
    c->observation = account + " Observación: " + observation;
  } else {
    c->observation = account.empty() ? observation : account;
  }
  c->evidence = evidence;
  return ok;
}

void ReportParser::BuildParts(Program* p) {
  std::map<int, int> last_part;                       // number -> highest part so far
  std::map<std::pair<int, int>, int> seen;            // (number, part) -> line
  std::string recommendation;
  for (const Row& row : rows_) {
    const PartLabel& label = row.label;
    if (label.number < 1 || label.number > 9999) {
      Error(row.line, "'" + label.text + "': commitment numbers go from 1 to 9999");
      continue;
    }
    Commitment c;
    c.number = label.number;
    auto last = last_part.find(c.number);
    if (label.kind == PartLabel::kNumbered ||
        (label.kind == PartLabel::kOrdinal && label.part == 1)) {
      c.part = 1;
    } else if (last == last_part.end()) {
      Error(row.line, "'" + label.text + "' continues commitment " + std::to_string(c.number) +
                          ", which has not appeared before");
      continue;
    } else if (label.kind == PartLabel::kContinuation) {
      c.part = last->second + 1;
    } else {
      c.part = label.part;
    }
    if (c.part > 99) {
      Error(row.line, "'" + label.text + "': a commitment has at most 99 parts");
      continue;
    }
    auto [it, fresh] = seen.emplace(std::make_pair(c.number, c.part), row.line);
    if (!fresh) {
      Error(row.line, "'" + label.text + "': " + PartName(c.number, c.part) +
                          " appears twice (first at line " + std::to_string(it->second) + ")");
      continue;
    }
    last_part[c.number] = std::max(last == last_part.end() ? 0 : last->second, c.part);
    c.id = CommitmentId(c.number, c.part);
    c.pos = SourcePos{name_, row.line, 0};
    // An empty Recomendación cell stands for the one above, as in a merged cell.
    if (!row.cells[0].text.empty()) recommendation = row.cells[0].text;
    c.recommendation = recommendation;
    bool ok = ReadCommitmentCell(row, &c);
    ok = ReadFulfilmentCell(row, &c) && ok;
    if (ok) p->commitments.push_back(std::move(c));
  }
  std::stable_sort(p->commitments.begin(), p->commitments.end(),
                   [](const Commitment& a, const Commitment& b) {
                     return std::tie(a.number, a.part) < std::tie(b.number, b.part);
                   });
}

bool ReportParser::Parse(std::string_view text, ImportedReport* out) {
  if (!SplitLines(text)) return false;
  if (std::all_of(lines_.begin(), lines_.end(), [](const Line& l) { return IsBlank(l.text); })) {
    Error(1, "empty report");
    return false;
  }
  Program program;
  program.pos = SourcePos{name_, 1, 0};
  size_t table = FindTableStart();
  ReadHeader(table, &program);
  if (table == lines_.size()) {
    Error(lines_.back().number,
          "no commitment table: expected rows 'Recomendación<TAB>Compromiso<TAB>Cumplimiento' "
          "after the header");
    return false;
  }
  ReadRows(table);
  if (rows_.empty() && errors_ == 0) {
    Error(lines_[table].number, "the commitment table has no rows");
  }
  BuildParts(&program);
  if (errors_ > 0) return false;
  out->program = std::move(program);
  return true;
}

}  // namespace

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

bool ParseReport(std::string_view text, const std::string& name, ImportedReport* out,
                 Diagnostics* diags) {
  ReportParser parser(name, diags);
  return parser.Parse(text, out);
}

}  // namespace plazo
