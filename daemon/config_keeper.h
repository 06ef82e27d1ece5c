// The configuration in force in the daemon, kept so that a broken edit never
// stops a reminder: ConfigKeeper loads and reloads it (loaded_config.h),
// falls back on each invalid file's last good version, keeps the copy of
// those versions in the state folder up to date (config/config_snapshot.h),
// and says what of the files on disk is not in force. It logs what it finds.
#ifndef PLAZO_DAEMON_CONFIG_KEEPER_H_
#define PLAZO_DAEMON_CONFIG_KEEPER_H_

#include <memory>
#include <string>
#include <vector>

#include "config/config_snapshot.h"
#include "config/load_config.h"
#include "daemon/loaded_config.h"

namespace plazo {

class ConfigKeeper {
 public:
  explicit ConfigKeeper(ConfigSource source) : source_(std::move(source)) {}

  // The state folder whose copy is read and written: set before Load, and
  // again when the loaded settings name another folder.
  void UseStateFolder(const std::string& state);

  // Loads the whole configuration at now, each invalid file in its last
  // good version. Returns false when nothing can run (see
  // LoadConfiguration), with every error in *diags; warnings go there too.
  // On success call Accept once logging is set up.
  [[nodiscard]] bool Load(Instant now, Diagnostics* diags);

  // After Load: logs what is not as on disk and brings the copy up to what
  // is in force.
  void Accept();

  // Reloads at now: only store_files when only they changed, else (nullptr)
  // everything. Returns false, with the errors logged and the configuration
  // in force untouched, when the reload fails as a whole; otherwise the new
  // configuration is in force, logged and saved like Load + Accept.
  [[nodiscard]] bool Reload(const std::vector<std::string>* store_files, Instant now);

  // Gives the memory a whole load freed back to the system: call after
  // Accept and after a Reload of everything, once the reload is done.
  void ReleaseMemory();

  // Makes the planner of the configuration in force cover [from, until]
  // (loaded_config.h IndexFor), logging a rebuild.
  void IndexFor(Instant from, Instant until);

  // The configuration in force; set once Load succeeded.
  const LoadedConfig& current() const { return *current_; }

  // What of the files on disk is not in force, for STATUS and /healthz:
  // "running on the configuration accepted at T; file:line:col: message
  // (and N more)", "config error: ..." when no file runs on a last good
  // version, or "" when everything is as on disk.
  std::string Problem() const;

  // The errors in the files on disk (and of a failed reload).
  size_t errors() const { return reload_errors_ + current_->problems.size(); }

  // Whether some file runs on its last good version.
  bool on_last_good() const { return current_->LastGoodSince().has_value(); }

 private:
  // Loads everything; reads the copy (into last_good_) and loads again on
  // it only when some file is invalid, so that a valid store is not held
  // twice while loading.
  std::shared_ptr<LoadedConfig> LoadWhole(Instant now, Diagnostics* diags);
  // The copy in the state folder; empty when there is none or it is
  // unreadable (then said in the log).
  AcceptedTexts ReadLastGood();
  // Logs what of current_ is not as on disk and saves the copy: the files
  // in store_files after a store reload, everything when nullptr.
  void Accepted(const std::vector<std::string>* store_files);

  ConfigSource source_;
  std::unique_ptr<ConfigSnapshotFile> snapshot_;
  std::shared_ptr<LoadedConfig> current_;
  AcceptedTexts last_good_;   // what the last whole load read of the copy
  std::string reload_error_;  // why the last reload failed as a whole
  size_t reload_errors_ = 0;
};

}  // namespace plazo

#endif  // PLAZO_DAEMON_CONFIG_KEEPER_H_
