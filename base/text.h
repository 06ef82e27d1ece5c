// Small string helpers shared by the parsers and renderers.
#ifndef PLAZO_BASE_TEXT_H_
#define PLAZO_BASE_TEXT_H_

#include <string_view>

namespace plazo {

// Space and horizontal tab: what separates words on one line.
inline constexpr std::string_view kBlanks = " \t";

// s without the characters of blanks at either end (by default spaces and
// tabs). A view into s; empty when s holds nothing else. Never fails.
[[nodiscard]] constexpr std::string_view Trim(std::string_view s,
                                              std::string_view blanks = kBlanks) {
  size_t begin = s.find_first_not_of(blanks);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(blanks) - begin + 1);
}

}  // namespace plazo

#endif  // PLAZO_BASE_TEXT_H_
