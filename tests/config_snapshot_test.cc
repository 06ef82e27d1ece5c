// The daemon's last good configuration: the snapshot file keeps each
// accepted text exactly and refuses anything that is not a whole snapshot,
// and the store loaders fall back on it file by file.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "config/config_snapshot.h"
#include "config/settings.h"
#include "config/store.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/plazo-snapshot-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string file = (path / name).string();
    std::ofstream(file) << text;
    return file;
  }
};

std::string Program(const std::string& id, const std::string& due) {
  return "[program]\nid = \"" + id + "\"\nname = \"P\"\nowners = [\"a@example.gob.cl\"]\n" +
         "[[commitment]]\nnumber = 1\ndue = " + due + "\n";
}

TEST_CASE("a snapshot gives back every text and time it was written with") {
  AcceptedTexts texts = {{"/etc/plazo/plazod.toml", {"[daemon]\n", 1764000000}},
                         {"/etc/plazo/store/a.toml", {std::string("bin\0ary", 7), 1764000001}},
                         {"/etc/plazo/store/empty.toml", {"", -5}}};
  AcceptedTexts back;
  std::string error;
  REQUIRE(DecodeConfigSnapshot(EncodeConfigSnapshot(texts), &back, &error));
  REQUIRE(back.size() == 3);
  for (const auto& [path, accepted] : texts) {
    CHECK(back.at(path).text == accepted.text);
    CHECK(back.at(path).accepted_at == accepted.accepted_at);
  }
}

TEST_CASE("a damaged, truncated or foreign snapshot is refused, never half read") {
  std::string good = EncodeConfigSnapshot({{"/s/a.toml", {"id = 1\n", 7}}});
  AcceptedTexts out = {{"untouched", {"x", 1}}};
  std::string error;
  std::string flipped = good;
  flipped[20] ^= 1;
  CHECK_FALSE(DecodeConfigSnapshot(flipped, &out, &error));
  CHECK(error == "checksum mismatch");
  CHECK_FALSE(DecodeConfigSnapshot(good.substr(0, good.size() - 3), &out, &error));
  CHECK_FALSE(DecodeConfigSnapshot("[daemon]\nstate = 1\n", &out, &error));
  CHECK(error == "not a plazo configuration snapshot");
  std::string newer = good;
  newer[8] = 2;
  CHECK_FALSE(DecodeConfigSnapshot(newer, &out, &error));
  CHECK(error == "version 2, this plazod reads 1");
  CHECK(out.count("untouched") == 1);
}

TEST_CASE("a missing snapshot is a first start; a written one reads back") {
  TempDir dir;
  std::string path = ConfigSnapshotPath(dir.path.string());
  AcceptedTexts texts;
  std::string error;
  REQUIRE(ReadConfigSnapshot(path, &texts, &error));
  CHECK(texts.empty());
  REQUIRE(WriteConfigSnapshot(path, {{"/s/a.toml", {"text", 3}}}, &error));
  CHECK((fs::status(path).permissions() & fs::perms::others_read) == fs::perms::none);
  REQUIRE(ReadConfigSnapshot(path, &texts, &error));
  CHECK(texts.at("/s/a.toml").text == "text");
}

TEST_CASE("loading for the daemon, a broken file runs on its last good text, others as on disk") {
  TempDir dir;
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
  TempDir dir;
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

}  // namespace
}  // namespace plazo
