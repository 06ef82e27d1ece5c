// The configuration in force in the daemon and what is derived from it: the
// planner's index and the composer. Loaded whole at start and on a settings
// change, or, when only store files changed, by re-reading just those files
// and updating the index incrementally, so that one edit in a store of
// 100,000 parts costs one file (SPEC 8). Either way a reload builds a new
// LoadedConfig that replaces the old one whole, or nothing at all.
//
// The daemon never drops a file's reminders for a broken edit: a file that
// is invalid on disk keeps its last good version (config/store.h's
// KeepLastGood), also across restarts through the snapshot in the state
// folder (config/config_snapshot.h), which SaveLastGood and
// SaveLastGoodEdits keep up to date.
#ifndef PLAZO_DAEMON_LOADED_CONFIG_H_
#define PLAZO_DAEMON_LOADED_CONFIG_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config_snapshot.h"
#include "config/diagnostics.h"
#include "config/load_config.h"
#include "dispatch/composer.h"
#include "planner/planner.h"

namespace plazo {

// The daemon indexes the stages of the next kIndexAhead only: a store of
// 100,000 parts has 1.5 million stages over its years, a quarter's are a
// tenth of that. Before each tick the index is extended (built again) when
// it covers less than kIndexKeep ahead, which is more than the status
// page's 60 days; catch-up after a long downtime extends it backwards.
inline constexpr Duration kIndexAhead = std::chrono::hours(24 * 92);
inline constexpr Duration kIndexKeep = std::chrono::hours(24 * 62);
// How far back a fresh load indexes, for the catch-up of a short stop.
inline constexpr Duration kIndexBehind = std::chrono::hours(24 * 2);

struct LoadedConfig {
  Config config;
  std::unique_ptr<Planner> planner;  // points into config; see kIndexAhead
  std::optional<Composer> composer;  // always set once loaded
  // The keys of officers' links (<state>/link.key, made at first start),
  // loaded when [http] is set: the composer signs with them, the HTTP
  // routes check with them.
  std::shared_ptr<const LinkKeys> link_keys;
  size_t open_parts = 0;
  // What the whole load did with the store snapshot (not set by a reload of
  // some store files, which parses just those).
  SnapshotUse snapshot;
  // The problems of the files on disk that are not in force, sorted.
  Diagnostics problems;
  // Every file in force (settings, holidays and store files): when the
  // daemon accepted the version it runs on (Unix seconds).
  std::map<std::string, int64_t> accepted_at;
  // The files in force in their last good version, not as on disk.
  std::set<std::string> kept;
  // Files read from disk and accepted, not yet in the snapshot: the FNV-1a
  // hash of the text accepted, so that saving reads each file again and
  // copies it only when unchanged, without the store's texts in memory.
  std::map<std::string, uint64_t> unsaved;

  // When the oldest version in force that differs from disk was accepted;
  // nullopt when every file in force is as on disk.
  std::optional<int64_t> LastGoodSince() const;
};

// Loads settings, store, templates and, with [http], the link keys from
// source, each file invalid on disk in its version in last_good (or left
// out when it has none), at time now (Unix seconds). Returns nullptr and
// adds every problem to diags when nothing can run: the settings are
// invalid and last_good has no version of them, the store folder cannot be
// read, the templates are invalid, or a link key cannot be read or made.
[[nodiscard]] std::shared_ptr<LoadedConfig> LoadConfiguration(const ConfigSource& source,
                                                              const AcceptedTexts& last_good,
                                                              int64_t now, Diagnostics* diags);

// current with the store files in changed re-read (a file that is gone was
// removed), its settings and composer kept; a changed file that is invalid
// keeps the version in force. Returns nullptr with diags set, and current
// untouched, only when the store cannot be made consistent (program ids).
// On success current's programs have been moved into the result: discard
// current.
[[nodiscard]] std::shared_ptr<LoadedConfig> ReloadStoreFiles(
    LoadedConfig* current, const std::vector<std::string>& changed, int64_t now,
    Diagnostics* diags);

// After UpdateStore (with want_records) in the daemon: appends the records
// of the files read anew to the store snapshot (AppendToStoreSnapshot) and
// replaces their programs in update with the same programs read back from
// it, so that their texts are borrowed from the snapshot rather than held
// in memory, as a whole load's are. Without a usable snapshot (another
// user's state folder, none yet, made under other settings) it leaves them
// as parsed.
void ReadBackFromSnapshot(const Settings& settings, StoreUpdate* update);

// Makes loaded's planner cover [from, until], building it again over
// [from, until + kIndexAhead - kIndexKeep] when it does not. Returns
// whether it did.
bool IndexFor(LoadedConfig* loaded, Instant from, Instant until);

// After a whole load from last_good: brings the copy in file to every file
// in force and the text it runs on (rewritten whole, or only the files that
// differ when file knows what it holds). Clears loaded->unsaved. Returns
// false with *error set when the copy cannot be written (the daemon goes
// on; the previous copy stays).
[[nodiscard]] bool SaveLastGood(ConfigSnapshotFile& file, const AcceptedTexts& last_good,
                                LoadedConfig* loaded, std::string* error);

// After a store reload of the files in changed: records in file what they
// are now (accepted, removed, or as before when invalid), appending only
// those files. Clears loaded->unsaved. Errors as for SaveLastGood.
[[nodiscard]] bool SaveLastGoodEdits(ConfigSnapshotFile& file,
                                     const std::vector<std::string>& changed,
                                     LoadedConfig* loaded, std::string* error);

// The store files among changed: *.toml directly in settings' store folder.
// When that is not every changed path, a settings file changed too and the
// whole configuration must be loaded again.
std::vector<std::string> StoreFilesAmong(const std::vector<std::string>& changed,
                                         const Settings& settings);

}  // namespace plazo

#endif  // PLAZO_DAEMON_LOADED_CONFIG_H_
