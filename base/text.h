// Small string helpers shared by the parsers and renderers.
#ifndef PLAZO_BASE_TEXT_H_
#define PLAZO_BASE_TEXT_H_

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
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

// "1 program", "3 programs": n and the noun in the number n asks for, for
// English log lines and command output (messages to people take their
// plurals from the templates' phrases instead).
[[nodiscard]] inline std::string CountNoun(long long n, std::string_view one,
                                           std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// text as a whole number: decimal digits only (no sign, no blanks), at most
// max. nullopt for anything else, a number past max included.
[[nodiscard]] inline std::optional<uint64_t> WholeNumber(std::string_view text, uint64_t max) {
  uint64_t n = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  auto [at, error] = std::from_chars(text.data(), end, n);
  if (error != std::errc() || at != end || n > max) return std::nullopt;
  return n;
}

}  // namespace plazo

#endif  // PLAZO_BASE_TEXT_H_
