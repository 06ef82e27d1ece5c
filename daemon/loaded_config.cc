#include "daemon/loaded_config.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "base/hash.h"
#include "config/file_text.h"
#include "config/load_config.h"
#include "config/store.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

std::string Normal(const std::string& path) { return fs::path(path).lexically_normal().string(); }

// Records in loaded what keep found: the problems, and for each file in
// force whether it runs as on disk (accepted now) or on its last good
// version (accepted when last_good says).
void Absorb(KeepLastGood& keep, const AcceptedTexts& last_good, int64_t now, LoadedConfig* loaded) {
  for (const Diagnostic& d : keep.problems.list()) loaded->problems.Add(d.pos, d.message);
  loaded->problems.Sort();
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
  for (auto& [path, hash] : keep.accepted) {
    std::string p = Normal(path);
    loaded->kept.erase(p);
    loaded->accepted_at[p] = now;
    loaded->unsaved[p] = hash;
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
  if (!LoadConfig(source, &loaded->config, diags, &keep, &loaded->snapshot)) return nullptr;
  const Settings& settings = loaded->config.settings;
  if (settings.http) {
    auto keys = std::make_shared<LinkKeys>();
    std::string error;
    if (!LinkKeys::LoadOrCreate(settings.state, settings.http->previous_link_key, keys.get(),
                                &error)) {
      diags->Add(settings.http->pos, error);
      return nullptr;
    }
    loaded->link_keys = std::move(keys);
  }
  loaded->composer = Composer::Load(settings, diags, loaded->link_keys);
  if (!loaded->composer) return nullptr;
  Absorb(keep, last_good, now, loaded.get());
  Instant at{std::chrono::seconds(now)};
  loaded->planner = std::make_unique<Planner>(loaded->config, at - kIndexBehind, at + kIndexAhead);
  loaded->open_parts = loaded->config.store.OpenCount();
  return loaded;
}

void ReadBackFromSnapshot(const Settings& settings, StoreUpdate* update) {
  if (update->records.empty()) return;
  StoreSnapshot snapshot;
  std::string error;
  if (!AppendToStoreSnapshot(settings, update->records, &snapshot, &error)) {
    spdlog::debug("store snapshot: {}; the files reloaded stay in memory", error);
    return;
  }
  std::string buffer;
  for (uint32_t index : update->fresh) {
    Program& p = update->store.programs[index];
    auto entry = snapshot.files.find(SnapshotKey(settings.store, p.pos.file));
    Program back;
    std::vector<Diagnostic> warnings;
    if (entry != snapshot.files.end() &&
        DecodeEntry(snapshot, entry->second, p.pos.file, &back, &warnings, &buffer)) {
      p = std::move(back);
    }
  }
}

bool IndexFor(LoadedConfig* loaded, Instant from, Instant until) {
  if (loaded->planner->Covers(from, until)) return false;
  loaded->planner =
      std::make_unique<Planner>(loaded->config, from, until + (kIndexAhead - kIndexKeep));
  return true;
}

std::shared_ptr<LoadedConfig> ReloadStoreFiles(LoadedConfig* current,
                                               const std::vector<std::string>& changed, int64_t now,
                                               Diagnostics* diags) {
  StoreUpdate update;
  KeepLastGood keep;
  if (!UpdateStore(&current->config.store, changed, current->config.settings, &update, diags, &keep,
                   /*want_records=*/true)) {
    return nullptr;
  }
  ReadBackFromSnapshot(current->config.settings, &update);
  auto loaded = std::make_shared<LoadedConfig>();
  loaded->config.settings = current->config.settings;
  loaded->config.store = std::move(update.store);
  loaded->composer = current->composer;
  loaded->link_keys = current->link_keys;
  loaded->planner =
      std::make_unique<Planner>(loaded->config, *current->planner, update.old_to_new, update.fresh);
  loaded->open_parts = loaded->config.store.OpenCount();
  // What the changed files were is replaced by what they are now.
  std::set<std::string> touched;
  for (const std::string& path : changed) touched.insert(Normal(path));
  for (const Diagnostic& d : current->problems.list()) {
    if (!touched.count(Normal(d.pos.file))) loaded->problems.Add(d.pos, d.message);
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

namespace {

// The text of path in force as loaded accepted it from disk: read again,
// and nullopt when it no longer reads the same (an edit since, which a
// reload will record) or cannot be read.
std::optional<AcceptedText> UnsavedText(const LoadedConfig& loaded, const std::string& path) {
  FileText file = ReadFileText(path);
  if (!file.error.empty() || Fnv1a(file.text) != loaded.unsaved.at(path)) return std::nullopt;
  return AcceptedText{std::move(file.text), loaded.accepted_at.at(path)};
}

}  // namespace

bool SaveLastGood(ConfigSnapshotFile& file, const AcceptedTexts& last_good, LoadedConfig* loaded,
                  std::string* error) {
  if (file.known()) {
    // Only what differs from the file: a SIGHUP with nothing edited writes
    // nothing, and one edit appends one record.
    std::vector<SnapshotEdit> edits;
    for (const auto& [p, _] : file.text_hashes()) {
      if (!loaded->kept.count(p) && !loaded->unsaved.count(p)) edits.push_back({p, std::nullopt});
    }
    for (const auto& [p, hash] : loaded->unsaved) {
      auto held = file.text_hashes().find(p);
      if (held != file.text_hashes().end() && held->second == hash) continue;
      if (std::optional<AcceptedText> text = UnsavedText(*loaded, p)) {
        edits.push_back({p, std::move(text)});
      }
    }
    loaded->unsaved.clear();
    return file.Apply(edits, error);
  }
  std::vector<std::string> paths;
  for (const std::string& p : loaded->kept) {
    if (last_good.count(p)) paths.push_back(p);
  }
  for (const auto& [p, _] : loaded->unsaved) paths.push_back(p);
  auto text_of = [&](const std::string& p) -> std::optional<AcceptedText> {
    if (loaded->unsaved.count(p)) {
      if (auto text = UnsavedText(*loaded, p)) return text;
    }
    // Kept, or edited since it was accepted: its last good text, if any.
    if (auto found = last_good.find(p); found != last_good.end()) return found->second;
    return std::nullopt;
  };
  bool ok = file.Replace(paths, text_of, error);
  loaded->unsaved.clear();
  return ok;
}

bool SaveLastGoodEdits(ConfigSnapshotFile& file, const std::vector<std::string>& changed,
                       LoadedConfig* loaded, std::string* error) {
  std::vector<SnapshotEdit> edits;
  std::set<std::string> done;
  for (const std::string& path : changed) {
    std::string p = Normal(path);
    if (!done.insert(p).second || loaded->kept.count(p)) continue;  // invalid: as before
    SnapshotEdit edit{p, std::nullopt};
    if (loaded->unsaved.count(p)) {
      edit.accepted = UnsavedText(*loaded, p);
      if (!edit.accepted) continue;  // edited again: its own reload records it
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
