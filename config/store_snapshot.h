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
// record of the settings key, then one per store file; a later record of a
// file replaces an earlier one (the daemon appends one per file it reloads
// alone, and the next whole load writes the snapshot anew when that leaves
// it more than half stale). A snapshot that is
// truncated or of another version is ignored as a whole, never trusted. A
// file's record is checked when it is used (DecodeEntry), by the loader's
// threads; a damaged one is not used, and the file is parsed instead.
//
// Texts (store_text.h) are not copied out: the programs read back borrow
// them from the file, mapped read-only, which they keep mapped
// (Program::text_bytes). Records are read with pread(2), never through the
// mapping, so the texts cost the process no memory until a message reads
// them.
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

// The name a store file's entry has in the snapshot: the file in store_dir
// as LoadStore lists it, whatever path an edit was reported under.
std::string SnapshotKey(const std::string& store_dir, const std::string& path);

// The identity of the file at path now; false when it cannot be stat'ed.
[[nodiscard]] bool IdentityOf(const std::string& path, FileIdentity* out);

// The wall clock in nanoseconds since the Unix epoch, as file times count.
int64_t NowNanoseconds();

// What of settings a store file's parse depends on, as one number.
uint64_t StoreSettingsKey(const Settings& settings);

// One store file's entry: its record's header, read when the snapshot is
// opened; the rest of the record is read and checked by DecodeEntry.
struct SnapshotEntry {
  FileIdentity identity;
  int64_t checked_ns = 0;  // when identity was taken, before the file was read
  uint64_t text_hash = 0;  // FNV-1a of the text parsed (KeepLastGood::accepted)
  size_t offset = 0;       // of the framed record in the snapshot
  size_t size = 0;         // of the framed record: its size, body and checksum
  size_t encoded_at = 0;   // where the encoded program starts, from offset

  // Whether the entry may stand for the file whose identity is now: the
  // same identity, and not racy (modified within a second of the check).
  [[nodiscard]] bool Matches(const FileIdentity& now) const;
};

// A snapshot opened: its settings key and its entries' headers.
struct StoreSnapshot {
  uint64_t settings_key = 0;
  std::map<std::string, SnapshotEntry, std::less<>> files;  // by path as LoadStore names it
  // Keeps bytes (and fd) alive; null: no snapshot.
  std::shared_ptr<const void> owner;
  // The whole snapshot: a read-only mapping of the file (ReadStoreSnapshot),
  // or bytes held in memory. Texts read back are borrowed from here.
  std::string_view bytes;
  // The file, when bytes is its mapping: records are read from it with
  // pread(2) rather than through the mapping, so that reading one does not
  // make its pages (mostly texts) resident in this process. -1 otherwise.
  // Open only as long as this object (or a copy): the programs read back
  // keep the mapping, not a descriptor.
  int fd = -1;
  std::shared_ptr<const void> fd_closer;

  // The bytes [offset, offset + size) of the snapshot: a part of bytes, or,
  // with a file, read into *buffer. False when they are not all there.
  [[nodiscard]] bool ReadAt(size_t offset, size_t size, std::string* buffer,
                            std::string_view* out) const;
};

// The record of one parsed file: its entry and what parsing it gave (the
// program, the warnings; problems never, since only valid files are kept).
std::string EncodeSnapshotFile(const std::string& path, const FileIdentity& identity,
                               int64_t checked_ns, uint64_t text_hash, const Program& program,
                               const std::vector<Diagnostic>& warnings);

// The start of a snapshot file: its header and the record of the settings
// key; the file records follow.
std::string EncodeSnapshotStart(uint64_t settings_key);

// Reads entry's record (into *buffer, when the snapshot is a file),
// checks its checksum and reads its program and warnings back: positions
// name path; texts are borrowed from snapshot.bytes, which out->text_bytes
// keeps alive. False when the record is damaged.
[[nodiscard]] bool DecodeEntry(const StoreSnapshot& snapshot, const SnapshotEntry& entry,
                               const std::string& path, Program* out,
                               std::vector<Diagnostic>* warnings, std::string* buffer);

// Entry's whole framed record, as a new snapshot copies it; false when it
// cannot be read.
[[nodiscard]] bool ReadRecord(const StoreSnapshot& snapshot, const SnapshotEntry& entry,
                              std::string* out);

// Reads a snapshot's framing and its entries' headers, not their bodies
// (DecodeEntry checks each): snapshot's owner, bytes and fd in, the rest
// out. False, with *error one sentence ("not a plazo store snapshot",
// "version 7, this plazod reads 2", "a damaged record at byte N; ..."),
// for anything but a whole snapshot of this version.
[[nodiscard]] bool DecodeStoreSnapshot(StoreSnapshot* snapshot, std::string* error);
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
