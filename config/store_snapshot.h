// The store snapshot (issue 18): every store file as LoadStore parsed it,
// kept in <state>/store.snapshot so that the next load reads the parsed
// programs back instead of parsing TOML again, file by file.
//
// A file's entry is used only while the file is provably the one parsed:
// the same device, inode, size and modification time in nanoseconds, and a
// modification time at least a second older than when the entry was made
// (git's "racy" rule: an edit within the file system's timestamp
// granularity of the check could keep all four). Any other file is parsed
// again. The snapshot also records what of the settings the parse depended
// on (the schedule and webhook names store files refer to); under other
// settings every entry is ignored.
//
// The file uses record_file.h's framing ("PLAZOSTO", WordChecksum): one
// record of the settings key, then one per store file. A snapshot that is
// truncated or of another version is ignored as a whole, never trusted. A
// file's record is checked when it is used (DecodeEntry), by the loader's
// threads; a damaged one is not used, and the file is parsed instead.
//
// Texts (store_text.h) are not copied out: the programs read back borrow
// them from the mapped file, which they keep mapped (Program::text_bytes).
// Pages already decoded are handed back to the kernel (Release), so
// the texts cost the process no memory until a message reads them.
#ifndef PLAZO_CONFIG_STORE_SNAPSHOT_H_
#define PLAZO_CONFIG_STORE_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/model.h"

namespace plazo {

// 2: WordChecksum instead of FNV-1a, checked per file record.
inline constexpr uint32_t kStoreSnapshotVersion = 2;

// <state>/store.snapshot.
std::string StoreSnapshotPath(const std::string& state_dir);

// What identifies a file's content without reading it (stat(2)).
struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;

  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

// The identity of the file at path now; false when it cannot be stat'ed.
[[nodiscard]] bool IdentityOf(const std::string& path, FileIdentity* out);

// The wall clock in nanoseconds since the Unix epoch, as file times count.
int64_t NowNanoseconds();

// What of settings a store file's parse depends on, as one number.
uint64_t StoreSettingsKey(const Settings& settings);

// One store file's entry.
struct SnapshotEntry {
  FileIdentity identity;
  int64_t checked_ns = 0;  // when identity was taken, before the file was read
  uint64_t text_hash = 0;  // FNV-1a of the text parsed (KeepLastGood::accepted)
  // The encoded program and warnings: decoded on use by DecodeEntry, in
  // the loader's threads.
  std::string_view encoded;
  std::string_view body;    // the record's body, which sum must match
  uint64_t sum = 0;         // as stored: not checked until DecodeEntry
  std::string_view record;  // the whole framed record, to copy into a new snapshot

  // Whether the entry may stand for the file whose identity is now: the
  // same identity, and not racy (modified within a second of the check).
  [[nodiscard]] bool Matches(const FileIdentity& now) const;
};

// A decoded snapshot. Entries point into the file's bytes (mapped
// read-only by ReadStoreSnapshot), which owner keeps alive.
struct StoreSnapshot {
  uint64_t settings_key = 0;
  std::map<std::string, SnapshotEntry, std::less<>> files;  // by path as LoadStore names it
  std::shared_ptr<const void> owner;                        // null: no snapshot
  // The whole file, when it is a mapping (ReadStoreSnapshot); empty for
  // bytes held otherwise.
  std::string_view mapped;

  // Tells the kernel this process is done, for now, with the pages that
  // lie wholly inside bytes (a part of mapped): they leave its resident
  // memory and are read again from the page cache if a text in them is
  // used. Does nothing for bytes outside mapped.
  void Release(std::string_view bytes) const;
};

// The record of one parsed file: its entry and what parsing it gave (the
// program, the warnings; problems never, since only valid files are kept).
std::string EncodeSnapshotFile(const std::string& path, const FileIdentity& identity,
                               int64_t checked_ns, uint64_t text_hash, const Program& program,
                               const std::vector<Diagnostic>& warnings);

// The start of a snapshot file: its header and the record of the settings
// key; the file records follow.
std::string EncodeSnapshotStart(uint64_t settings_key);

// Checks entry's checksum and reads its program and warnings back (their
// positions name path; the texts borrowed from the snapshot's bytes, which
// out->text_bytes keeps alive). False when the record is damaged.
[[nodiscard]] bool DecodeEntry(const StoreSnapshot& snapshot, const SnapshotEntry& entry,
                               const std::string& path, Program* out,
                               std::vector<Diagnostic>* warnings);

// Parses a snapshot file's framing and its entries' headers (not their
// bodies: DecodeEntry checks each). False, with *error one sentence ("not
// a plazo store snapshot", "version 7, this plazod reads 2", "a damaged
// record at byte N; ..."), for anything but a whole snapshot of this
// version; *out is then untouched.
// owner keeps bytes alive and is kept in *out.
[[nodiscard]] bool DecodeStoreSnapshot(std::string_view bytes, std::shared_ptr<const void> owner,
                                       StoreSnapshot* out, std::string* error);
// The same for bytes held in a string.
[[nodiscard]] bool DecodeStoreSnapshot(std::shared_ptr<const std::string> bytes, StoreSnapshot* out,
                                       std::string* error);

// Maps the snapshot file at path read-only (its pages are read as entries
// are used, never copied whole): false with *error naming the file when
// it exists but cannot be used (the caller then loads without it, and says
// so); true with an empty *out when there is none, or when this process
// may not even look (a state folder of another user).
[[nodiscard]] bool ReadStoreSnapshot(const std::string& path, StoreSnapshot* out,
                                     std::string* error);

}  // namespace plazo

#endif  // PLAZO_CONFIG_STORE_SNAPSHOT_H_
