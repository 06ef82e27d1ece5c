// The catalogue of broken settings and store files in tests/data/bad/: each
// NAME.toml sits beside NAME.expect, the exact diagnostics (one per line,
// "NAME.toml:line:col: message") that loading it must produce.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "config/file_text.h"
#include "config/load_config.h"
#include "config/settings.h"
#include "config/store.h"
#include "notifiers/run_requirements.h"
#include "notifiers/secret.h"
#include "tests/test_paths.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> Cases(const std::string& folder) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(testing::DataDir() + "/bad/" + folder)) {
    if (e.path().extension() == ".toml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Expected(const fs::path& toml) {
  fs::path expect = toml;
  expect.replace_extension(".expect");
  FileText f = ReadFileText(expect.string());
  REQUIRE(f.error.empty());
  return f.text;
}

// Loads as the file's bare name, so messages do not depend on the checkout path.
std::string RelativeTo(const std::string& text, const fs::path& dir) {
  std::string out = text, prefix = dir.string() + "/";
  for (size_t at; (at = out.find(prefix)) != std::string::npos;) out.erase(at, prefix.size());
  return out;
}

// Whether expected lists an error, not only warnings ("place: warning: ...").
bool ExpectsError(const std::string& expected) {
  std::istringstream lines(expected);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(": warning: ") == std::string::npos) return true;
  }
  return false;
}

// A copy of bad/settings in a fresh folder, with the secret files beside the
// cases made private (0600) but those named "*world-readable*" (0644): git
// keeps no modes but the executable bit, and a checkout's umask decides the
// rest.
struct SettingsCases {
  fs::path dir;
  SettingsCases() {
    char tmpl[] = "/tmp/plazo-bad-settings-XXXXXX";
    dir = mkdtemp(tmpl);
    fs::copy(testing::DataDir() + "/bad/settings", dir, fs::copy_options::recursive);
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || ext == ".toml" || ext == ".expect") continue;
      bool open = e.path().filename().string().find("world-readable") != std::string::npos;
      fs::permissions(e.path(), open ? fs::perms(0644) : fs::perms(0600));
    }
  }
  ~SettingsCases() { fs::remove_all(dir); }
};

TEST_CASE("every broken settings file gets its exact diagnostics") {
  // What `plazod check` runs on the settings: the loader, then what it names.
  SettingsCases copy;
  auto cases = Cases("settings");
  REQUIRE(cases.size() >= 30);
  for (const fs::path& original : cases) {
    DYNAMIC_SECTION(original.filename().string()) {
      fs::path file = copy.dir / original.filename();
      Settings settings;
      Diagnostics diags;
      bool ok = LoadSettingsBestEffort(file.string(), &settings, &diags);
      ok = CheckRunRequirements(settings, &diags) && ok;
      diags.Sort();
      std::string expected = Expected(original);
      CHECK(ok == !ExpectsError(expected));
      CHECK(RelativeTo(diags.AllToString(), copy.dir) == expected);
    }
  }
}

TEST_CASE("every broken store file gets its exact diagnostics") {
  Settings settings;
  Diagnostics settings_diags;
  REQUIRE(LoadSettings(testing::ExamplesDir() + "/plazod.toml", &settings, &settings_diags));
  auto cases = Cases("store");
  REQUIRE(cases.size() >= 25);
  for (const fs::path& file : cases) {
    DYNAMIC_SECTION(file.filename().string()) {
      FileText text = ReadFileText(file.string());
      REQUIRE(text.error.empty());
      Program program;
      Diagnostics diags;
      bool ok = ParseStoreFile(text.text, file.filename().string(), settings, &program, &diags);
      std::string expected = Expected(file);
      CHECK(ok == !ExpectsError(expected));
      CHECK(diags.AllToString() == expected);
    }
  }
}

const char kGoodProgram[] =
    "[program]\nid = \"pil\"\nname = \"Programa\"\n\n"
    "[[commitment]]\nnumber = 1\ndue = 2025-06-30\n";

TEST_CASE("a store folder without store files is an empty store, with a warning") {
  // A fresh install, before the first import: valid, nothing to plan.
  testing::TempDir dir;
  dir.Write("README", "not a store file");
  Store store;
  store.programs.emplace_back();  // replaced by the empty store
  Diagnostics diags;
  REQUIRE(LoadStore(dir.path.string(), DefaultSettings(), &store, &diags));
  CHECK(diags.empty());
  CHECK(store.programs.empty());
  CHECK(diags.WarningsToString() ==
        dir.path.string() + ": warning: no store files (*.toml) in the store folder yet\n");
}

TEST_CASE("a missing store folder is named with the reason") {
  Store store;
  Diagnostics diags;
  CHECK_FALSE(LoadStore("/nonexistent/plazo-store", DefaultSettings(), &store, &diags));
  CHECK(diags.ToString() ==
        "/nonexistent/plazo-store: cannot read store folder: No such file or directory\n");
}

TEST_CASE("an unreadable store file is reported and the others still checked") {
  testing::TempDir dir;
  fs::create_directory(dir.path / "folder.toml");
  fs::create_symlink(dir.path / "gone", dir.path / "dangling.toml");
  dir.Write("good.toml", kGoodProgram);
  dir.Write("bad.toml", "[program]\nid = \"otro\"\nname = 3\n");
  Store store;
  Diagnostics diags;
  CHECK_FALSE(LoadStore(dir.path.string(), DefaultSettings(), &store, &diags));
  CHECK(RelativeTo(diags.ToString(), dir.path) ==
        "bad.toml:3:8: 'name' must be a string, not an integer\n"
        "dangling.toml: cannot read: No such file or directory\n"
        "folder.toml: cannot read: is a folder, not a file\n");
}

TEST_CASE("a FIFO as settings, store, holidays or secret file is refused at once with its path") {
  // Opening a FIFO for reading waits for a writer; none ever comes here.
  testing::TempDir dir;
  for (const char* name : {"settings.toml", "store/fifo.toml", "feriados.toml", "secret"}) {
    fs::create_directories((dir.path / name).parent_path());
    REQUIRE(mkfifo((dir.path / name).c_str(), 0600) == 0);
  }
  dir.Write("store/good.toml", kGoodProgram);
  Store store;
  Diagnostics store_diags;
  CHECK_FALSE(LoadStore((dir.path / "store").string(), DefaultSettings(), &store, &store_diags));
  CHECK(RelativeTo(store_diags.ToString(), dir.path / "store") ==
        "fifo.toml: cannot read: not a regular file\n");

  ConfigSource source;
  source.settings_path = (dir.path / "settings.toml").string();
  Config config;
  Diagnostics diags;
  CHECK_FALSE(LoadConfig(source, &config, &diags));
  CHECK(diags.ToString() == source.settings_path + ": cannot read: not a regular file\n");

  dir.Write("plazod.toml", "[schedule.x]\nholidays_file = \"feriados.toml\"\n");
  Settings settings;
  Diagnostics holiday_diags;
  CHECK_FALSE(LoadSettings((dir.path / "plazod.toml").string(), &settings, &holiday_diags));
  // Placed, like every holidays_file problem, at the key that names it.
  CHECK(holiday_diags.ToString() ==
        (dir.path / "plazod.toml").string() + ":2:17: holidays_file: cannot read: not a regular file\n");

  std::string secret, error;
  CHECK_FALSE(LoadSecret((dir.path / "secret").string(), "", &secret, &error));
  CHECK(error == "cannot read secret file " + (dir.path / "secret").string() +
                     ": not a regular file");
}

TEST_CASE("a program id used by two files names both") {
  testing::TempDir dir;
  dir.Write("a.toml", kGoodProgram);
  dir.Write("b.toml", kGoodProgram);
  Store store;
  Diagnostics diags;
  CHECK_FALSE(LoadStore(dir.path.string(), DefaultSettings(), &store, &diags));
  CHECK(RelativeTo(diags.ToString(), dir.path) ==
        "b.toml:1:1: duplicate program id 'pil' (also in a.toml)\n");
}

TEST_CASE("hidden files and other names in the store folder are not store files") {
  testing::TempDir dir;
  dir.Write("pil.toml", kGoodProgram);
  dir.Write(".#pil.toml", "garbage [[[");
  dir.Write("pil.toml~", "garbage [[[");
  Store store;
  Diagnostics diags;
  REQUIRE(LoadStore(dir.path.string(), DefaultSettings(), &store, &diags));
  CHECK(store.programs.size() == 1);
}

TEST_CASE("an explicit settings path that does not exist is an error") {
  ConfigSource source;
  source.settings_path = "/nonexistent/plazod.toml";
  Config config;
  Diagnostics diags;
  CHECK_FALSE(LoadConfig(source, &config, &diags));
  CHECK(diags.ToString() == "/nonexistent/plazod.toml: cannot read: No such file or directory\n");
}

TEST_CASE("errors of several store files are all reported in one run") {
  testing::TempDir dir;
  dir.Write("a.toml", "[program]\nid = \"a\"\nname = \"A\"\nshedule = \"dipres\"\n");
  dir.Write("b.toml", "[program]\nid = \"b\"\nname = \"B\"\n\n[[commitment]]\nnumber = 1\n");
  Store store;
  Diagnostics diags;
  CHECK_FALSE(LoadStore(dir.path.string(), DefaultSettings(), &store, &diags));
  CHECK(RelativeTo(diags.ToString(), dir.path) ==
        "a.toml:4:1: unknown key 'shedule' in [program] (did you mean 'schedule'?)\n"
        "b.toml:5:1: missing required key 'due' in [[commitment]]\n");
}

}  // namespace
}  // namespace plazo
