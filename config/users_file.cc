#include "config/users_file.h"

#include "base/text.h"
#include "config/file_text.h"

namespace plazo {

namespace {

// "$2b$12$" and 53 characters of salt and hash, as crypt(3) writes them.
bool IsBcrypt(std::string_view hash) {
  if (hash.size() != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$')
    return false;
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (hash[4] < '0' || hash[4] > '3' || hash[5] < '0' || hash[5] > '9') return false;
  for (char c : hash.substr(7)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool ParseUsersFile(std::string_view text, const std::string& file, WebUsers* out,
                    Diagnostics* diags) {
  out->clear();
  size_t errors = diags->size();
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view content = Trim(line);
    if (content.empty() || content[0] == '#') continue;
    int column = static_cast<int>(content.data() - line.data()) + 1;
    size_t colon = content.find(':');
    if (colon == std::string_view::npos) {
      diags->Add(file, line_no, column, "expected 'name:bcrypt-hash' (see plazod hash-password)");
      continue;
    }
    std::string_view name = content.substr(0, colon), hash = content.substr(colon + 1);
    if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) {
      diags->Add(file, line_no, column, "a user name is not empty and has no blanks");
      continue;
    }
    if (!IsBcrypt(hash)) {
      diags->Add(file, line_no, column + static_cast<int>(colon) + 1,
                 "the hash of '" + std::string(name) +
                     "' is not a bcrypt hash ($2b$...); make one with plazod hash-password");
      continue;
    }
    if (!out->emplace(std::string(name), std::string(hash)).second) {
      diags->Add(file, line_no, column, "user '" + std::string(name) + "' is given twice");
    }
  }
  if (diags->size() == errors && out->empty()) {
    diags->Add(file, 1, 1, "no users: add a 'name:bcrypt-hash' line (see plazod hash-password)");
  }
  return diags->size() == errors;
}

bool LoadUsersFile(const std::string& path, WebUsers* out, Diagnostics* diags) {
  FileText f = ReadFileText(path);
  if (!f.error.empty()) {
    diags->Add(path, 0, 0, "users file " + f.error);
    return false;
  }
  return ParseUsersFile(f.text, path, out, diags);
}

}  // namespace plazo
