#include "base/ids.h"

#include <algorithm>

namespace plazo {
namespace {

bool IsLowerOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsIdPunctuation(char c) { return c == '.' || c == '_' || c == '-'; }

}  // namespace

bool IsSlug(std::string_view text) {
  if (text.empty() || text.size() > 100 || !IsLowerOrDigit(text.front())) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return IsLowerOrDigit(c) || IsIdPunctuation(c); });
}

bool IsToken(std::string_view text) {
  if (text.empty() || text.size() > 200) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return IsLowerOrDigit(c) || (c >= 'A' && c <= 'Z') || IsIdPunctuation(c);
  });
}

bool IsSafeFileName(std::string_view text) { return IsToken(text) && text.front() != '.'; }

}  // namespace plazo
