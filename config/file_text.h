// Reading a whole input file, with a readable reason when that fails.
#ifndef PLAZO_CONFIG_FILE_TEXT_H_
#define PLAZO_CONFIG_FILE_TEXT_H_

#include <string>

namespace plazo {

struct FileText {
  std::string text;
  std::string error;  // empty on success, else "cannot read: <reason>"
};

// Input files larger than this are refused: no report or store file comes
// near it, and a runaway file must not exhaust memory.
inline constexpr long long kMaxFileSize = 64LL * 1024 * 1024;

// Reads path whole. Fails for folders, devices, FIFOs, files over
// kMaxFileSize, unreadable and missing files.
FileText ReadFileText(const std::string& path);

}  // namespace plazo

#endif  // PLAZO_CONFIG_FILE_TEXT_H_
