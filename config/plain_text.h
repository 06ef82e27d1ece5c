// Plain text out of the HTML fragments of compliance reports: UTF-8
// decoding, tags and character references, whitespace, and the letter
// folding used to match labels regardless of case and accents.
#ifndef PLAZO_CONFIG_PLAIN_TEXT_H_
#define PLAZO_CONFIG_PLAIN_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace plazo {

// What invalid UTF-8 becomes.
inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point at s[*i] and advances *i past it. Strict: overlong
// forms, surrogates and values past U+10FFFF are invalid. On an invalid
// sequence returns false and leaves *i alone.
bool DecodeUtf8(std::string_view s, size_t* i, char32_t* cp);

// The lowercase ASCII letter a Latin letter stands for when labels are
// matched ("Ó" -> 'o', "ñ" -> 'n'), the character itself for other ASCII, and
// 0 for everything else. "°" and "º" fold to 'o' so that "N°" reads as "No".
char FoldChar(char32_t cp);

// The plain text of an HTML fragment: tags stripped (block tags such as <p>,
// <br> and <li> become a space), character references decoded (named ones
// HTML documents commonly use, and numeric ones; unknown names stay as
// written), whitespace (including no-break spaces) folded to single spaces
// and trimmed. Expects valid UTF-8.
std::string HtmlToText(std::string_view html);

}  // namespace plazo

#endif  // PLAZO_CONFIG_PLAIN_TEXT_H_
