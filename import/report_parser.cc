#include "import/report_parser.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <utility>

#include "base/text.h"
#include "config/diagnostics.h"
#include "config/store.h"
#include "import/folded_text.h"
#include "import/report_import.h"

namespace plazo {
namespace {

// "31-12-2024" or "31/12/2024" at the cursor, a valid date from 1990 to 2100.
// *invalid is set when digits are there but do not make such a date.
std::optional<Days> ReadNumericDate(FoldedCursor& s, bool* invalid) {
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
  FoldedCursor s{f};
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
  FoldedCursor s{f};
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

std::string PartName(int number, int part) {
  std::string s = "commitment " + std::to_string(number);
  if (part != 1) s += " part " + std::to_string(part);
  return s;
}

}  // namespace

void ReportParser::ReadHeader(const HeaderValues& values, Program* p) {
  const HeaderValue& title = values[kTitle];
  if (title.line == 0) {
    errors_->Add(
        1, "missing the report title ('INFORME DE CUMPLIMIENTO DE COMPROMISOS AL dd-mm-aaaa')");
  } else {
    // The cut-off date follows "AL", possibly on the title's next line.
    Folded f = Fold(title.text);
    FoldedCursor s{f};
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
      errors_->Add(title.line, "no valid cut-off date in the report title \"" +
                                   Excerpt(title.text) + "\" (expected '... AL dd-mm-aaaa')");
    }
    p->report_date = cutoff_;
  }
  const HeaderValue& name = values[kName];
  if (name.line == 0) {
    errors_->Add(1, "missing the program name ('Programa/Institución: ...')");
  } else if (name.text.empty()) {
    errors_->Add(name.line, "empty program name");
  } else {
    p->name = name.text;
    p->id = SlugFromName(name.text);
    p->pos = SourcePos{errors_->name(), name.line, 0};
  }
  p->ministry = values[kMinistry].text;
  p->service = values[kService].text;
  if (const HeaderValue& year = values[kYear]; year.line != 0) {
    Folded f = Fold(year.text);
    FoldedCursor s{f};
    int y = 0;
    if (s.Number(4, &y) && s.AtEnd() && y >= 1990 && y <= 2100) {
      p->evaluation_year = y;
    } else {
      errors_->Add(year.line, "cannot read the evaluation year \"" + Excerpt(year.text) +
                                  "\" (expected a year such as 2023)");
    }
  }
  if (const HeaderValue& rating = values[kRatingField]; rating.line != 0) {
    std::string error;
    if (auto r = ParseRating(rating.text, &error)) {
      p->rating = r->status;
    } else {
      errors_->Add(rating.line, "program: " + error);
    }
  }
  p->observation = values[kObservation].text;
}

bool ReportParser::ReadCommitmentCell(const Row& row, Commitment* c) {
  const Cell& cell = row.cells[1];
  Folded f = Fold(cell.text);
  FoldedCursor s{f};
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
    errors_->Add(row.line, part + " ('" + row.label.text +
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
    errors_->Add(line, part + ": invalid due date");
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
      errors_->Add(line, part + ": cannot read the due date \"" + Excerpt(rest) +
                             "\" (expected a month and a year, such as 'Junio 2025')");
      return false;
    }
    unsigned month = MonthNumber(word);
    if (month == 0) {
      errors_->Add(line, part + ": unknown month \"" +
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
      errors_->Add(line, part + ": the due date needs a year from 1990 to 2100 after the month");
      return false;
    }
    date::year_month ym{date::year{year}, date::month{month}};
    if (day == 0) {
      due = Days(date::year_month_day_last{ym / date::last});
    } else {
      date::year_month_day ymd{ym / date::day(static_cast<unsigned>(day))};
      if (!ymd.ok()) {
        errors_->Add(line, part + ": invalid due date");
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
  std::string text;
  AppendWords(&text, body);
  AppendWords(&text, std::string_view(cell.text).substr(s.Offset()));
  Folded body_folded = Fold(text);
  for (const LabelHit& hit : FindCellLabels(body_folded)) {
    if (hit.kind != CellLabel::kEvidence) continue;
    c->verification = Trim(std::string_view(text).substr(hit.end));
    break;
  }
  c->text = text;
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
        AppendWords(&observation, value);
        break;
      case CellLabel::kEvidence:
        AppendWords(&evidence, value);
        break;
      case CellLabel::kRating:
        if (rating_line == 0) rating_line = cell.LineAt(hits[k].begin, row.line);
        AppendWords(&rating, value);
        break;
    }
  }
  std::string part = PartName(c->number, c->part);
  bool ok = true;
  if (rating_line == 0) {
    errors_->Add(row.line, part +
                               ": no rating in the Cumplimiento cell (expected 'Calificación: "
                               "En evaluación', 'Calificación: Cumplido (dd-mm-aaaa)', ...)");
    ok = false;
  } else {
    std::string error;
    if (auto r = ParseRating(rating, &error)) {
      c->status = r->status;
      c->status_date = r->date ? r->date : cutoff_;
    } else {
      errors_->Add(rating_line, part + ": " + error);
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

void ReportParser::BuildParts(const std::vector<Row>& rows, Program* p) {
  std::map<int, int> last_part;                       // number -> highest part so far
  std::map<std::pair<int, int>, int> seen;            // (number, part) -> line
  std::string recommendation;
  for (const Row& row : rows) {
    const PartLabel& label = row.label;
    if (label.number < 1 || label.number > 9999) {
      errors_->Add(row.line, "'" + label.text + "': commitment numbers go from 1 to 9999");
      continue;
    }
    Commitment c;
    c.number = label.number;
    auto last = last_part.find(c.number);
    if (label.kind == PartLabel::kNumbered ||
        (label.kind == PartLabel::kOrdinal && label.part == 1)) {
      c.part = 1;
    } else if (last == last_part.end()) {
      errors_->Add(row.line, "'" + label.text + "' continues commitment " +
                                 std::to_string(c.number) + ", which has not appeared before");
      continue;
    } else if (label.kind == PartLabel::kContinuation) {
      c.part = last->second + 1;
    } else {
      c.part = label.part;
    }
    if (c.part > 99) {
      errors_->Add(row.line, "'" + label.text + "': a commitment has at most 99 parts");
      continue;
    }
    auto [it, fresh] = seen.emplace(std::make_pair(c.number, c.part), row.line);
    if (!fresh) {
      errors_->Add(row.line, "'" + label.text + "': " + PartName(c.number, c.part) +
                                 " appears twice (first at line " + std::to_string(it->second) +
                                 ")");
      continue;
    }
    last_part[c.number] = std::max(last == last_part.end() ? 0 : last->second, c.part);
    c.id = CommitmentId(c.number, c.part);
    c.line = row.line;
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

}  // namespace plazo
