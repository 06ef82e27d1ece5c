// The configuration in force in the daemon and what is derived from it: the
// planner's index and the composer. Loaded whole at start and on a settings
// change, or, when only store files changed, by re-reading just those files
// and updating the index incrementally, so that one edit in a store of
// 100,000 parts costs one file (SPEC 8). Either way a reload builds a new
// LoadedConfig that replaces the old one whole, or nothing at all.
#ifndef PLAZO_DAEMON_LOADED_CONFIG_H_
#define PLAZO_DAEMON_LOADED_CONFIG_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/load_config.h"
#include "dispatch/composer.h"
#include "planner/planner.h"

namespace plazo {

struct LoadedConfig {
  Config config;
  std::unique_ptr<Planner> planner;  // points into config
  std::optional<Composer> composer;  // always set once loaded
  size_t open_parts = 0;
};

// Loads settings, store and templates from source. Returns nullptr and adds
// every problem to diags when any.
[[nodiscard]] std::shared_ptr<LoadedConfig> LoadConfiguration(const ConfigSource& source, Diagnostics* diags);

// current with the store files in changed re-read (a file that is gone was
// removed), its settings and composer kept. Returns nullptr with diags set,
// and current untouched, when a changed file is invalid. On success
// current's programs have been moved into the result: discard current.
[[nodiscard]] std::shared_ptr<LoadedConfig> ReloadStoreFiles(LoadedConfig* current,
                                               const std::vector<std::string>& changed,
                                               Diagnostics* diags);

// The store files among changed: *.toml directly in settings' store folder.
// When that is not every changed path, a settings file changed too and the
// whole configuration must be loaded again.
std::vector<std::string> StoreFilesAmong(const std::vector<std::string>& changed,
                                         const Settings& settings);

}  // namespace plazo

#endif  // PLAZO_DAEMON_LOADED_CONFIG_H_
