// Building a whole Config: the settings file (or the embedded defaults) and
// the store folder it names.
#ifndef PLAZO_CONFIG_LOAD_CONFIG_H_
#define PLAZO_CONFIG_LOAD_CONFIG_H_

#include <map>
#include <string>

#include "config/diagnostics.h"
#include "config/model.h"
#include "config/store.h"

namespace plazo {

struct ConfigSource {
  // The settings file. Empty: kDefaultSettingsPath if it exists, else the
  // embedded defaults. A path given explicitly must exist.
  std::string settings_path;
  // Replaces [daemon] store when not empty (the --store option).
  std::string store_dir;
  // Replaces [daemon] state when not empty (the --state option).
  std::string state_dir;
  // Whether to load the store through the state folder's store snapshot
  // (LoadStoreWithSnapshot). Off by default so that a library caller (a
  // test) never touches a state folder it did not ask for.
  bool store_snapshot = false;
};

// What a load did with the store snapshot, for the caller to log.
struct SnapshotUse {
  size_t reused = 0;     // files read back from the snapshot
  size_t parsed = 0;     // files parsed
  bool written = false;  // the snapshot was replaced
  // Why the snapshot was ignored (damaged, truncated, another version) or
  // could not be written; empty when all went well.
  std::string problem;
};

// LoadStore through <settings.state>/store.snapshot: files whose entry
// matches are read from it; the rest are parsed. When the load succeeds,
// something changed and this process owns the state folder (the daemon's
// user; a root admin's `plazod plan` leaves the daemon's folder alone), the
// snapshot is replaced atomically (mode 0640) with what is in force now. A
// snapshot that cannot be used is ignored and rebuilt, never trusted, and
// said in use->problem; it never fails the load.
[[nodiscard]] bool LoadStoreWithSnapshot(const Settings& settings, Store* out, Diagnostics* diags,
                                         KeepLastGood* keep, SnapshotUse* use);

// After a reload of some store files (UpdateStore with want_records):
// appends their records to the store snapshot in settings' state folder,
// when this process owns the folder and the snapshot is one of these
// settings, and reads it again into *out, so that the reloaded programs
// can be read back from it, their texts borrowed rather than held. False,
// with *error, when there is no such snapshot or it cannot be written.
[[nodiscard]] bool AppendToStoreSnapshot(const Settings& settings,
                                         const std::map<std::string, std::string>& records,
                                         StoreSnapshot* out, std::string* error);

// Loads and validates the settings source names (the embedded defaults
// when it names none), with its store and state overrides applied, into
// *out; what needs no store (`plazod send-test`) stops here. Returns false,
// with every problem in diags, when the settings are invalid.
// With keep (the daemon), a settings file invalid on disk is loaded from
// its last good version, as are the holidays files it names (store.h).
[[nodiscard]] bool LoadSettingsFrom(const ConfigSource& source, Settings* out, Diagnostics* diags,
                                    KeepLastGood* keep = nullptr);

// Like LoadSettingsFrom, but *out always receives what could be read
// (LoadSettingsBestEffort, settings.h); for `plazod check`. Returns true
// when there was no problem.
[[nodiscard]] bool LoadSettingsFromBestEffort(const ConfigSource& source, Settings* out,
                                              Diagnostics* diags);

// Loads and validates everything source names. Every problem, of the
// settings and of all store files, is added to diags; returns true when there
// was none, and only then is *out replaced. With keep (the daemon), files
// invalid on disk keep their last good versions and their problems go to
// keep instead; only settings without a last good version fail the load.
// With source.store_snapshot, the store is loaded by LoadStoreWithSnapshot,
// which fills *use when given.
[[nodiscard]] bool LoadConfig(const ConfigSource& source, Config* out, Diagnostics* diags,
                              KeepLastGood* keep = nullptr, SnapshotUse* use = nullptr);

// The state folder source names, found even when the settings file is
// invalid, since that is where the daemon keeps its last good configuration:
// --state; else [daemon] state when the settings file parses as TOML; else
// $STATE_DIRECTORY (set by systemd's StateDirectory=); else the default.
std::string StateDirOf(const ConfigSource& source);

}  // namespace plazo

#endif  // PLAZO_CONFIG_LOAD_CONFIG_H_
