// base/utf8.h, and the character references of import/plain_text.h whose
// names are derived rather than listed.
#include <string>

#include <catch2/catch.hpp>

#include "base/utf8.h"
#include "import/plain_text.h"

namespace plazo {
namespace {

// Every code point of s, invalid bytes as U+FFFD.
std::u32string CodePoints(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) out += NextCodePoint(s, &i);
  return out;
}

TEST_CASE("DecodeUtf8 is strict and leaves the position on failure", "[utf8]") {
  size_t i = 0;
  char32_t cp = 0;
  CHECK(DecodeUtf8("\xC3\xB3x", &i, &cp));
  CHECK(cp == 0xF3);
  CHECK(i == 2);
  for (std::string_view bad : {"\xC0\xAF",           // overlong '/'
                               "\xED\xA0\x80",       // surrogate U+D800
                               "\xF4\x90\x80\x80",   // U+110000
                               "\xE2\x82",           // truncated
                               "\x80", "\xFF"}) {
    size_t at = 0;
    CHECK_FALSE(DecodeUtf8(bad, &at, &cp));
    CHECK(at == 0);
  }
}

TEST_CASE("NextCodePoint repairs one byte at a time", "[utf8]") {
  CHECK(CodePoints("a\xC3\xB1" "b") == U"a\u00F1b");
  CHECK(CodePoints("\xE2\x82" "b") == U"\uFFFD\uFFFDb");
  CHECK(CodePoints("\xF0\x9F\x93\x85") == U"\U0001F4C5");
}

TEST_CASE("AppendUtf8 writes what DecodeUtf8 reads", "[utf8]") {
  for (char32_t cp : {U'A', U'\u00F1', U'\u20AC', U'\U0001F4C5', U'\U0010FFFF'}) {
    std::string s;
    AppendUtf8(&s, cp);
    size_t i = 0;
    char32_t back = 0;
    REQUIRE(DecodeUtf8(s, &i, &back));
    CHECK(back == cp);
    CHECK(i == s.size());
  }
}

TEST_CASE("Utf8Boundary never cuts a character", "[utf8]") {
  const std::string s = "a\xC3\xB1\xE2\x82\xAC";  // a ñ €
  CHECK(Utf8Boundary(s, 1) == 1);
  CHECK(Utf8Boundary(s, 2) == 1);  // inside ñ
  CHECK(Utf8Boundary(s, 3) == 3);
  CHECK(Utf8Boundary(s, 5) == 3);  // inside €
  CHECK(Utf8Boundary(s, 6) == 6);
  CHECK(Utf8Boundary(s, 99) == 99);
  CHECK(Utf8Boundary("\x80\x80", 1) == 0);
}

TEST_CASE("small Latin-1 letters are named as their capitals in lowercase", "[utf8]") {
  CHECK(HtmlToText("&Agrave;&agrave;&AElig;&aelig;&ETH;&eth;&THORN;&thorn;") ==
        "\u00C0\u00E0\u00C6\u00E6\u00D0\u00F0\u00DE\u00FE");
  // Where the blocks do not pair up.
  CHECK(HtmlToText("&times;&divide;&szlig;&yuml;&Yuml;") == "\u00D7\u00F7\u00DF\u00FF\u0178");
  // Names are case-sensitive: neither of these is one.
  CHECK(HtmlToText("&AGRAVE; &Times;") == "&AGRAVE; &Times;");
}

}  // namespace
}  // namespace plazo
