#include "base/mailbox.h"

#include <algorithm>

#include "base/text.h"

namespace plazo {
namespace {

bool IsLocalPartChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
}

bool IsDomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

bool IsControl(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

}  // namespace

bool IsEmailAddress(std::string_view text) {
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size()) return false;
  std::string_view local = text.substr(0, at);
  std::string_view domain = text.substr(at + 1);
  if (local.size() > 64 || domain.size() > 253) return false;
  if (!std::all_of(local.begin(), local.end(), IsLocalPartChar)) return false;
  if (local.front() == '.' || local.back() == '.') return false;
  if (!std::all_of(domain.begin(), domain.end(), IsDomainChar)) return false;
  if (domain.front() == '.' || domain.back() == '.' || domain.front() == '-') return false;
  return domain.find("..") == std::string_view::npos;
}

bool IsQualifiedEmailAddress(std::string_view text) {
  return IsEmailAddress(text) && text.find('.', text.rfind('@')) != std::string_view::npos;
}

bool ParseMailbox(std::string_view text, Mailbox* out) {
  text = Trim(text);
  Mailbox m;
  size_t open = text.rfind('<');
  if (open == std::string_view::npos) {
    m.address = std::string(text);
  } else {
    if (text.back() != '>') return false;
    m.address = std::string(text.substr(open + 1, text.size() - open - 2));
    std::string_view name = Trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
      for (size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '\\' && i + 1 < name.size()) ++i;
        m.name += name[i];
      }
    } else {
      m.name = std::string(name);
    }
  }
  if (!IsEmailAddress(m.address)) return false;
  if (std::any_of(m.name.begin(), m.name.end(), IsControl)) return false;
  *out = std::move(m);
  return true;
}

}  // namespace plazo
