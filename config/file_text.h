// Reading a whole input file, with a readable reason when that fails.
#ifndef PLAZO_CONFIG_FILE_TEXT_H_
#define PLAZO_CONFIG_FILE_TEXT_H_

#include <functional>
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

// ReadFileText with another size limit, for the daemon's own state files.
FileText ReadFileTextUpTo(const std::string& path, long long max_size);

// Where a loader gets a configuration file's text: ReadFileText, or the
// daemon's reader that prefers the last good copy of a file (see
// config_snapshot.h) and records what it read.
using TextReader = std::function<FileText(const std::string& path)>;

}  // namespace plazo

#endif  // PLAZO_CONFIG_FILE_TEXT_H_
