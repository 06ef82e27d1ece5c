#include "daemon/loaded_config.h"

#include <algorithm>
#include <filesystem>

#include "config/store.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

std::string Normal(const std::string& path) { return fs::path(path).lexically_normal().string(); }

// Records in loaded what keep found: the problems, and for each file in
// force whether it runs as on disk (accepted now) or on its last good
// version (accepted when last_good says).
void Absorb(KeepLastGood& keep, const AcceptedTexts& last_good, int64_t now,
            LoadedConfig* loaded) {
  keep.problems.Sort();
  loaded->problems.insert(loaded->problems.end(), keep.problems.list().begin(),
                          keep.problems.list().end());
  std::sort(loaded->problems.begin(), loaded->problems.end(), [](const auto& a, const auto& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column) <
           std::tie(b.pos.file, b.pos.line, b.pos.column);
  });
  for (const std::string& path : keep.kept) {
    std::string p = Normal(path);
    loaded->kept.insert(p);
    auto found = last_good.find(p);
    if (found != last_good.end()) {
      loaded->accepted_at[p] = found->second.accepted_at;
    } else if (!loaded->accepted_at.count(p)) {
      loaded->accepted_at[p] = now;
    }
  }
  for (auto& [path, text] : keep.accepted) {
    std::string p = Normal(path);
    loaded->kept.erase(p);
    loaded->accepted_at[p] = now;
    loaded->unsaved[p] = std::move(text);
  }
}

}  // namespace

std::optional<int64_t> LoadedConfig::LastGoodSince() const {
  std::optional<int64_t> since;
  for (const std::string& path : kept) {
    auto found = accepted_at.find(path);
    if (found != accepted_at.end() && (!since || found->second < *since)) since = found->second;
  }
  return since;
}

std::shared_ptr<LoadedConfig> LoadConfiguration(const ConfigSource& source,
                                                const AcceptedTexts& last_good, int64_t now,
                                                Diagnostics* diags) {
  auto loaded = std::make_shared<LoadedConfig>();
  KeepLastGood keep;
  keep.last_good = &last_good;
  if (!LoadConfig(source, &loaded->config, diags, &keep)) return nullptr;
  loaded->composer = Composer::Load(loaded->config.settings, diags);
  if (!loaded->composer) return nullptr;
  Absorb(keep, last_good, now, loaded.get());
  loaded->planner = std::make_unique<Planner>(loaded->config);
  loaded->open_parts = loaded->config.store.OpenCount();
  return loaded;
}

std::shared_ptr<LoadedConfig> ReloadStoreFiles(LoadedConfig* current,
                                               const std::vector<std::string>& changed,
                                               int64_t now, Diagnostics* diags) {
  StoreUpdate update;
  KeepLastGood keep;
  if (!UpdateStore(&current->config.store, changed, current->config.settings, &update, diags,
                   &keep)) {
    return nullptr;
  }
  auto loaded = std::make_shared<LoadedConfig>();
  loaded->config.settings = current->config.settings;
  loaded->config.store = std::move(update.store);
  loaded->composer = current->composer;
  loaded->planner =
      std::make_unique<Planner>(loaded->config, *current->planner, update.old_to_new, update.fresh);
  loaded->open_parts = loaded->config.store.OpenCount();
  // What the changed files were is replaced by what they are now.
  std::set<std::string> touched;
  for (const std::string& path : changed) touched.insert(Normal(path));
  for (const Diagnostic& d : current->problems) {
    if (!touched.count(Normal(d.pos.file))) loaded->problems.push_back(d);
  }
  loaded->accepted_at = current->accepted_at;
  loaded->kept = current->kept;
  loaded->unsaved = std::move(current->unsaved);
  std::set<std::string> still_kept;  // changed but invalid: the version in force runs on
  for (const std::string& path : keep.kept) still_kept.insert(Normal(path));
  for (const std::string& path : touched) {
    if (still_kept.count(path)) {
      loaded->kept.insert(path);
      loaded->accepted_at.emplace(path, now);
      continue;
    }
    loaded->kept.erase(path);
    loaded->accepted_at.erase(path);
    loaded->unsaved.erase(path);
  }
  keep.kept.clear();
  Absorb(keep, AcceptedTexts(), now, loaded.get());
  return loaded;
}

bool SaveLastGood(ConfigSnapshotFile& file, const AcceptedTexts& last_good,
                  LoadedConfig* loaded, std::string* error) {
  AcceptedTexts texts;
  for (const std::string& p : loaded->kept) {
    if (auto found = last_good.find(p); found != last_good.end()) texts.insert(*found);
  }
  for (auto& [p, text] : loaded->unsaved) {
    texts[p] = AcceptedText{std::move(text), loaded->accepted_at[p]};
  }
  loaded->unsaved.clear();
  return file.Replace(texts, error);
}

bool SaveLastGoodEdits(ConfigSnapshotFile& file, const std::vector<std::string>& changed,
                       LoadedConfig* loaded, std::string* error) {
  std::vector<SnapshotEdit> edits;
  std::set<std::string> done;
  for (const std::string& path : changed) {
    std::string p = Normal(path);
    if (!done.insert(p).second || loaded->kept.count(p)) continue;  // invalid: as before
    SnapshotEdit edit{p, std::nullopt};
    if (auto text = loaded->unsaved.find(p); text != loaded->unsaved.end()) {
      edit.accepted = AcceptedText{std::move(text->second), loaded->accepted_at[p]};
    }
    edits.push_back(std::move(edit));
  }
  loaded->unsaved.clear();
  return file.Apply(edits, error);
}

std::vector<std::string> StoreFilesAmong(const std::vector<std::string>& changed,
                                         const Settings& settings) {
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
