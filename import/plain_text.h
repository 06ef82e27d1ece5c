// Plain text out of the HTML fragments of compliance reports: tags and
// character references, whitespace, and the letter folding used to match
// labels regardless of case and accents.
#ifndef PLAZO_IMPORT_PLAIN_TEXT_H_
#define PLAZO_IMPORT_PLAIN_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/utf8.h"  // DecodeUtf8, NextCodePoint: how callers walk the text

namespace plazo {

// The lowercase ASCII letter a Latin letter stands for when labels are
// matched ("Ó" -> 'o', "ñ" -> 'n'), the character itself for other ASCII, and
// 0 for everything else. "°" and "º" fold to 'o' so that "N°" reads as "No".
[[nodiscard]] char FoldChar(char32_t cp);

// The plain text of an HTML fragment: tags stripped (block tags such as <p>,
// <br> and <li> become a space), character references decoded (named ones
// HTML documents commonly use, and numeric ones; unknown names stay as
// written), whitespace (including no-break spaces) folded to single spaces
// and trimmed. Expects valid UTF-8.
[[nodiscard]] std::string HtmlToText(std::string_view html);

}  // namespace plazo

#endif  // PLAZO_IMPORT_PLAIN_TEXT_H_
