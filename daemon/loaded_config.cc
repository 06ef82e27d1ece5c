#include "daemon/loaded_config.h"

#include <filesystem>

#include "config/store.h"

namespace plazo {

std::shared_ptr<LoadedConfig> LoadConfiguration(const ConfigSource& source, Diagnostics* diags) {
  auto loaded = std::make_shared<LoadedConfig>();
  if (!LoadConfig(source, &loaded->config, diags)) return nullptr;
  loaded->composer = Composer::Load(loaded->config.settings, diags);
  if (!loaded->composer) return nullptr;
  loaded->planner = std::make_unique<Planner>(loaded->config);
  loaded->open_parts = loaded->config.store.OpenCount();
  return loaded;
}

std::shared_ptr<LoadedConfig> ReloadStoreFiles(LoadedConfig* current,
                                               const std::vector<std::string>& changed,
                                               Diagnostics* diags) {
  StoreUpdate update;
  if (!UpdateStore(&current->config.store, changed, current->config.settings, &update, diags)) {
    return nullptr;
  }
  auto loaded = std::make_shared<LoadedConfig>();
  loaded->config.settings = current->config.settings;
  loaded->config.store = std::move(update.store);
  loaded->composer = current->composer;
  loaded->planner =
      std::make_unique<Planner>(loaded->config, *current->planner, update.old_to_new, update.fresh);
  loaded->open_parts = loaded->config.store.OpenCount();
  return loaded;
}

std::vector<std::string> StoreFilesAmong(const std::vector<std::string>& changed,
                                         const Settings& settings) {
  namespace fs = std::filesystem;
  const fs::path store = fs::path(settings.store).lexically_normal();
  std::vector<std::string> files;
  for (const std::string& path : changed) {
    fs::path p(path);
    if (p.parent_path().lexically_normal() == store && p.extension() == ".toml") {
      files.push_back(path);
    }
  }
  return files;
}

}  // namespace plazo
