// Text seen the way the report importer matches labels: one code point per
// char, Latin letters folded to lowercase ASCII, so that "CONTINUACIÓN",
// "Continuacion" and "continuación" all read "continuacion". Shared by the
// scanner (report_scanner.h), which finds header fields and row starts, and
// the parser (report_parser.h), which reads the values.
#ifndef PLAZO_IMPORT_FOLDED_TEXT_H_
#define PLAZO_IMPORT_FOLDED_TEXT_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace plazo {

[[nodiscard]] inline bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }
[[nodiscard]] inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Plain text seen one code point per char: Latin letters folded to lowercase
// ASCII (FoldChar), other non-ASCII as '\x01'. at[k] is the byte offset in
// text of key[k]; at[key.size()] is text.size(). text must outlive it.
struct Folded {
  std::string_view text;
  std::string key;
  std::vector<size_t> at;
};

// text folded; invalid UTF-8 counts one U+FFFD per byte. Never fails.
[[nodiscard]] Folded Fold(std::string_view text);

// Whether key[k] starts a word: the first char, or after a char that is
// neither a letter nor a digit.
[[nodiscard]] bool AtWordStart(const Folded& f, size_t k);

// A cursor over a folded key. Words match whole: "parte" does not match the
// start of "partes". Every matcher moves the cursor past what it matched and
// returns true, or leaves it alone and returns false; their results are not
// [[nodiscard]], since ignoring one is how an optional word is skipped.
struct FoldedCursor {
  const Folded& f;
  size_t pos = 0;

  [[nodiscard]] bool AtEnd() const { return pos >= f.key.size(); }
  // The char at the cursor, '\0' at the end.
  [[nodiscard]] char Peek() const { return AtEnd() ? '\0' : f.key[pos]; }
  void SkipSpaces() {
    while (Peek() == ' ') ++pos;
  }
  bool Char(char c);
  bool Word(std::string_view w);
  // Words separated by optional spaces; all or nothing.
  bool Phrase(std::initializer_list<std::string_view> words);
  // 1 to max_digits digits not followed by another digit, into *value.
  bool Number(size_t max_digits, int* value);
  // A run of letters, as folded; empty (and not moved) when none.
  std::string_view Letters();
  // The byte offset in f.text of the cursor.
  [[nodiscard]] size_t Offset() const { return f.at[pos < f.key.size() ? pos : f.key.size()]; }
};

// Appends piece, trimmed of spaces, to *text with one space between them;
// nothing when piece is blank. In place, so that values built from many
// pieces stay linear.
void AppendWords(std::string* text, std::string_view piece);

// For messages: at most n bytes of s, cut at a character boundary, with
// "..." when cut.
[[nodiscard]] std::string Excerpt(std::string_view s, size_t n = 60);

}  // namespace plazo

#endif  // PLAZO_IMPORT_FOLDED_TEXT_H_
