// Reloading only the store files that changed, and the planner index built
// incrementally from the previous one: both must equal a full reload.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "config/load_config.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/time_text.h"
#include "planner/planner.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

struct StoreDir {
  fs::path path;
  StoreDir() {
    char tmpl[] = "/tmp/plazo-update-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~StoreDir() { fs::remove_all(path); }
  std::string Write(const std::string& id, const std::string& due, int parts = 3) const {
    std::string text = "[program]\nid = \"" + id + "\"\nname = \"P " + id +
                       "\"\nowners = [\"" + id + "@example.gob.cl\"]\n";
    for (int n = 1; n <= parts; ++n) {
      text += "[[commitment]]\nnumber = " + std::to_string(n) + "\ndue = " + due + "\n";
    }
    std::string file = (path / (id + ".toml")).string();
    std::ofstream(file) << text;
    return file;
  }
};

Config Load(const StoreDir& dir) {
  Config config;
  config.settings = DefaultSettings();
  Diagnostics diags;
  REQUIRE(LoadStore(dir.path.string(), config.settings, &config.store, &diags));
  return config;
}

std::vector<std::string> Keys(const Planner& planner) {
  const date::time_zone* zone = FindZone("America/Santiago");
  std::vector<std::string> keys;
  for (const Notification& n :
       planner.Window(*ParseInstant("2026-01-01", zone), *ParseInstant("2028-01-01", zone), {})) {
    for (const PlannedItem& i : n.items) keys.push_back(FormatRfc3339(n.at, zone) + " " + i.key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST_CASE("an edited, an added and a removed file update the store and index like a full load") {
  StoreDir dir;
  dir.Write("a", "2026-06-30");
  std::string b = dir.Write("b", "2026-12-31");
  std::string c = dir.Write("c", "2027-03-31");
  Config old = Load(dir);
  Planner old_planner(old);

  std::string b2 = dir.Write("b", "2027-06-30", 5);  // edited
  std::string d = dir.Write("0d", "2026-09-30");     // added, sorts first
  fs::remove(c);                                     // removed
  StoreUpdate update;
  Diagnostics diags;
  REQUIRE(UpdateStore(&old.store, {b2, d, c}, old.settings, &update, &diags));
  Config next;
  next.settings = old.settings;
  next.store = std::move(update.store);
  CHECK(update.old_to_new == std::vector<int>{1, -1, -1});  // a moved to index 1
  CHECK(update.fresh == std::vector<uint32_t>{0, 2});      // 0d and b read anew
  Planner incremental(next, old_planner, update.old_to_new, update.fresh);

  Config full = Load(dir);
  REQUIRE(full.store.programs.size() == next.store.programs.size());
  for (size_t i = 0; i < full.store.programs.size(); ++i) {
    CHECK(full.store.programs[i].id == next.store.programs[i].id);
    CHECK(full.store.programs[i].commitments.size() == next.store.programs[i].commitments.size());
  }
  Planner rebuilt(full);
  CHECK(incremental.size() == rebuilt.size());
  CHECK(Keys(incremental) == Keys(rebuilt));
}

TEST_CASE("a broken or clashing edit leaves the loaded store untouched") {
  StoreDir dir;
  dir.Write("a", "2026-06-30");
  std::string b = dir.Write("b", "2026-12-31");
  Config old = Load(dir);
  std::ofstream(b) << "[program]\nid = \"a\"\nname = \"clash\"\n";
  StoreUpdate update;
  Diagnostics diags;
  CHECK_FALSE(UpdateStore(&old.store, {b}, old.settings, &update, &diags));
  CHECK(diags.ToString() == b + ":1:1: duplicate program id 'a' (also in " +
                                (dir.path / "a.toml").string() + ")\n");
  REQUIRE(old.store.programs.size() == 2);
  CHECK(old.store.programs[1].id == "b");
  CHECK(old.store.programs[1].commitments.size() == 3);

  std::ofstream(b) << "[program]\nid = \"b\"\nname = 3\n";
  Diagnostics broken;
  CHECK_FALSE(UpdateStore(&old.store, {b}, old.settings, &update, &broken));
  CHECK(broken.ToString() == b + ":3:8: 'name' must be a string, not an integer\n");
  CHECK(old.store.programs[1].commitments.size() == 3);
}

TEST_CASE("removing the last store file leaves an empty store, with a warning") {
  StoreDir dir;
  std::string a = dir.Write("a", "2026-06-30");
  Config old = Load(dir);
  fs::remove(a);
  StoreUpdate update;
  Diagnostics diags;
  REQUIRE(UpdateStore(&old.store, {a}, old.settings, &update, &diags));
  CHECK(diags.empty());
  CHECK(diags.WarningsToString() ==
        dir.path.string() + ": warning: no store files (*.toml) in the store folder yet\n");
  CHECK(update.store.programs.empty());
  CHECK(update.old_to_new == std::vector<int>{-1});
}

}  // namespace
}  // namespace plazo
