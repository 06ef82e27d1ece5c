#include "config/load_config.h"

#include <filesystem>

#include "config/settings.h"
#include "config/store.h"

namespace plazo {

namespace {

// LoadSettingsFrom, or LoadSettingsFromBestEffort when best_effort.
bool ReadSettings(const ConfigSource& source, bool best_effort, Settings* out, Diagnostics* diags) {
  Settings settings;
  std::string path = source.settings_path;
  std::error_code ec;
  if (path.empty() && std::filesystem::exists(kDefaultSettingsPath, ec)) {
    path = std::string(kDefaultSettingsPath);
  }
  bool ok = true;
  if (path.empty()) {
    settings = DefaultSettings();
  } else if (best_effort) {
    ok = LoadSettingsBestEffort(path, &settings, diags);
  } else if (!LoadSettings(path, &settings, diags)) {
    return false;
  }
  if (!source.store_dir.empty()) settings.store = source.store_dir;
  if (!source.state_dir.empty()) settings.state = source.state_dir;
  *out = std::move(settings);
  return ok;
}

}  // namespace

bool LoadSettingsFrom(const ConfigSource& source, Settings* out, Diagnostics* diags) {
  return ReadSettings(source, false, out, diags);
}

bool LoadSettingsFromBestEffort(const ConfigSource& source, Settings* out, Diagnostics* diags) {
  return ReadSettings(source, true, out, diags);
}

bool LoadConfig(const ConfigSource& source, Config* out, Diagnostics* diags) {
  Config config;
  if (!LoadSettingsFrom(source, &config.settings, diags)) return false;
  if (!LoadStore(config.settings.store, config.settings, &config.store, diags)) {
    return false;
  }
  *out = std::move(config);
  return true;
}

}  // namespace plazo
