// libFuzzer target for the readers of the daemon's last good configuration
// (config/config_snapshot.h) and of the store snapshot
// (config/store_snapshot.h). Both files sit in the state folder and may be
// torn, truncated or from another version: any bytes must be refused or
// read up to the first damaged record, never crash or over-read. Besides
// that it checks that whatever is read encodes back to bytes that read the
// same. Each input is read as a whole file and, behind a valid header, as
// records; fuzz/snapshot_corpus holds both kinds.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_snapshot.h"
#include "config/store_snapshot.h"

namespace {

// The store snapshot's reader: refuse or read, and every entry that decodes
// encodes back to bytes that decode to the same program.
void FuzzStoreSnapshot(std::string_view bytes) {
  using namespace plazo;
  std::string start = EncodeSnapshotStart(42);
  for (std::string input : {std::string(bytes), start + std::string(bytes)}) {
    StoreSnapshot snap;
    std::string error;
    if (!DecodeStoreSnapshot(std::make_shared<const std::string>(input), &snap, &error)) {
      if (error.empty()) std::abort();
      continue;
    }
    std::string buffer;
    for (const auto& [path, entry] : snap.files) {
      Program p;
      std::vector<Diagnostic> warnings;
      if (!DecodeEntry(snap, entry, path, &p, &warnings, &buffer)) continue;
      std::string record =
          EncodeSnapshotFile(path, entry.identity, entry.checked_ns, entry.text_hash, p, warnings);
      StoreSnapshot again;
      if (!DecodeStoreSnapshot(std::make_shared<const std::string>(start + record), &again,
                               &error) ||
          again.files.size() != 1) {
        std::abort();
      }
      Program q;
      std::vector<Diagnostic> w2;
      if (!DecodeEntry(again, again.files.begin()->second, path, &q, &w2, &buffer) ||
          EncodeSnapshotFile(path, entry.identity, entry.checked_ns, entry.text_hash, q, w2) !=
              record) {
        std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plazo;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  FuzzStoreSnapshot(bytes);
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
