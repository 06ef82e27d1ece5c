#include "daemon/config_keeper.h"

#include <malloc.h>

#include <spdlog/spdlog.h>

#include "config/time_text.h"
#include "notifiers/run_requirements.h"

namespace plazo {
namespace {

int64_t Unix(Instant t) { return t.time_since_epoch().count(); }

Instant FromUnix(int64_t unix_seconds) { return Instant(std::chrono::seconds(unix_seconds)); }

}  // namespace

void ConfigKeeper::UseStateFolder(const std::string& state) {
  snapshot_ = std::make_unique<ConfigSnapshotFile>(ConfigSnapshotPath(state));
}

bool ConfigKeeper::Load(Instant now, Diagnostics* diags) {
  current_ = LoadWhole(now, diags);
  return current_ != nullptr;
}

void ConfigKeeper::Accept() { Accepted(nullptr); }

bool ConfigKeeper::Reload(const std::vector<std::string>* store_files, Instant now) {
  Diagnostics diags;
  std::shared_ptr<LoadedConfig> fresh =
      store_files ? ReloadStoreFiles(current_.get(), *store_files, Unix(now), &diags)
                  : LoadWhole(now, &diags);
  if (!fresh) {
    diags.Sort();
    for (const Diagnostic& d : diags.list()) spdlog::error("{}", d.ToString());
    reload_error_ = diags.list().front().ToString();
    reload_errors_ = diags.size();
    spdlog::error("configuration not reloaded: {} error(s); the last good one stays in force",
                  diags.size());
    AcceptedTexts().swap(last_good_);
    return false;
  }
  for (const Diagnostic& w : diags.warnings()) spdlog::warn("{}", w.ToString());
  reload_error_.clear();
  reload_errors_ = 0;
  current_ = std::move(fresh);
  Accepted(store_files);
  return true;
}

std::string ConfigKeeper::Problem() const {
  size_t count = errors();
  if (count == 0) return "";
  std::string first = reload_error_;
  if (first.empty()) first = current_->problems.list().front().ToString();
  std::string more = count > 1 ? " (and " + std::to_string(count - 1) + " more)" : "";
  if (auto since = current_->LastGoodSince()) {
    return "running on the configuration accepted at " +
           FormatLocalMinute(FromUnix(*since), current_->config.settings.zone) + "; " + first +
           more;
  }
  return "config error: " + first + more;
}

std::shared_ptr<LoadedConfig> ConfigKeeper::LoadWhole(Instant now, Diagnostics* diags) {
  Diagnostics first;
  std::shared_ptr<LoadedConfig> loaded =
      LoadConfiguration(source_, AcceptedTexts(), Unix(now), &first);
  if (loaded && loaded->problems.empty()) {
    diags->Merge(first);
    return loaded;
  }
  last_good_ = ReadLastGood();
  if (last_good_.empty()) {
    diags->Merge(first);
    return loaded;
  }
  loaded.reset();
  return LoadConfiguration(source_, last_good_, Unix(now), diags);
}

AcceptedTexts ConfigKeeper::ReadLastGood() {
  AcceptedTexts texts;
  std::string warning, error;
  if (!snapshot_->Read(&texts, &warning, &error)) {
    spdlog::warn("ignoring the last good configuration: {}", error);
  } else if (!warning.empty()) {
    spdlog::warn("the last good configuration is incomplete: {}", warning);
  }
  return texts;
}

void ConfigKeeper::Accepted(const std::vector<std::string>* store_files) {
  for (const Diagnostic& d : current_->problems.list()) spdlog::error("{}", d.ToString());
  const Settings& s = current_->config.settings;
  for (const std::string& file : current_->kept) {
    spdlog::warn("{}: invalid on disk; running on its version accepted at {}", file,
                 FormatRfc3339(FromUnix(current_->accepted_at.at(file)), s.zone));
  }
  if (!store_files) {
    const SnapshotUse& snap = current_->snapshot;
    if (!snap.problem.empty()) spdlog::warn("store snapshot: {}", snap.problem);
    spdlog::debug("store snapshot: {} files read back, {} parsed{}", snap.reused, snap.parsed,
                  snap.written ? ", snapshot rewritten" : "");
    // What `check` refuses and the settings loader lets through (secret
    // files, URLs curl cannot use) would fail each delivery; say it now.
    Diagnostics needs;
    (void)CheckRunRequirements(s, &needs);
    needs.Sort();
    for (const Diagnostic& d : needs.list()) spdlog::error("{}", d.ToString());
    for (const Diagnostic& w : needs.warnings()) spdlog::warn("{}", w.ToString());
  }
  std::string error;
  if (store_files ? !SaveLastGoodEdits(*snapshot_, *store_files, current_.get(), &error)
                  : !SaveLastGood(*snapshot_, last_good_, current_.get(), &error)) {
    spdlog::error("cannot keep the last good configuration: {}", error);
  }
  // The last good texts a whole load read are as large as the store's
  // files: not kept (ReleaseMemory gives the heap back).
  if (!store_files) AcceptedTexts().swap(last_good_);
}

void ConfigKeeper::ReleaseMemory() {
  // glibc keeps freed heap: give it back, so that the daemon does not keep
  // the previous configuration's size after a restart or SIGHUP. It walks
  // the whole heap (tens of ms on a large store), hence not in Reload.
  ::malloc_trim(0);
}

void ConfigKeeper::IndexFor(Instant from, Instant until) {
  auto started = std::chrono::steady_clock::now();
  if (!plazo::IndexFor(current_.get(), from, until)) return;
  spdlog::debug("planner index rebuilt from {} in {} ms: {} stages",
                FormatRfc3339(from, current_->config.settings.zone),
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count(),
                current_->planner->size());
}

}  // namespace plazo
