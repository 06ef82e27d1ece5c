#include "import/part_label.h"

#include <array>

#include "base/text.h"
#include "import/folded_text.h"

namespace plazo {
namespace {

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

}  // namespace

// Reads "COMPROMISO 4:", "CONTINUACIÓN COMPROMISO 1", "Segunda parte
// Compromiso 4:", "Compromiso N° 4." and the like at the start of text.
PartLabel ReadPartLabel(std::string_view text) {
  Folded f = Fold(text);
  FoldedCursor s{f};
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

}  // namespace plazo
