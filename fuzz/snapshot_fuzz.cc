// libFuzzer target for the reader of the daemon's last good configuration
// (config/config_snapshot.h). The file sits in the state folder and may be
// torn, truncated or from another version: any bytes must be refused or
// read up to the first damaged record, never crash or over-read. Besides
// that it checks that whatever is read encodes back to bytes that read the
// same. Each input is read as a whole file and, behind a valid header, as
// records; fuzz/snapshot_corpus holds both kinds.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config_snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plazo;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Behind a valid header, so that the record parser is what gets fuzzed.
  std::string file = EncodeConfigSnapshot({});
  file.append(bytes.data(), bytes.size());
  for (std::string_view input : {bytes, std::string_view(file)}) {
    AcceptedTexts texts;
    std::string damage, error;
    if (!DecodeConfigSnapshot(input, &texts, &damage, &error)) {
      if (error.empty()) std::abort();
      continue;
    }
    // Whatever was read is written back whole and reads the same.
    AcceptedTexts again;
    if (!DecodeConfigSnapshot(EncodeConfigSnapshot(texts), &again, &damage, &error) ||
        !damage.empty() || again.size() != texts.size()) {
      std::abort();
    }
    for (const auto& [path, accepted] : texts) {
      if (again[path].text != accepted.text || again[path].accepted_at != accepted.accepted_at) {
        std::abort();
      }
    }
  }
  return 0;
}
