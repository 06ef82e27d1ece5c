// UTF-8 for the whole project: decoding one code point at a time, encoding,
// and cutting byte strings without splitting a character. Text from reports,
// the store and templates passes through these, so there is one definition
// of what valid UTF-8 is (strict: no overlong forms, no surrogates, nothing
// past U+10FFFF).
#ifndef PLAZO_BASE_UTF8_H_
#define PLAZO_BASE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace plazo {

// U+FFFD, what invalid UTF-8 becomes wherever text is repaired.
inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point at s[*i] into *cp and advances *i past it. Requires
// *i < s.size(). Returns false, leaving *i and *cp alone, when the bytes at
// *i are not a valid sequence (a stray continuation byte, a truncated,
// overlong or surrogate sequence, a value past U+10FFFF).
[[nodiscard]] bool DecodeUtf8(std::string_view s, size_t* i, char32_t* cp);

// The code point at s[*i], advancing *i past it; an invalid byte gives
// kReplacementChar and advances *i by one, so that a loop over broken text
// still visits every byte. Requires *i < s.size(). Never fails.
[[nodiscard]] char32_t NextCodePoint(std::string_view s, size_t* i);

// Appends the UTF-8 encoding of cp to *out. cp must be a Unicode scalar
// value (at most U+10FFFF, not a surrogate); callers repair others first.
void AppendUtf8(std::string* out, char32_t cp);

// Whether c is a continuation byte (10xxxxxx), one that cannot start a
// character.
[[nodiscard]] constexpr bool IsUtf8Continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The largest cut <= n at which s can be split without cutting a character
// in two: n itself when n >= s.size() or s[n] starts a character, else the
// start of the character s[n] belongs to. 0 when s[0..n] holds only
// continuation bytes (invalid text); callers then choose where to cut.
[[nodiscard]] size_t Utf8Boundary(std::string_view s, size_t n);

}  // namespace plazo

#endif  // PLAZO_BASE_UTF8_H_
