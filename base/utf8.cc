#include "base/utf8.h"

namespace plazo {

bool DecodeUtf8(std::string_view s, size_t* i, char32_t* cp) {
  size_t p = *i;
  unsigned char c = static_cast<unsigned char>(s[p]);
  if (c < 0x80) {
    *cp = c;
    *i = p + 1;
    return true;
  }
  size_t n;  // continuation bytes
  char32_t v, min;
  if ((c & 0xE0) == 0xC0) {
    n = 1, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3, v = c & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (n >= s.size() - p) return false;
  for (size_t k = 1; k <= n; ++k) {
    char d = s[p + k];
    if (!IsUtf8Continuation(d)) return false;
    v = (v << 6) | (static_cast<unsigned char>(d) & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
  *cp = v;
  *i = p + n + 1;
  return true;
}

char32_t NextCodePoint(std::string_view s, size_t* i) {
  char32_t cp;
  if (DecodeUtf8(s, i, &cp)) return cp;
  ++*i;
  return kReplacementChar;
}

void AppendUtf8(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t Utf8Boundary(std::string_view s, size_t n) {
  if (n >= s.size()) return n;
  while (n > 0 && IsUtf8Continuation(s[n])) --n;
  return n;
}

}  // namespace plazo
