#include "config/load_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <toml++/toml.h>

#include "base/atomic_file.h"
#include "base/hash.h"

#include "config/record_file.h"
#include "config/settings.h"
#include "config/store.h"

namespace plazo {
namespace {

std::string SettingsPathOf(const ConfigSource& source) {
  std::error_code ec;
  if (source.settings_path.empty() && std::filesystem::exists(kDefaultSettingsPath, ec)) {
    return std::string(kDefaultSettingsPath);
  }
  return source.settings_path;
}

// Loads the settings file at path for the daemon: from disk, else, when that
// fails and keep has a last good version of it, from that version (and the
// last good versions of the holidays files it names). Records in keep which
// texts are in force.
bool LoadSettingsKeepingLastGood(const std::string& path, Settings* out, Diagnostics* diags,
                                 KeepLastGood* keep) {
  std::map<std::string, uint64_t> read;  // hashes of what was read
  auto from_disk = [&](const std::string& p) {
    FileText file = ReadFileText(p);
    if (file.error.empty()) read[p] = Fnv1a(file.text);
    return file;
  };
  Diagnostics disk;
  if (LoadSettings(path, out, &disk, from_disk)) {
    diags->Merge(disk);  // warnings only
    keep->accepted.merge(read);
    return true;
  }
  const AcceptedTexts* last_good = keep->last_good;
  auto normal = [](const std::string& p) {
    return std::filesystem::path(p).lexically_normal().string();
  };
  if (!last_good || !last_good->count(normal(path))) {
    diags->Merge(disk);
    return false;
  }
  std::vector<std::string> used;
  read.clear();
  auto prefer_last_good = [&](const std::string& p) {
    if (auto found = last_good->find(normal(p)); found != last_good->end()) {
      used.push_back(p);
      return FileText{found->second.text, ""};
    }
    return from_disk(p);
  };
  Diagnostics again;
  if (!LoadSettings(path, out, &again, prefer_last_good)) {
    diags->Merge(disk);
    return false;
  }
  keep->problems.Merge(disk);
  keep->kept.insert(keep->kept.end(), used.begin(), used.end());
  keep->accepted.merge(read);
  return true;
}

}  // namespace

namespace {

enum class SettingsMode { kStrict, kBestEffort, kKeepLastGood };

bool ReadSettings(const ConfigSource& source, SettingsMode mode, Settings* out,
                  Diagnostics* diags, KeepLastGood* keep) {
  Settings settings;
  std::string path = SettingsPathOf(source);
  bool ok = true;
  if (path.empty()) {
    settings = DefaultSettings();
  } else if (mode == SettingsMode::kBestEffort) {
    ok = LoadSettingsBestEffort(path, &settings, diags);
  } else if (mode == SettingsMode::kKeepLastGood
                 ? !LoadSettingsKeepingLastGood(path, &settings, diags, keep)
                 : !LoadSettings(path, &settings, diags)) {
    return false;
  }
  if (!source.store_dir.empty()) settings.store = source.store_dir;
  if (!source.state_dir.empty()) settings.state = source.state_dir;
  *out = std::move(settings);
  return ok;
}

}  // namespace

bool LoadSettingsFrom(const ConfigSource& source, Settings* out, Diagnostics* diags,
                      KeepLastGood* keep) {
  return ReadSettings(source, keep ? SettingsMode::kKeepLastGood : SettingsMode::kStrict, out,
                      diags, keep);
}

bool LoadSettingsFromBestEffort(const ConfigSource& source, Settings* out, Diagnostics* diags) {
  return ReadSettings(source, SettingsMode::kBestEffort, out, diags, nullptr);
}

namespace {

// Whether this process owns the state folder, and so may write its snapshot.
bool OwnsStateFolder(const Settings& settings) {
  struct stat st;
  return ::stat(settings.state.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         st.st_uid == ::geteuid();
}

}  // namespace

bool AppendToStoreSnapshot(const Settings& settings,
                           const std::map<std::string, std::string>& records, StoreSnapshot* out,
                           std::string* error) {
  const std::string path = StoreSnapshotPath(settings.state);
  if (!OwnsStateFolder(settings)) {
    *error = "the state folder is not this process's";
    return false;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    *error = path + ": cannot append: " + std::strerror(errno);
    return false;
  }
  // A cache, not a record of anything: no fsync. A torn append is a
  // damaged last record, and the next load ignores the snapshot and
  // writes it anew.
  bool written = true;
  for (const auto& [name, record] : records) written = written && WriteAll(fd, record);
  int saved = errno;
  ::close(fd);
  if (!written) {
    *error = path + ": cannot append: " + std::strerror(saved);
    return false;
  }
  StoreSnapshot snapshot;
  if (!ReadStoreSnapshot(path, &snapshot, error)) return false;
  if (!snapshot.owner || snapshot.settings_key != StoreSettingsKey(settings)) {
    *error = path + ": made under other settings";
    return false;
  }
  *out = std::move(snapshot);
  return true;
}

bool LoadStoreWithSnapshot(const Settings& settings, Store* out, Diagnostics* diags,
                           KeepLastGood* keep, SnapshotUse* use) {
  const std::string path = StoreSnapshotPath(settings.state);
  StoreSnapshot snapshot;
  if (!ReadStoreSnapshot(path, &snapshot, &use->problem)) {
    use->problem += "; ignored, and rebuilt after this load";
    snapshot = StoreSnapshot();
  }
  bool owner = OwnsStateFolder(settings);
  StoreCache cache;
  cache.snapshot = snapshot.owner ? &snapshot : nullptr;
  cache.want_records = owner;
  if (!LoadStore(settings.store, settings, out, diags, keep, &cache)) return false;
  use->reused = cache.reused;
  use->parsed = cache.parsed;
  // Records the daemon appended, each replacing an earlier one: once they
  // leave the file more than half stale, it is written anew.
  size_t live = kRecordHeaderSize;
  for (const auto& [name, entry] : snapshot.files) live += entry.size;
  if (snapshot.bytes.size() > 2 * live) cache.changed = true;
  if (!cache.damaged.empty()) {
    use->problem =
        path + ": the entry of " + cache.damaged.front() +
        (cache.damaged.size() > 1 ? " and " + std::to_string(cache.damaged.size() - 1) + " more are"
                                  : std::string(" is")) +
        " damaged; parsed instead, and the snapshot rebuilt";
  }
  if (!owner || !cache.changed) return true;
  size_t next = 0;
  bool key = false;
  auto piece = [&]() -> std::optional<std::string> {
    if (!key) {
      key = true;
      return EncodeSnapshotStart(StoreSettingsKey(settings));
    }
    for (; next < cache.records.size(); ++next) {
      StoreCache::Record& record = cache.records[next];
      if (record.kept == nullptr) return std::move(cache.records[next++].fresh);
      // A record that cannot be read again is left out: its file is
      // parsed at the next load.
      std::string copy;
      ++next;
      if (ReadRecord(snapshot, *record.kept, &copy)) return copy;
    }
    return std::nullopt;
  };
  AtomicWriteOptions options;
  options.mode = 0640;
  std::string error;
  use->written = WriteFileAtomically(path, piece, options, &error);
  if (!use->written) {
    if (!use->problem.empty()) use->problem += "; ";
    use->problem += error;
  }
  return true;
}

bool LoadConfig(const ConfigSource& source, Config* out, Diagnostics* diags, KeepLastGood* keep,
                SnapshotUse* use) {
  Config config;
  if (!LoadSettingsFrom(source, &config.settings, diags, keep)) return false;
  SnapshotUse ignored;
  if (source.store_snapshot
          ? !LoadStoreWithSnapshot(config.settings, &config.store, diags, keep,
                                   use ? use : &ignored)
          : !LoadStore(config.settings.store, config.settings, &config.store, diags, keep)) {
    return false;
  }
  *out = std::move(config);
  return true;
}

std::string StateDirOf(const ConfigSource& source) {
  if (!source.state_dir.empty()) return source.state_dir;
  std::string path = SettingsPathOf(source);
  if (!path.empty()) {
    FileText file = ReadFileText(path);
    if (file.error.empty()) {
      try {
        toml::table root = toml::parse(file.text, path);
        if (auto state = root.at_path("daemon.state").value<std::string>()) {
          std::filesystem::path p(*state);
          if (p.is_absolute()) return *state;
          return (std::filesystem::path(path).parent_path() / p).lexically_normal().string();
        }
        return Settings().state;
      } catch (const toml::parse_error&) {
        // Unreadable as TOML: the environment's folder or the default.
      }
    }
  }
  // systemd's StateDirectory= folder, which is where the unit keeps it.
  if (const char* dir = std::getenv("STATE_DIRECTORY"); dir && *dir && !std::strchr(dir, ':')) {
    return dir;
  }
  return Settings().state;
}

}  // namespace plazo
