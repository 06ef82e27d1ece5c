// The label that opens a commitment part's Compromiso cell: "COMPROMISO 4:",
// "CONTINUACIÓN COMPROMISO 1", "Segunda parte Compromiso 4", "Compromiso N°
// 4." and the like, in any case, with or without accents. The scanner uses it
// to tell a new row from the continuation of one across a page break; the
// parser to number the parts.
#ifndef PLAZO_IMPORT_PART_LABEL_H_
#define PLAZO_IMPORT_PART_LABEL_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace plazo {

struct PartLabel {
  enum Kind { kNone, kNumbered, kContinuation, kOrdinal };
  Kind kind = kNone;
  int number = 0;    // as written (0 for five digits or more); may be out of range
  int part = 1;      // for kNumbered and kOrdinal: 1 for kNumbered, the ordinal's value
  size_t end = 0;    // byte offset in the text where the part's own words start
  std::string text;  // the label as written, for messages
};

// Reads the label at the start of text (plain text, HtmlToText). kind is
// kNone when text does not open with one; never fails otherwise.
[[nodiscard]] PartLabel ReadPartLabel(std::string_view text);

}  // namespace plazo

#endif  // PLAZO_IMPORT_PART_LABEL_H_
