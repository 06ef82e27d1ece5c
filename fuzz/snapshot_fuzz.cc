// libFuzzer target for the reader of the daemon's last good configuration
// (config/config_snapshot.h). The file sits in the state folder and may be
// torn, truncated or from another version: any bytes must be refused or
// read, never crash or over-read. Besides that it checks that whatever is
// read encodes back to bytes that read the same.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/hash.h"
#include "config/config_snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plazo;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  AcceptedTexts texts;
  std::string error;
  if (DecodeConfigSnapshot(bytes, &texts, &error) != error.empty()) std::abort();
  // Most inputs fail the checksum; fix it up so the record parser is reached too.
  if (size >= 24) {
    std::string fixed(bytes.substr(0, size - 8));
    uint64_t sum = Fnv1a(fixed);
    for (int i = 0; i < 8; ++i) fixed.push_back(static_cast<char>((sum >> (8 * i)) & 0xff));
    error.clear();
    if (DecodeConfigSnapshot(fixed, &texts, &error)) {
      AcceptedTexts again;
      if (!DecodeConfigSnapshot(EncodeConfigSnapshot(texts), &again, &error)) std::abort();
      if (again.size() != texts.size()) std::abort();
      for (const auto& [path, accepted] : texts) {
        if (again[path].text != accepted.text || again[path].accepted_at != accepted.accepted_at) {
          std::abort();
        }
      }
    }
  }
  return 0;
}
