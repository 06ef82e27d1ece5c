// Loading store files (SPEC 3.2): one program report per *.toml file in the
// store folder, validated against the settings (schedule and webhook names).
#ifndef PLAZO_CONFIG_STORE_H_
#define PLAZO_CONFIG_STORE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_snapshot.h"
#include "config/diagnostics.h"
#include "config/model.h"
#include "config/store_snapshot.h"

namespace plazo {

// Parses one store file's text as if read from file name. Adds every problem
// to diags; returns true when there was none (then *out is valid).
[[nodiscard]] bool ParseStoreFile(std::string_view text, const std::string& name,
                    const Settings& settings, Program* out, Diagnostics* diags);

// How the daemon loads store files so that a broken edit drops no reminder:
// a file that is invalid (or repeats another file's program id) keeps its
// last good version, or is left out when it never had one, and the load
// goes on with every other file. `check`, `status` and `plan` load strictly
// instead (no KeepLastGood): any problem fails the load.
struct KeepLastGood {
  // In: the texts accepted last, by path (LoadStore falls back on them;
  // UpdateStore keeps the program in force instead). May be null.
  const AcceptedTexts* last_good = nullptr;
  // Out: the problems of the files on disk that are not in force.
  Diagnostics problems;
  // Out: the files whose last good version is in force instead of disk's.
  std::vector<std::string> kept;
  // Out: the files that are in force as read from disk now, with the FNV-1a
  // hash of the text read: the daemon copies them into its last good
  // configuration later, and only if they still read the same.
  std::map<std::string, uint64_t> accepted;
};

// How LoadStore uses a store snapshot (store_snapshot.h).
struct StoreCache {
  // In: the snapshot read from the state folder, or null: files whose entry
  // matches are read back from it instead of parsed.
  const StoreSnapshot* snapshot = nullptr;
  // In: whether to produce the records of a new snapshot.
  bool want_records = false;
  // Out: how many files came from the snapshot, and how many were parsed.
  size_t reused = 0;
  size_t parsed = 0;
  // Out, with want_records: the new snapshot's file records, one per file
  // in force (invalid files and last good versions have none), and whether
  // they differ from the snapshot given. A record kept is the entry of the
  // snapshot given, read when the new snapshot is written.
  struct Record {
    const SnapshotEntry* kept = nullptr;
    std::string fresh;
  };
  std::vector<Record> records;
  bool changed = false;
  // Out: the files whose matching entry failed its check, and were parsed.
  std::vector<std::string> damaged;
};

// Reads every "*.toml" file of folder dir (hidden files are editor scratch and
// are ignored; other names are not store files). A missing or unreadable
// folder and, unless keep is given, an invalid file or a program id used twice
// are errors; a folder without store files is only warned about. Programs
// come out sorted by id. Returns true when there was no error.
// With cache, each file whose snapshot entry matches it is read from the
// snapshot instead (with the warnings its parse gave), as if parsed.
[[nodiscard]] bool LoadStore(const std::string& dir, const Settings& settings, Store* out,
                             Diagnostics* diags, KeepLastGood* keep = nullptr,
                             StoreCache* cache = nullptr);

// The result of re-reading some files of a loaded store.
struct StoreUpdate {
  Store store;
  // For each program of the old store: its index in the new one, or -1 when
  // its file changed or went away.
  std::vector<int> old_to_new;
  // Indices in the new store of the programs that were read anew.
  std::vector<uint32_t> fresh;
  // With want_records: the store snapshot record (store_snapshot.h) of each
  // file read anew and in force, by its path as LoadStore names it.
  std::map<std::string, std::string> records;
};

// Re-reads the store files named in changed (paths in the store folder; a
// file that no longer exists was removed) and builds the store with them
// replaced, moving every other program out of *old rather than copying it,
// so an edit of one file in a store of 100,000 parts costs one file.
// Validates like LoadStore (the changed files, program ids unique across the
// whole store). Without keep, on any problem adds it to diags, returns false
// and leaves *old untouched. With keep, an invalid changed file keeps its
// program in *old (reported in keep) and the update succeeds. On success
// *old is left with moved-from programs and must be discarded.
[[nodiscard]] bool UpdateStore(Store* old, const std::vector<std::string>& changed,
                               const Settings& settings, StoreUpdate* out, Diagnostics* diags,
                               KeepLastGood* keep = nullptr, bool want_records = false);

// The canonical commitment id: "c4" for part 1, "c4-p2" otherwise.
std::string CommitmentId(int number, int part);

}  // namespace plazo

#endif  // PLAZO_CONFIG_STORE_H_
