// The daemon's copy of the configuration it accepted last (its "last good"
// configuration): the text of every settings, holidays and store file as it
// was when the daemon accepted it, kept in one file in the state folder. A
// daemon restarted while a file on disk is broken (a crash in the middle of
// an edit, a reboot) runs on these texts instead of refusing to start.
//
// The file is binary, versioned and checksummed, and replaced atomically:
//   "PLAZOCFG" u32 version, u32 count,
//   count × (i64 accepted_at, u32 path size, path, u32 text size, text),
//   u64 FNV-1a of every byte before it;
// integers little-endian. A reader refuses another version, a bad checksum
// and any size that runs past the end, so a torn or foreign file is never
// taken for a configuration.
#ifndef PLAZO_CONFIG_CONFIG_SNAPSHOT_H_
#define PLAZO_CONFIG_CONFIG_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace plazo {

// One file's text as the daemon accepted it.
struct AcceptedText {
  std::string text;
  int64_t accepted_at = 0;  // Unix seconds
};

// Accepted texts by file path (as the loaders name files).
using AcceptedTexts = std::map<std::string, AcceptedText>;

inline constexpr uint32_t kConfigSnapshotVersion = 1;

// <state>/last-good.config: where the daemon keeps the copy.
std::string ConfigSnapshotPath(const std::string& state_dir);

// The file's bytes for texts.
std::string EncodeConfigSnapshot(const AcceptedTexts& texts);

// Parses the bytes of a snapshot into *out. Returns false, with *error one
// sentence ("not a plazo configuration snapshot", "version 7, this plazod
// reads 1", "checksum mismatch", "truncated"), when data is not a whole
// snapshot of this version; *out is then untouched.
[[nodiscard]] bool DecodeConfigSnapshot(std::string_view data, AcceptedTexts* out,
                                        std::string* error);

// Reads the snapshot at path. A missing file is not an error: *out is then
// empty (a first start). Returns false with *error naming path and the
// reason when the file cannot be read or is not a valid snapshot.
[[nodiscard]] bool ReadConfigSnapshot(const std::string& path, AcceptedTexts* out,
                                      std::string* error);

// Replaces the snapshot at path with texts, atomically (mode 0640: it holds
// no secrets, but the store names officers). Returns false with *error set
// when a step fails; the previous snapshot is then unchanged.
[[nodiscard]] bool WriteConfigSnapshot(const std::string& path, const AcceptedTexts& texts,
                                       std::string* error);

}  // namespace plazo

#endif  // PLAZO_CONFIG_CONFIG_SNAPSHOT_H_
