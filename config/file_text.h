// Reading a whole input file, with a readable reason when that fails.
#ifndef PLAZO_CONFIG_FILE_TEXT_H_
#define PLAZO_CONFIG_FILE_TEXT_H_

#include <string>

namespace plazo {

struct FileText {
  std::string text;
  std::string error;  // empty on success, else "cannot read: <reason>"
};

// Reads path whole. Fails for folders, unreadable and missing files.
FileText ReadFileText(const std::string& path);

}  // namespace plazo

#endif  // PLAZO_CONFIG_FILE_TEXT_H_
