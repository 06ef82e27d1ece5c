#include "config/store.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <thread>

#include <toml++/toml.h>

#include "base/hash.h"
#include "base/ids.h"
#include "config/file_text.h"
#include "config/table_reader.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

std::vector<std::string_view> Keys(const auto& map) {
  std::vector<std::string_view> names;
  for (auto& [name, _] : map) names.push_back(name);
  return names;
}

// " (defined: a, b)" or " (the settings define no [section])".
std::string KnownList(const std::vector<std::string_view>& names, std::string_view section) {
  if (names.empty()) return " (the settings define no " + std::string(section) + ")";
  std::string out = " (defined:";
  for (std::string_view n : names) out += " " + std::string(n);
  return out + ")";
}

void CheckSchedule(TableReader& r, const std::string& name, const Settings& settings) {
  if (settings.FindSchedule(name)) return;
  r.diags().Add(r.Pos("schedule"), "unknown schedule '" + name + "'" +
                                       DidYouMean(name, Keys(settings.schedules)));
}

std::optional<Status> ReadStatus(TableReader& r, std::string_view key) {
  auto v = r.String(key);
  if (!v) return std::nullopt;
  if (auto s = ParseStatus(*v)) return s;
  std::string list;
  for (std::string_view n : StatusNames()) list += (list.empty() ? "" : ", ") + std::string(n);
  r.diags().Add(r.Pos(key), "'" + std::string(key) + "': unknown status \"" + *v +
                                "\" (one of " + list + ")" + DidYouMean(*v, StatusNames()));
  return std::nullopt;
}

// snooze_until (a date) and snooze_reason, which needs it.
void ReadSnooze(TableReader& r, Snooze& s) {
  if (auto v = r.Date("snooze_until")) s.until = *v;
  if (auto v = r.String("snooze_reason")) {
    s.reason = std::move(*v);
    if (!r.Get("snooze_until")) {
      r.diags().Add(r.Pos("snooze_reason"), "snooze_reason needs a snooze_until date");
    }
  }
}

void ReadProgram(TableReader& r, const Settings& settings, Program& p) {
  p.pos = r.Pos();
  if (r.Require("id")) {
    if (auto v = r.String("id")) {
      if (!IsSlug(*v)) {
        r.diags().Add(r.Pos("id"), "program id \"" + *v +
                                       "\" must be a slug: lowercase letters, digits, '-', '_' or '.'");
      }
      p.id = std::move(*v);
    }
  }
  if (r.Require("name")) {
    if (auto v = r.String("name")) p.name = std::move(*v);
  }
  if (auto v = r.String("ministry")) p.ministry = std::move(*v);
  if (auto v = r.String("service")) p.service = std::move(*v);
  if (auto v = r.Integer("evaluation_year", 1990, 2100)) p.evaluation_year = static_cast<int>(*v);
  if (auto v = r.Date("report_date")) p.report_date = std::move(*v);
  if (r.Get("rating")) p.rating = ReadStatus(r, "rating");
  if (auto v = r.String("observation")) p.observation = std::move(*v);
  if (auto v = r.String("schedule")) {
    CheckSchedule(r, *v, settings);
    p.schedule = std::move(*v);
  }
  if (auto v = r.Emails("owners")) p.owners = std::move(*v);
  if (auto v = r.Strings("webhooks")) {
    const toml::array& a = *r.Get("webhooks")->as_array();
    for (size_t i = 0; i < v->size(); ++i) {
      const std::string& name = (*v)[i];
      if (!settings.webhooks.count(name)) {
        r.diags().Add(PosOf(a[i].source(), r.file()),
                      "unknown webhook '" + name + "'" +
                          DidYouMean(name, Keys(settings.webhooks)) +
                          KnownList(Keys(settings.webhooks), "[webhook.NAME]"));
      }
    }
    p.webhooks = std::move(*v);
  }
  ReadSnooze(r, p.snooze);
  r.Finish();
}

void ReadCommitment(TableReader& r, const Settings& settings, Commitment& c) {
  SourcePos pos = r.Pos();
  c.line = pos.line;
  c.column = pos.column;
  bool numbered = false;
  if (r.Require("number")) {
    if (auto v = r.Integer("number", 1, 9999)) {
      c.number = static_cast<int>(*v);
      numbered = true;
    }
  }
  bool parted = true;
  if (r.Get("part")) {
    parted = false;
    if (auto v = r.Integer("part", 1, 99)) {
      c.part = static_cast<int>(*v);
      parted = true;
    }
  }
  std::string expected = CommitmentId(c.number, c.part);
  if (auto v = r.String("id")) {
    if (numbered && parted && *v != expected) {
      r.diags().Add(r.Pos("id"), "commitment id \"" + *v + "\" does not match number " +
                                     std::to_string(c.number) + ", part " +
                                     std::to_string(c.part) + " (expected \"" + expected + "\")");
    }
  }
  c.id = expected;
  if (auto v = r.String("recommendation")) c.recommendation = std::move(*v);
  if (auto v = r.String("text")) c.text = std::move(*v);
  if (auto v = r.String("verification")) c.verification = std::move(*v);
  if (r.Require("due")) {
    if (auto v = r.DateOrInstant("due")) c.due = std::move(*v);
  }
  if (auto v = r.Dates("previous_due")) c.previous_due = std::move(*v);
  if (r.Get("status")) {
    if (auto s = ReadStatus(r, "status")) c.status = *s;
  }
  if (auto v = r.Date("status_date")) c.status_date = std::move(*v);
  if (auto v = r.String("observation")) c.observation = std::move(*v);
  if (auto v = r.String("evidence")) c.evidence = std::move(*v);
  if (auto v = r.Date("submitted")) c.submitted = std::move(*v);
  if (auto v = r.Emails("owners")) c.owners = std::move(*v);
  if (auto v = r.String("schedule")) {
    CheckSchedule(r, *v, settings);
    c.schedule = std::move(*v);
  }
  ReadSnooze(r, c.snooze);
  r.Finish();
}

}  // namespace

std::string CommitmentId(int number, int part) {
  std::string id = "c" + std::to_string(number);
  if (part != 1) id += "-p" + std::to_string(part);
  return id;
}

bool ParseStoreFile(std::string_view text, const std::string& name,
                    const Settings& settings, Program* out, Diagnostics* diags) {
  toml::table root;
  if (!ParseToml(text, name, &root, diags)) return false;
  Diagnostics local;
  Program p;
  p.pos = SourcePos{name, 1, 1};
  bool has_program = false;
  std::map<std::string, SourcePos> seen;
  for (auto&& [key, node] : root) {
    std::string_view k = key.str();
    if (k == "program") {
      has_program = true;
      if (const toml::table* t = node.as_table()) {
        TableReader r(*t, name, "[program]", local);
        ReadProgram(r, settings, p);
      } else {
        local.Add(PosOf(node.source(), name), "'program' must be a table [program]");
      }
    } else if (k == "commitment") {
      const toml::array* a = node.as_array();
      if (!a || !a->is_array_of_tables()) {
        local.Add(PosOf(node.source(), name),
                  "'commitment' must be an array of tables: write each part as [[commitment]]");
        continue;
      }
      p.commitments.reserve(p.commitments.size() + a->size());
      for (const toml::node& e : *a) {
        Commitment c;
        TableReader r(*e.as_table(), name, "[[commitment]]", local);
        ReadCommitment(r, settings, c);
        if (c.number > 0) {
          auto [it, fresh] = seen.emplace(c.id, PosOf(p, c));
          if (!fresh) {
            local.Add(PosOf(p, c), "duplicate commitment '" + c.id + "' (first defined at " +
                                       it->second.file + ":" + std::to_string(it->second.line) +
                                       ":" + std::to_string(it->second.column) + ")");
          }
        }
        p.commitments.push_back(std::move(c));
      }
    } else {
      local.Add(PosOf(key.source(), name),
                "unknown key '" + std::string(k) + "' at the top of a store file" +
                    DidYouMean(k, {"program", "commitment"}));
    }
  }
  if (!has_program) local.Add(SourcePos{name, 1, 1}, "missing [program] table");
  // The planner indexes parts with 16 bits per file; far beyond any report.
  if (p.commitments.size() > 65535) {
    local.Add(SourcePos{name, 1, 1}, "too many commitment parts in one file (" +
                                         std::to_string(p.commitments.size()) +
                                         "; at most 65535): split the program");
  }
  local.Sort();
  diags->Merge(local);
  if (!local.empty()) return false;
  // A part nobody hears about is planned for nothing. Only open parts of a
  // valid file: a fulfilled part gets no alerts anyway, and a broken file's
  // parts are not planned at all. The schedule's escalate_to does not count:
  // it hears of a part only once it is late.
  if (p.owners.empty() && p.webhooks.empty()) {
    for (const Commitment& c : p.commitments) {
      if (c.owners.empty() && c.IsOpen()) {
        diags->Warn(PosOf(p, c),
                    "nobody will be told about " + c.id +
                        ": no owners, neither its own nor its program's, and no webhooks");
      }
    }
  }
  std::stable_sort(p.commitments.begin(), p.commitments.end(),
                   [](const Commitment& a, const Commitment& b) {
                     return std::tie(a.number, a.part) < std::tie(b.number, b.part);
                   });
  *out = std::move(p);
  return true;
}

bool LoadStore(const std::string& dir, const Settings& settings, Store* out, Diagnostics* diags,
               KeepLastGood* keep, StoreCache* cache) {
  std::error_code ec;
  std::vector<std::string> files;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    diags->Add(SourcePos{dir, 0, 0}, "cannot read store folder: " + ec.message());
    return false;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      diags->Add(SourcePos{dir, 0, 0}, "cannot read store folder: " + ec.message());
      return false;
    }
    std::string filename = it->path().filename().string();
    if (filename.empty() || filename[0] == '.') continue;
    if (it->path().extension() != ".toml") continue;
    files.push_back(it->path().string());
  }
  if (files.empty()) {
    // A fresh install: valid, with nothing to plan until the first file
    // appears (the daemon watches the folder).
    diags->Warn(SourcePos{dir, 0, 0}, "no store files (*.toml) in the store folder yet");
  }
  std::sort(files.begin(), files.end());

  // Files are independent: parse them on every core, each into its own slot,
  // then merge in file order so the result does not depend on scheduling.
  struct Slot {
    Program program;
    Diagnostics diags;
    uint64_t hash = 0;  // of the text read from disk
    bool ok = false;
    bool last_good = false;  // the program comes from its last good text
    const SnapshotEntry* reused = nullptr;  // the snapshot entry it was read from
    bool damaged = false;                   // its matching entry failed its check
    std::string record;                     // its new snapshot record, when parsed
  };
  const AcceptedTexts* last_good = keep ? keep->last_good : nullptr;
  const StoreSnapshot* snapshot =
      cache && cache->snapshot && cache->snapshot->settings_key == StoreSettingsKey(settings)
          ? cache->snapshot
          : nullptr;
  std::vector<Slot> slots(files.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    std::string buffer;  // for snapshot records
    for (size_t i; (i = next.fetch_add(1)) < files.size();) {
      Slot& slot = slots[i];
      // The identity is taken before the file is read: an edit after it
      // changes the identity, so the entry made now cannot outlive it.
      FileIdentity identity;
      int64_t checked_ns = NowNanoseconds();
      bool identified = cache != nullptr && IdentityOf(files[i], &identity);
      if (identified && snapshot != nullptr) {
        auto entry = snapshot->files.find(files[i]);
        std::vector<Diagnostic> warnings;
        if (entry != snapshot->files.end() && entry->second.Matches(identity)) {
          if (DecodeEntry(*snapshot, entry->second, files[i], &slot.program, &warnings, &buffer)) {
            for (Diagnostic& w : warnings) slot.diags.Warn(std::move(w.pos), std::move(w.message));
            slot.ok = true;
            slot.hash = entry->second.text_hash;
            slot.reused = &entry->second;
            continue;
          }
          slot.damaged = true;
        }
        slot.program = Program();
      }
      FileText text = ReadFileText(files[i]);
      if (!text.error.empty()) {
        slot.diags.Add(SourcePos{files[i], 0, 0}, text.error);
      } else {
        slot.ok = ParseStoreFile(text.text, files[i], settings, &slot.program, &slot.diags);
        if (slot.ok && (keep || identified)) slot.hash = Fnv1a(text.text);
        if (slot.ok && identified && cache->want_records) {
          slot.record = EncodeSnapshotFile(files[i], identity, checked_ns, slot.hash, slot.program,
                                           slot.diags.warnings());
        }
      }
      if (slot.ok || !last_good) continue;
      auto found = last_good->find(fs::path(files[i]).lexically_normal().string());
      if (found == last_good->end()) continue;
      // Its last good text was valid when accepted; it may not be under
      // today's settings (a schedule renamed), and is then left out too.
      Diagnostics ignored;
      slot.program = Program();
      slot.ok = slot.last_good =
          ParseStoreFile(found->second.text, files[i], settings, &slot.program, &ignored);
    }
  };
  size_t workers = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), files.size());
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();

  Diagnostics local;
  Diagnostics& problems = keep ? keep->problems : local;
  std::vector<std::pair<Program, Slot*>> loaded;
  loaded.reserve(files.size());
  for (Slot& slot : slots) {
    problems.Merge(slot.diags);
    if (slot.ok) loaded.emplace_back(std::move(slot.program), &slot);
  }
  if (cache) {
    cache->changed = snapshot == nullptr || snapshot->files.size() != files.size();
    for (size_t i = 0; i < slots.size(); ++i) {
      Slot& slot = slots[i];
      if (slot.damaged) cache->damaged.push_back(files[i]);
      if (slot.reused) {
        ++cache->reused;
        if (cache->want_records) cache->records.push_back({slot.reused, {}});
      } else {
        ++cache->parsed;
        cache->changed = true;
        if (!slot.record.empty()) cache->records.push_back({nullptr, std::move(slot.record)});
      }
    }
  }
  std::stable_sort(loaded.begin(), loaded.end(),
                   [](const auto& a, const auto& b) { return a.first.id < b.first.id; });
  Store store;
  store.programs.reserve(loaded.size());
  for (auto& [p, slot] : loaded) {
    if (!store.programs.empty() && store.programs.back().id == p.id) {
      const Program& prev = store.programs.back();
      problems.Add(p.pos, "duplicate program id '" + p.id + "' (also in " + prev.pos.file + ")");
      if (keep) continue;  // the first file keeps the id
    }
    if (keep) {
      if (slot->last_good) {
        keep->kept.push_back(p.pos.file);
      } else {
        keep->accepted[p.pos.file] = slot->hash;
      }
    }
    store.programs.push_back(std::move(p));
  }
  local.Sort();
  diags->Merge(local);
  if (!local.empty()) return false;
  *out = std::move(store);
  return true;
}

bool UpdateStore(Store* old, const std::vector<std::string>& changed, const Settings& settings,
                 StoreUpdate* out, Diagnostics* diags, KeepLastGood* keep, bool want_records) {
  auto normal = [](const std::string& path) { return fs::path(path).lexically_normal().string(); };
  std::set<std::string> touched;
  for (const std::string& path : changed) touched.insert(normal(path));

  Diagnostics local;
  Diagnostics& problems = keep ? keep->problems : local;
  std::vector<Program> parsed;
  std::map<std::string, uint64_t> hashes;  // of the texts parsed, with keep
  std::set<std::string> invalid;             // with keep: keep their program in force
  std::map<std::string, std::string> records;  // with want_records, by SnapshotKey
  for (const std::string& path : touched) {
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;  // removed
    // As in LoadStore: the identity is taken before the file is read.
    FileIdentity identity;
    int64_t checked_ns = NowNanoseconds();
    bool identified = want_records && IdentityOf(path, &identity);
    FileText text = ReadFileText(path);
    Diagnostics file;
    Program p;
    if (!text.error.empty()) {
      file.Add(SourcePos{path, 0, 0}, text.error);
    } else if (ParseStoreFile(text.text, path, settings, &p, &file)) {
      uint64_t hash = keep || identified ? Fnv1a(text.text) : 0;
      if (keep) hashes[path] = hash;
      if (identified) {
        std::string key = SnapshotKey(settings.store, path);
        records[key] = EncodeSnapshotFile(key, identity, checked_ns, hash, p, file.warnings());
      }
      parsed.push_back(std::move(p));
      continue;
    }
    problems.Merge(file);
    if (keep) invalid.insert(path);
  }
  // Program ids stay unique across the store: check the new programs against
  // each other and against every program kept. With keep, a new program
  // whose id is taken is invalid and its file keeps its program in force.
  auto untouched = [&](const Program& p) {
    std::string file = normal(p.pos.file);
    return !touched.count(file) || invalid.count(file);
  };
  std::map<std::string, std::string> ids;  // id -> file
  for (const Program& p : old->programs) {
    if (untouched(p)) ids.emplace(p.id, p.pos.file);
  }
  std::vector<Program> fresh;
  for (Program& p : parsed) {
    auto [it, inserted] = ids.emplace(p.id, p.pos.file);
    if (inserted) {
      fresh.push_back(std::move(p));
      continue;
    }
    problems.Add(p.pos, "duplicate program id '" + p.id + "' (also in " + it->second + ")");
    if (!keep) continue;
    std::string file = normal(p.pos.file);
    invalid.insert(file);
    hashes.erase(p.pos.file);
    records.erase(SnapshotKey(settings.store, p.pos.file));
    for (const Program& o : old->programs) {
      if (normal(o.pos.file) == file && !ids.emplace(o.id, o.pos.file).second) {
        local.Add(o.pos, "duplicate program id '" + o.id + "'");  // cannot fall back
      }
    }
  }
  size_t kept = 0;
  for (const Program& p : old->programs) kept += untouched(p) ? 1 : 0;
  if (kept + fresh.size() == 0) {
    local.Warn(SourcePos{touched.empty() ? std::string()
                                         : fs::path(*touched.begin()).parent_path().string(),
                         0, 0},
               "no store files (*.toml) in the store folder yet");
  }
  local.Sort();
  diags->Merge(local);
  if (!local.empty()) return false;

  if (keep) {
    for (const Program& p : old->programs) {
      if (invalid.count(normal(p.pos.file))) keep->kept.push_back(p.pos.file);
    }
    for (auto& [path, hash] : hashes) keep->accepted[path] = hash;
  }
  StoreUpdate update;
  std::vector<std::pair<Program, int>> all;  // program, its old index or -1
  all.reserve(kept + fresh.size());
  for (size_t i = 0; i < old->programs.size(); ++i) {
    Program& p = old->programs[i];
    if (untouched(p)) all.emplace_back(std::move(p), static_cast<int>(i));
  }
  for (Program& p : fresh) all.emplace_back(std::move(p), -1);
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.first.id < b.first.id; });
  update.records = std::move(records);
  update.old_to_new.assign(old->programs.size(), -1);
  update.store.programs.reserve(all.size());
  for (auto& [p, old_index] : all) {
    uint32_t index = static_cast<uint32_t>(update.store.programs.size());
    if (old_index >= 0) {
      update.old_to_new[static_cast<size_t>(old_index)] = static_cast<int>(index);
    } else {
      update.fresh.push_back(index);
    }
    update.store.programs.push_back(std::move(p));
  }
  *out = std::move(update);
  return true;
}

}  // namespace plazo
