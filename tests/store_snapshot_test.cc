// The store snapshot: parsed programs read back instead of parsed again,
// only for files provably unchanged, and a snapshot that is damaged,
// truncated, of another version or of other settings never trusted.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "config/load_config.h"
#include "config/record_file.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/store_snapshot.h"
#include "daemon/loaded_config.h"
#include "tests/test_paths.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

// A copy of the sample store (one file) plus a second file, the sample
// settings whose state is a folder of its
// own, every store file last modified an hour ago (older than the racy
// window).
struct Sample {
  testing::TempDir dir;
  Settings settings;

  Sample() {
    fs::create_directories(dir.path / "state");
    fs::copy(testing::ExamplesDir() + "/store", dir.path / "store");
    dir.Write("store/otro.toml",
              "[program]\nid = \"otro\"\nname = \"Programa Otro\"\n"
              "owners = [\"ana@example.gob.cl\"]\n"
              "[[commitment]]\nnumber = 1\ndue = 2026-12-31\ntext = \"Un texto\"\n");
    for (const auto& f : fs::directory_iterator(dir.path / "store")) Age(f.path());
    Diagnostics diags;
    REQUIRE(LoadSettings(testing::ExamplesDir() + "/plazod.toml", &settings, &diags));
    settings.store = (dir.path / "store").string();
    settings.state = (dir.path / "state").string();
  }

  static void Age(const fs::path& file, std::chrono::seconds by = std::chrono::hours(1)) {
    fs::last_write_time(file, fs::file_time_type::clock::now() - by);
  }

  std::string file(const std::string& name) const { return (dir.path / "store" / name).string(); }
  std::string snapshot() const { return StoreSnapshotPath(settings.state); }

  // A load through the snapshot; fails the test when the load fails.
  SnapshotUse Load(Store* store) const {
    Diagnostics diags;
    SnapshotUse use;
    INFO(diags.ToString());
    REQUIRE(LoadStoreWithSnapshot(settings, store, &diags, nullptr, &use));
    return use;
  }
};

// A store as bytes: equal stores, equal bytes.
std::string Bytes(const Store& store) {
  std::string out;
  for (const Program& p : store.programs) out += EncodeSnapshotFile(p.pos.file, {}, 0, 0, p, {});
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST_CASE("a second load reads every file back from the snapshot, exactly as parsed",
          "[snapshot]") {
  Sample s;
  Store cold, warm, plain;
  SnapshotUse first = s.Load(&cold);
  CHECK(first.reused == 0);
  CHECK(first.parsed == 2);
  CHECK(first.written);
  CHECK(first.problem.empty());
  auto open_files = [] {
    return std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator());
  };
  const auto before = open_files();
  SnapshotUse second = s.Load(&warm);
  CHECK(second.reused == 2);
  // The programs keep the snapshot mapped, but not open.
  CHECK(open_files() == before);
  CHECK(second.parsed == 0);
  CHECK_FALSE(second.written);  // nothing changed: nothing to write
  Diagnostics diags;
  REQUIRE(LoadStore(s.settings.store, s.settings, &plain, &diags));
  CHECK(Bytes(warm) == Bytes(plain));
  CHECK(Bytes(cold) == Bytes(plain));
  REQUIRE(warm.CommitmentCount() == plain.CommitmentCount());
  const Commitment& c = warm.programs.back().commitments.back();
  CHECK(c.line == plain.programs.back().commitments.back().line);
  CHECK(c.column == plain.programs.back().commitments.back().column);
  CHECK(c.text == plain.programs.back().commitments.back().text);
  // The texts read back are the snapshot's bytes, kept mapped by their program.
  CHECK(c.text.borrowed());
  CHECK_FALSE(plain.programs.back().commitments.back().text.borrowed());
  CHECK(warm.programs.back().text_bytes != nullptr);
}

TEST_CASE("an edited file is parsed again and the others are read back", "[snapshot]") {
  Sample s;
  Store store;
  (void)s.Load(&store);
  std::string name = fs::path(store.programs.front().pos.file).filename().string();
  std::string text = ReadAll(s.file(name));
  WriteAll(s.file(name), text + "\n# edited\n");
  Sample::Age(s.file(name), std::chrono::minutes(30));
  SnapshotUse use = s.Load(&store);
  CHECK(use.reused == 1);
  CHECK(use.parsed == 1);
  CHECK(use.written);
  CHECK(s.Load(&store).reused == 2);
}

TEST_CASE("a file reloaded alone is appended to the snapshot and read back from it", "[snapshot]") {
  Sample s;
  Store store;
  (void)s.Load(&store);
  auto reload = [&](const std::string& name, const std::string& text) {
    WriteAll(s.file(name), text);
    Sample::Age(s.file(name), std::chrono::minutes(30));
    StoreUpdate update;
    Diagnostics diags;
    KeepLastGood keep;
    REQUIRE(UpdateStore(&store, {s.file(name)}, s.settings, &update, &diags, &keep,
                        /*want_records=*/true));
    CHECK(update.records.size() == 1);
    ReadBackFromSnapshot(s.settings, &update);
    store = std::move(update.store);
  };
  auto size = [&] { return fs::file_size(s.snapshot()); };
  auto program = [](const Store& in, const std::string& id) -> const Program& {
    for (const Program& p : in.programs) {
      if (p.id == id) return p;
    }
    FAIL("no program " + id);
    throw;
  };
  const auto first = size();
  reload("otro.toml",
         "[program]\nid = \"otro\"\nname = \"Programa Otro\"\nowners = [\"ana@example.gob.cl\"]\n"
         "[[commitment]]\nnumber = 1\ndue = 2026-12-31\ntext = \"Otro texto\"\n");
  CHECK(size() > first);
  const Commitment& c = program(store, "otro").commitments.at(0);
  CHECK(c.text == "Otro texto");
  CHECK(c.text.borrowed());  // read back from the snapshot, not held
  // The next load reads both files back, the appended record replacing the first.
  Store next;
  SnapshotUse use = s.Load(&next);
  CHECK(use.reused == 2);
  CHECK_FALSE(use.written);
  CHECK(program(next, "otro").commitments.at(0).text == "Otro texto");
  // Reloads of the large file leave the snapshot mostly stale: the next
  // whole load writes it anew, each file once.
  std::string sample_name = fs::path(store.programs.back().pos.file).filename().string();
  REQUIRE(sample_name != "otro.toml");
  std::string sample = ReadAll(s.file(sample_name));
  for (int i = 0; i < 3; ++i) reload(sample_name, sample + "\n# edit " + std::to_string(i) + "\n");
  CHECK(size() > 3 * first);
  use = s.Load(&next);
  CHECK(use.reused == 2);
  CHECK(use.written);
  CHECK(size() < first + first / 2);
}

TEST_CASE("a file modified within the racy window is parsed again", "[snapshot]") {
  // The file's time is as recent as the check: an edit in the same clock
  // tick would keep size and time, so the entry cannot vouch for it.
  Sample s;
  Store store;
  for (const auto& f : fs::directory_iterator(s.dir.path / "store")) {
    fs::last_write_time(f.path(), fs::file_time_type::clock::now());
  }
  (void)s.Load(&store);
  SnapshotUse again = s.Load(&store);
  CHECK(again.reused == 0);
  CHECK(again.parsed == 2);
}

TEST_CASE("a snapshot made under other webhook or schedule names is ignored", "[snapshot]") {
  Sample s;
  Store store;
  (void)s.Load(&store);
  Sample other;
  other.settings.webhooks["otro"] = other.settings.webhooks.begin()->second;
  // other's store is a copy under another path: point it at s's files.
  other.settings.store = s.settings.store;
  other.settings.state = s.settings.state;
  SnapshotUse use = other.Load(&store);
  CHECK(use.reused == 0);
  CHECK(use.parsed == 2);
  CHECK(use.written);
}

TEST_CASE("a damaged, truncated or future-version snapshot is ignored and rebuilt", "[snapshot]") {
  Sample s;
  Store store;
  (void)s.Load(&store);
  const std::string good = ReadAll(s.snapshot());
  REQUIRE(good.size() > 100);
  struct Case {
    const char* what;
    std::string bytes;
    const char* says;
  };
  std::string framing = good;
  framing[kRecordHeaderSize] = static_cast<char>(framing[kRecordHeaderSize] ^ 0x40);
  std::string future = good;
  future[8] = 3;  // the version, little-endian after the 8-byte magic
  // The first file record's size (after the header and the 21-byte
  // settings record) set to 2^32 - 12, which wraps to 0 in 32 bits.
  std::string wrapping = good;
  wrapping.replace(kRecordHeaderSize + 21, 4, std::string("\xf4\xff\xff\xff", 4));
  for (const Case& c : {Case{"damaged framing", framing, "a damaged record at byte "},
                        Case{"truncated", good.substr(0, good.size() - 7), "a damaged record"},
                        Case{"cut after its header", good.substr(0, 12), "truncated"},
                        Case{"future", future, "version 3, this plazod reads 2"},
                        Case{"a record size that wraps", wrapping, "a damaged record at byte 33"},
                        Case{"not a snapshot", "PLAZOCFG" + good.substr(8), "not a plazo store"}}) {
    INFO(c.what);
    WriteAll(s.snapshot(), c.bytes);
    SnapshotUse use = s.Load(&store);
    CHECK(use.problem.find(c.says) != std::string::npos);
    CHECK(use.problem.find("ignored, and rebuilt") != std::string::npos);
    CHECK(use.reused == 0);
    CHECK(use.written);
    CHECK(store.CommitmentCount() == 16);
    SnapshotUse next = s.Load(&store);
    CHECK(next.problem.empty());
    CHECK(next.reused == 2);
  }
}

TEST_CASE("a file's damaged record is not used: the file is parsed and the snapshot rebuilt",
          "[snapshot]") {
  // Records are checked as they are used, so the damage is found in the
  // file's entry, and only that file is parsed.
  Sample s;
  Store plain;
  (void)s.Load(&plain);
  std::string bytes = ReadAll(s.snapshot());
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x40);
  WriteAll(s.snapshot(), bytes);
  Store store;
  SnapshotUse use = s.Load(&store);
  CHECK(use.problem.find(" is damaged; parsed instead, and the snapshot rebuilt") !=
        std::string::npos);
  CHECK(use.reused == 1);
  CHECK(use.parsed == 1);
  CHECK(use.written);
  REQUIRE(store.programs.size() == plain.programs.size());
  for (size_t i = 0; i < store.programs.size(); ++i) {
    REQUIRE(store.programs[i].commitments.size() == plain.programs[i].commitments.size());
    for (size_t k = 0; k < store.programs[i].commitments.size(); ++k) {
      CHECK(store.programs[i].commitments[k].text == plain.programs[i].commitments[k].text);
    }
  }
  SnapshotUse next = s.Load(&store);
  CHECK(next.problem.empty());
  CHECK(next.reused == 2);
}

TEST_CASE("an entry that does not decode is parsed instead", "[snapshot]") {
  // A well-framed record with nonsense inside (a bug, not damage): the
  // file's entry fails to decode and the file is parsed.
  Sample s;
  Store store;
  (void)s.Load(&store);
  auto bytes = std::make_shared<const std::string>(ReadAll(s.snapshot()));
  StoreSnapshot snap;
  std::string error;
  REQUIRE(DecodeStoreSnapshot(bytes, &snap, &error));
  REQUIRE(snap.files.size() == 2);
  for (const auto& [path, entry] : snap.files) {
    Program p;
    std::vector<Diagnostic> warnings;
    std::string buffer;
    CHECK(DecodeEntry(snap, entry, path, &p, &warnings, &buffer));
    SnapshotEntry shifted = entry;
    shifted.encoded_at += 3;
    CHECK_FALSE(DecodeEntry(snap, shifted, path, &p, &warnings, &buffer));
  }
}

TEST_CASE("a process that does not own the state folder reads the snapshot, never writes it",
          "[snapshot]") {
  if (::geteuid() != 0) {
    WARN("not run: needs root to give the folder to another user");
    return;
  }
  Sample s;
  Store store;
  (void)s.Load(&store);
  REQUIRE(::chown(s.settings.state.c_str(), 65534, 65534) == 0);
  SnapshotUse use = s.Load(&store);
  CHECK(use.reused == 2);
  fs::remove(s.snapshot());
  use = s.Load(&store);
  CHECK(use.parsed == 2);
  CHECK_FALSE(use.written);
  CHECK_FALSE(fs::exists(s.snapshot()));
}

TEST_CASE("plazod status gives the same answer with and without a snapshot", "[snapshot]") {
  Sample s;
  std::string settings =
      s.dir.Write("plazod.toml",
                  "[daemon]\nstore = \"store\"\nstate = \"state\"\ntimezone = "
                  "\"America/Santiago\"\n[webhook.equipo-pil]\nurl = \"https://example.gob.cl/h\"\n"
                  "secret_env = \"PLAZO_TEST_SECRET\"\n");
  auto status = [&] {
    return testing::Cli({"status", "--config", settings, "--at", "2026-12-05", "--json"});
  };
  testing::CliRun cold = status();
  INFO(cold.err);
  REQUIRE(cold.code == 0);
  REQUIRE(fs::exists(s.snapshot()));
  testing::CliRun warm = status();
  CHECK(warm.err.empty());
  CHECK(warm.out == cold.out);
  WriteAll(s.snapshot(), "garbage");
  testing::CliRun damaged = status();
  CHECK(damaged.out == cold.out);
  CHECK(damaged.err.find("plazod: store snapshot: ") != std::string::npos);
}

}  // namespace
}  // namespace plazo
