#include "import/plain_text.h"

#include <algorithm>
#include <array>
#include <string>

namespace plazo {

// The lowercase ASCII letter a Latin letter stands for when labels are
// matched ("Ó" -> 'o', "ñ" -> 'n'), the character itself for other ASCII, and
// 0 for everything else. "°" and "º" fold to 'o' so that "N°" reads as "No".
char FoldChar(char32_t cp) {
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if ((cp >= 0xC0 && cp <= 0xC5) || (cp >= 0xE0 && cp <= 0xE5) || cp == 0xAA) return 'a';
  if (cp == 0xC7 || cp == 0xE7) return 'c';
  if ((cp >= 0xC8 && cp <= 0xCB) || (cp >= 0xE8 && cp <= 0xEB)) return 'e';
  if ((cp >= 0xCC && cp <= 0xCF) || (cp >= 0xEC && cp <= 0xEF)) return 'i';
  if (cp == 0xD1 || cp == 0xF1) return 'n';
  if ((cp >= 0xD2 && cp <= 0xD6) || cp == 0xD8 || (cp >= 0xF2 && cp <= 0xF6) || cp == 0xF8 ||
      cp == 0xB0 || cp == 0xBA) {
    return 'o';
  }
  if ((cp >= 0xD9 && cp <= 0xDC) || (cp >= 0xF9 && cp <= 0xFC)) return 'u';
  if (cp == 0xDD || cp == 0xFD || cp == 0xFF) return 'y';
  return 0;
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsSpaceCodePoint(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// ---------------------------------------------------------------------------
// HTML to plain text

// Named character references: U+00A0 to U+00DF in code point order, then
// the others that office documents produce. The small letters U+00E0 to
// U+00FE are named as their capitals 32 code points down, in lowercase
// ("Agrave" -> "agrave", "AElig" -> "aelig", "THORN" -> "thorn"), except
// for the two places where the blocks do not pair up: U+00F7 "divide"
// beside U+00D7 "times", U+00FF "yuml" beside U+00DF "szlig".
constexpr std::array<std::string_view, 64> kLatin1Names = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",
    "uml",    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",
    "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",  "para",   "middot",
    "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
    "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",
    "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",
    "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",
};
constexpr size_t kCapitals = 32;  // where the capital letters start in kLatin1Names
constexpr size_t kTimes = 0x17, kSzlig = 0x1F;  // U+00D7, U+00DF: no small form

struct NamedEntity {
  std::string_view name;
  char32_t cp;
};

constexpr std::array<NamedEntity, 36> kOtherEntities = {{
    {"amp", '&'},        {"lt", '<'},         {"gt", '>'},         {"quot", '"'},
    {"apos", '\''},      {"ndash", 0x2013},   {"mdash", 0x2014},   {"lsquo", 0x2018},
    {"rsquo", 0x2019},   {"sbquo", 0x201A},   {"ldquo", 0x201C},   {"rdquo", 0x201D},
    {"bdquo", 0x201E},   {"hellip", 0x2026},  {"bull", 0x2022},    {"euro", 0x20AC},
    {"trade", 0x2122},   {"dagger", 0x2020},  {"Dagger", 0x2021},  {"permil", 0x2030},
    {"lsaquo", 0x2039},  {"rsaquo", 0x203A},  {"OElig", 0x152},    {"oelig", 0x153},
    {"Scaron", 0x160},   {"scaron", 0x161},   {"Yuml", 0x178},     {"circ", 0x2C6},
    {"tilde", 0x2DC},    {"ensp", 0x2002},    {"emsp", 0x2003},    {"thinsp", 0x2009},
    {"zwj", 0x200D},     {"zwnj", 0x200C},    {"divide", 0xF7},    {"yuml", 0xFF},
}};

// What HTML makes of numeric references into the C1 range: Windows-1252.
constexpr std::array<char32_t, 32> kWindows1252 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

// The code point of a named reference, or 0 when the name is unknown.
char32_t LookupEntity(std::string_view name) {
  for (size_t k = 0; k < kLatin1Names.size(); ++k) {
    if (kLatin1Names[k] == name) return static_cast<char32_t>(0xA0 + k);
  }
  // A small letter: its capital's name in lowercase.
  for (size_t k = 0; k < kCapitals; ++k) {
    std::string_view capital = kLatin1Names[kCapitals + k];
    if (k == kTimes || k == kSzlig || capital.size() != name.size()) continue;
    if (std::equal(capital.begin(), capital.end(), name.begin(), [](char c, char n) {
          return (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == n;
        })) {
      return static_cast<char32_t>(0xE0 + k);
    }
  }
  for (const NamedEntity& e : kOtherEntities) {
    if (e.name == name) return e.cp;
  }
  return 0;
}

// A numeric reference's value made safe for plain text: what cannot appear
// in it (NUL, surrogates, controls, values past Unicode) becomes U+FFFD.
char32_t SafeCodePoint(uint32_t v) {
  if (v >= 0x80 && v <= 0x9F) {
    char32_t w = kWindows1252[v - 0x80];
    return w ? w : kReplacementChar;
  }
  if (v == '\t' || v == '\n' || v == '\r' || v == '\f') return ' ';
  if (v == 0 || v < 0x20 || v == 0x7F || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    return kReplacementChar;
  }
  return static_cast<char32_t>(v);
}

// Decodes the character reference at html[i] ('&') into *out. Returns the
// position after it, or i when it is not a reference (a lone '&').
size_t DecodeEntity(std::string_view html, size_t i, std::string* out) {
  size_t p = i + 1;
  if (p < html.size() && html[p] == '#') {
    ++p;
    bool hex = p < html.size() && (html[p] == 'x' || html[p] == 'X');
    if (hex) ++p;
    uint32_t v = 0;
    size_t digits = 0;
    for (; p < html.size(); ++p, ++digits) {
      char c = html[p];
      int d = IsDigit(c) ? c - '0'
              : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
      if (d < 0) break;
      if (v <= 0x10FFFF) v = v * (hex ? 16 : 10) + static_cast<uint32_t>(d);
    }
    if (digits == 0) return i;
    if (p < html.size() && html[p] == ';') ++p;
    AppendUtf8(out, SafeCodePoint(v));
    return p;
  }
  size_t start = p;
  while (p < html.size() && p - start < 10 &&
         ((html[p] >= 'a' && html[p] <= 'z') || (html[p] >= 'A' && html[p] <= 'Z') ||
          IsDigit(html[p]))) {
    ++p;
  }
  if (p == start || p >= html.size() || html[p] != ';') return i;
  char32_t cp = LookupEntity(html.substr(start, p - start));
  if (cp == 0) return i;
  AppendUtf8(out, cp);
  return p + 1;
}

bool IsBlockTag(std::string_view name) {
  static constexpr std::array<std::string_view, 27> kBlock = {
      "p",  "br", "div", "li", "ul", "ol", "tr",  "td",         "th",      "table",
      "h1", "h2", "h3",  "h4", "h5", "h6", "hr",  "blockquote", "dd",      "dt",
      "dl", "pre", "tbody", "thead", "section", "article", "center"};
  return std::find(kBlock.begin(), kBlock.end(), name) != kBlock.end();
}

// If html[i] ('<') opens a tag or comment, returns the position after it and
// sets *block for tags that separate words. Returns i for a '<' that is just
// text ("a < b", or a tag never closed on this line).
// last_comment_end is html.rfind("-->"): with it an unclosed "<!--" costs no
// scan, so that many of them stay linear.
size_t SkipTag(std::string_view html, size_t i, size_t last_comment_end, bool* block) {
  *block = false;
  size_t p = i + 1;
  if (p >= html.size()) return i;
  if (html.substr(p, 3) == "!--") {
    if (last_comment_end == std::string_view::npos || last_comment_end < p + 3) return i;
    return html.find("-->", p + 3) + 3;
  }
  if (html[p] == '/') ++p;
  size_t name_start = p;
  while (p < html.size() && ((html[p] >= 'a' && html[p] <= 'z') ||
                             (html[p] >= 'A' && html[p] <= 'Z') || IsDigit(html[p]))) {
    ++p;
  }
  bool named = p > name_start && !IsDigit(html[name_start]);
  if (!named && !(name_start == i + 1 && p < html.size() && (html[p] == '!' || html[p] == '?'))) {
    return i;
  }
  size_t end = html.find_first_of("<>", p);
  if (end == std::string_view::npos || html[end] == '<') return i;
  std::string name;
  for (size_t k = name_start; k < p; ++k) name += FoldChar(static_cast<unsigned char>(html[k]));
  *block = IsBlockTag(name);
  return end + 1;
}

// Folds whitespace runs to one space, trims, drops soft hyphens and
// zero-width no-break spaces, and replaces invalid UTF-8 with U+FFFD.
std::string FoldSpaces(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool space = false;
  for (size_t i = 0; i < raw.size();) {
    char32_t cp = NextCodePoint(raw, &i);
    if (cp == 0xAD || cp == 0xFEFF) continue;
    if (IsSpaceCodePoint(cp)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    AppendUtf8(&out, cp);
  }
  return out;
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  std::string raw;
  raw.reserve(html.size());
  size_t last_comment_end = html.rfind("-->");
  for (size_t i = 0; i < html.size();) {
    char c = html[i];
    if (c == '<') {
      bool block = false;
      size_t next = SkipTag(html, i, last_comment_end, &block);
      if (next != i) {
        if (block) raw += ' ';
        i = next;
        continue;
      }
    } else if (c == '&') {
      size_t next = DecodeEntity(html, i, &raw);
      if (next != i) {
        i = next;
        continue;
      }
    }
    raw += c;
    ++i;
  }
  return FoldSpaces(raw);
}

}  // namespace plazo
