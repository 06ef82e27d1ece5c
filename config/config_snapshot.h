// The daemon's copy of the configuration it accepted last (its "last good"
// configuration): the text of every settings, holidays and store file as it
// was when the daemon accepted it, kept in one file in the state folder. A
// daemon restarted while a file on disk is broken (a crash in the middle of
// an edit, a reboot) runs on these texts instead of refusing to start.
//
// The file is a log of records after a header (record_file.h's framing,
// integers little-endian):
//   header: "PLAZOCFG", u32 version
//   record: u32 body size, body, u64 FNV-1a of the body
//   body:   i64 accepted_at, u8 removed, u32 path size, path, u32 text size, text
// A later record for a path replaces an earlier one; "removed" drops it.
// After a store edit the daemon appends the records of the files that
// changed, so one edit costs that file, not the store (SPEC 8); it rewrites
// the file whole (atomically) after a whole load and once superseded records
// outweigh the live ones. A reader applies records up to the first one that
// is torn or damaged, so a crash during an append leaves the state before it.
#ifndef PLAZO_CONFIG_CONFIG_SNAPSHOT_H_
#define PLAZO_CONFIG_CONFIG_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plazo {

// One file's text as the daemon accepted it.
struct AcceptedText {
  std::string text;
  int64_t accepted_at = 0;  // Unix seconds
};

// Accepted texts by file path (as the loaders name files, lexically normal).
using AcceptedTexts = std::map<std::string, AcceptedText>;

// A change to the copy: path accepted anew, or removed when nullopt.
struct SnapshotEdit {
  std::string path;
  std::optional<AcceptedText> accepted;
};

inline constexpr uint32_t kConfigSnapshotVersion = 1;

// <state>/last-good.config: where the daemon keeps the copy.
std::string ConfigSnapshotPath(const std::string& state_dir);

// A whole file holding texts: the header and one record per path.
std::string EncodeConfigSnapshot(const AcceptedTexts& texts);

// The records of edits, to append to a file.
std::string EncodeSnapshotEdits(const std::vector<SnapshotEdit>& edits);

// Parses a snapshot file's bytes into *out. Returns false, with *error one
// sentence ("not a plazo configuration snapshot", "version 7, this plazod
// reads 1"), when data is not a snapshot of this version; *out is then
// untouched. Records after a damaged or torn one are ignored and said in
// *damage ("a damaged record at byte N; the M bytes from there are
// ignored"), which is empty otherwise.
[[nodiscard]] bool DecodeConfigSnapshot(std::string_view data, AcceptedTexts* out,
                                        std::string* damage, std::string* error);

// The snapshot file of one state folder, as the daemon keeps it.
class ConfigSnapshotFile {
 public:
  explicit ConfigSnapshotFile(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // The texts in the file: empty when there is none yet (a first start).
  // Returns false with *error naming the file and the reason when it cannot
  // be read or is not a snapshot (the caller goes on without it); a damaged
  // tail is only a *warning and the records before it are kept.
  [[nodiscard]] bool Read(AcceptedTexts* out, std::string* warning, std::string* error) const;

  // Replaces the file with texts, atomically (mode 0640: it holds no
  // secrets, but the store names officers). Returns false with *error set
  // when a step fails; the previous file is then unchanged.
  [[nodiscard]] bool Replace(const AcceptedTexts& texts, std::string* error);

  // Replace with a record for each of paths whose text_of gives one, asked
  // for one at a time as the file is written, so that the texts of a large
  // store are never all in memory at once.
  [[nodiscard]] bool Replace(
      const std::vector<std::string>& paths,
      const std::function<std::optional<AcceptedText>(const std::string& path)>& text_of,
      std::string* error);

  // Whether this object wrote the file, and so knows what it holds.
  bool known() const { return written_; }

  // The paths the file holds, with the FNV-1a hash of each one's text,
  // when known().
  const std::map<std::string, uint64_t>& text_hashes() const { return text_hashes_; }

  // Records edits: appended and synced, or the file rewritten whole when
  // superseded records would outweigh the live ones or no file was written
  // by this object yet. A failed append is cut off again, so the file stays
  // whole. Returns false with *error set when the file cannot be written.
  [[nodiscard]] bool Apply(const std::vector<SnapshotEdit>& edits, std::string* error);

 private:
  std::string path_;
  bool written_ = false;                     // by Replace, so sizes are known
  uint64_t file_bytes_ = 0;                  // the file's size
  std::map<std::string, uint64_t> record_bytes_;  // the live record of each path
  std::map<std::string, uint64_t> text_hashes_;   // and the hash of its text
};

}  // namespace plazo

#endif  // PLAZO_CONFIG_CONFIG_SNAPSHOT_H_
