// The daemon's last good configuration: the snapshot file keeps each
// accepted text exactly and refuses anything that is not a whole snapshot,
// and the store loaders fall back on it file by file.
#include <filesystem>

#include <catch2/catch.hpp>

#include "config/config_snapshot.h"
#include "config/load_config.h"
#include "config/settings.h"
#include "config/store.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;


std::string Program(const std::string& id, const std::string& due) {
  return "[program]\nid = \"" + id + "\"\nname = \"P\"\nowners = [\"a@example.gob.cl\"]\n" +
         "[[commitment]]\nnumber = 1\ndue = " + due + "\n";
}

TEST_CASE("a snapshot gives back every text and time it was written with") {
  AcceptedTexts texts = {{"/etc/plazo/plazod.toml", {"[daemon]\n", 1764000000}},
                         {"/etc/plazo/store/a.toml", {std::string("bin\0ary", 7), 1764000001}},
                         {"/etc/plazo/store/empty.toml", {"", -5}}};
  AcceptedTexts back;
  std::string damage, error;
  REQUIRE(DecodeConfigSnapshot(EncodeConfigSnapshot(texts), &back, &damage, &error));
  CHECK(damage.empty());
  REQUIRE(back.size() == 3);
  for (const auto& [path, accepted] : texts) {
    CHECK(back.at(path).text == accepted.text);
    CHECK(back.at(path).accepted_at == accepted.accepted_at);
  }
}

TEST_CASE("appended edits replace and remove files; later records win") {
  std::string data = EncodeConfigSnapshot({{"/s/a.toml", {"a1", 1}}, {"/s/b.toml", {"b1", 1}}});
  data += EncodeSnapshotEdits({{"/s/a.toml", AcceptedText{"a2", 2}}, {"/s/b.toml", std::nullopt}});
  data += EncodeSnapshotEdits({{"/s/c.toml", AcceptedText{"c1", 3}}});
  AcceptedTexts back;
  std::string damage, error;
  REQUIRE(DecodeConfigSnapshot(data, &back, &damage, &error));
  CHECK(back.size() == 2);
  CHECK(back.at("/s/a.toml").text == "a2");
  CHECK(back.at("/s/a.toml").accepted_at == 2);
  CHECK(back.at("/s/c.toml").text == "c1");
}

TEST_CASE("a torn or damaged record keeps every record before it") {
  std::string whole = EncodeConfigSnapshot({{"/s/a.toml", {"a1", 1}}});
  std::string edit = EncodeSnapshotEdits({{"/s/a.toml", AcceptedText{"a2", 2}}});
  AcceptedTexts back;
  std::string damage, error;
  // A crash in the middle of an append.
  REQUIRE(DecodeConfigSnapshot(whole + edit.substr(0, edit.size() - 3), &back, &damage, &error));
  CHECK(back.at("/s/a.toml").text == "a1");
  CHECK(damage == "a damaged record at byte " + std::to_string(whole.size()) + "; the " +
                      std::to_string(edit.size() - 3) + " bytes from there are ignored");
  // A flipped bit in the first record: nothing after it is trusted.
  std::string flipped = whole + edit;
  flipped[24] ^= 1;
  REQUIRE(DecodeConfigSnapshot(flipped, &back, &damage, &error));
  CHECK(back.empty());
  CHECK_FALSE(damage.empty());
}

TEST_CASE("a foreign file or another version is refused, never half read") {
  std::string good = EncodeConfigSnapshot({{"/s/a.toml", {"id = 1\n", 7}}});
  AcceptedTexts out = {{"untouched", {"x", 1}}};
  std::string damage, error;
  CHECK_FALSE(DecodeConfigSnapshot("[daemon]\nstate = 1\n", &out, &damage, &error));
  CHECK(error == "not a plazo configuration snapshot");
  std::string newer = good;
  newer[8] = 2;
  CHECK_FALSE(DecodeConfigSnapshot(newer, &out, &damage, &error));
  CHECK(error == "version 2, this plazod reads 1");
  CHECK(out.count("untouched") == 1);
}

TEST_CASE("the snapshot file: missing is a first start; edits append until compaction") {
  testing::TempDir dir;
  ConfigSnapshotFile file(ConfigSnapshotPath(dir.path.string()));
  AcceptedTexts texts;
  std::string warning, error;
  REQUIRE(file.Read(&texts, &warning, &error));
  CHECK(texts.empty());
  REQUIRE(file.Replace({{"/s/a.toml", {std::string(1000, 'a'), 3}}}, &error));
  CHECK((fs::status(file.path()).permissions() & fs::perms::others_read) == fs::perms::none);
  auto size = fs::file_size(file.path());
  REQUIRE(file.Apply({{"/s/b.toml", AcceptedText{"b", 4}}}, &error));
  CHECK(fs::file_size(file.path()) > size);  // appended
  // Many rewrites of a large file: superseded records are compacted away.
  for (int i = 0; i < 40; ++i) {
    REQUIRE(file.Apply({{"/s/big.toml", AcceptedText{std::string(100000, 'x'), i}}}, &error));
  }
  CHECK(fs::file_size(file.path()) < 2 * 100000 + (1 << 20) + 2000);
  REQUIRE(file.Read(&texts, &warning, &error));
  CHECK(warning.empty());
  CHECK(texts.size() == 3);
  CHECK(texts.at("/s/big.toml").accepted_at == 39);
  REQUIRE(file.Apply({{"/s/a.toml", std::nullopt}}, &error));
  REQUIRE(file.Read(&texts, &warning, &error));
  CHECK(texts.count("/s/a.toml") == 0);
}

TEST_CASE("loading for the daemon, a broken file runs on its last good text, others as on disk") {
  testing::TempDir dir;
  std::string a = dir.Write("a.toml", "[program]\nid = \"a\"\nname = 3\n");
  std::string b = dir.Write("b.toml", Program("b", "2026-12-31"));
  std::string c = dir.Write("c.toml", "[program\n");  // never accepted
  AcceptedTexts last_good = {{a, {Program("a", "2026-06-30"), 100}},
                             {b, {Program("b", "2025-01-01"), 100}}};
  KeepLastGood keep;
  keep.last_good = &last_good;
  Store store;
  Diagnostics diags;
  REQUIRE(LoadStore(dir.path.string(), DefaultSettings(), &store, &diags, &keep));
  REQUIRE(store.programs.size() == 2);
  CHECK(store.programs[0].id == "a");
  CHECK(store.programs[1].commitments[0].due.date == Days(date::year{2026} / 12 / 31));
  CHECK(keep.kept == std::vector<std::string>{a});
  CHECK(keep.accepted.count(b) == 1);
  keep.problems.Sort();
  REQUIRE(keep.problems.size() == 2);
  CHECK(keep.problems.list()[0].pos.file == a);
  CHECK(keep.problems.list()[1].pos.file == c);
  // Strictly (check, status, plan) the same folder is invalid.
  Diagnostics strict;
  CHECK_FALSE(LoadStore(dir.path.string(), DefaultSettings(), &store, &strict));
  CHECK(strict.size() == 2);
}

TEST_CASE("a store reload keeps the program in force for a changed file that is invalid") {
  testing::TempDir dir;
  std::string a = dir.Write("a.toml", Program("a", "2026-06-30"));
  std::string b = dir.Write("b.toml", Program("b", "2026-06-30"));
  Store store;
  Diagnostics diags;
  REQUIRE(LoadStore(dir.path.string(), DefaultSettings(), &store, &diags));
  dir.Write("a.toml", "[program]\nid = \"a\"\nname = 3\n");
  dir.Write("b.toml", Program("a", "2026-09-30"));  // takes a's id
  KeepLastGood keep;
  StoreUpdate update;
  REQUIRE(UpdateStore(&store, {a, b}, DefaultSettings(), &update, &diags, &keep));
  CHECK(diags.empty());
  REQUIRE(update.store.programs.size() == 2);
  CHECK(update.store.programs[0].id == "a");
  CHECK(update.store.programs[0].commitments[0].due.date == Days(date::year{2026} / 6 / 30));
  CHECK(update.store.programs[1].id == "b");
  CHECK(keep.kept.size() == 2);
  CHECK(keep.problems.size() == 2);
}

TEST_CASE("settings broken on disk load from their last good text, holidays file included") {
  testing::TempDir dir;
  fs::create_directory(dir.path / "store");
  dir.Write("store/a.toml", Program("a", "2026-06-30"));
  std::string holidays = dir.Write("feriados.toml", "holidays = [2026-09-18]\n");
  std::string good = "[daemon]\nstore = \"store\"\n[schedule.dipres]\nholidays_file = \"feriados.toml\"\n";
  std::string settings = dir.Write("plazod.toml", "[daemon\n");
  dir.Write("feriados.toml", "holidays = [\"no\"]\n");
  AcceptedTexts last_good = {{settings, {good, 10}},
                             {holidays, {"holidays = [2026-09-18]\n", 10}}};
  ConfigSource source;
  source.settings_path = settings;
  KeepLastGood keep;
  keep.last_good = &last_good;
  Config config;
  Diagnostics diags;
  REQUIRE(LoadConfig(source, &config, &diags, &keep));
  CHECK(diags.empty());
  CHECK(config.store.programs.size() == 1);
  CHECK(config.settings.FindSchedule("dipres")->holidays.count(Days(date::year{2026} / 9 / 18)));
  std::sort(keep.kept.begin(), keep.kept.end());
  CHECK(keep.kept == std::vector<std::string>{holidays, settings});
  REQUIRE(keep.problems.size() == 1);
  CHECK(keep.problems.list()[0].pos.file == settings);
  // Without a last good version there is nothing to run on.
  KeepLastGood none;
  Diagnostics fatal;
  CHECK_FALSE(LoadConfig(source, &config, &fatal, &none));
  CHECK(fatal.size() == 1);
}

}  // namespace
}  // namespace plazo
