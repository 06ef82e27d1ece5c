#include "import/folded_text.h"

#include "base/text.h"
#include "base/utf8.h"
#include "import/plain_text.h"

namespace plazo {

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

bool AtWordStart(const Folded& f, size_t k) {
  return k == 0 || !(IsLetter(f.key[k - 1]) || IsDigit(f.key[k - 1]));
}

bool FoldedCursor::Char(char c) {
  if (Peek() != c) return false;
  ++pos;
  return true;
}

bool FoldedCursor::Word(std::string_view w) {
  if (pos > f.key.size() || f.key.compare(pos, w.size(), w) != 0) return false;
  size_t end = pos + w.size();
  if (end < f.key.size() && IsLetter(f.key[end])) return false;
  pos = end;
  return true;
}

bool FoldedCursor::Phrase(std::initializer_list<std::string_view> words) {
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

bool FoldedCursor::Number(size_t max_digits, int* value) {
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

std::string_view FoldedCursor::Letters() {
  size_t start = pos;
  while (IsLetter(Peek())) ++pos;
  return std::string_view(f.key).substr(start, pos - start);
}

void AppendWords(std::string* text, std::string_view piece) {
  piece = Trim(piece, " ");
  if (piece.empty()) return;
  if (!text->empty()) *text += ' ';
  *text += piece;
}

std::string Excerpt(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  return std::string(s.substr(0, Utf8Boundary(s, n))) + "...";
}

}  // namespace plazo
