// ParseUsersFile (config/users_file.h) on any text an admin's editor could
// leave in [http] users_file. Aborts on a crash, on an accepted user with
// an empty or blank-holding name, or when the accepted users written back
// as name:hash lines do not parse to the same users.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/users_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  plazo::WebUsers users;
  plazo::Diagnostics diags;
  if (!plazo::ParseUsersFile(text, "users", &users, &diags)) {
    if (diags.empty()) std::abort();  // refused without saying why
    return 0;
  }
  std::string again;
  for (const auto& [name, hash] : users) {
    if (name.empty() || name.find_first_of(" \t\n") != std::string::npos) std::abort();
    again += name + ":" + hash + "\n";
  }
  plazo::WebUsers reparsed;
  plazo::Diagnostics more;
  if (!plazo::ParseUsersFile(again, "users", &reparsed, &more) || reparsed != users) std::abort();
  return 0;
}
