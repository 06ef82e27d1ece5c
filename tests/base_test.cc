// base/atomic_file.h, base/hash.h, base/text.h and base/url_form.h.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "base/atomic_file.h"
#include "base/hash.h"
#include "base/text.h"
#include "base/url_form.h"
#include "tests/peer_process.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("WriteFileAtomically replaces a file and keeps its mode", "[atomic_file]") {
  testing::ScratchDir dir;
  dir.Write("store.toml", "old");
  fs::permissions(dir.File("store.toml"), fs::perms(0600));
  std::string error;
  REQUIRE(WriteFileAtomically(dir.File("store.toml"), "new", {}, &error));
  CHECK(Slurp(dir.File("store.toml")) == "new");
  CHECK(ModeOf(dir.File("store.toml")) == 0600);
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("WriteFileAtomically writes through a temporary folder", "[atomic_file]") {
  testing::ScratchDir dir;
  fs::create_directory(dir.File("tmp"));
  fs::create_directory(dir.File("new"));
  AtomicWriteOptions options;
  options.temp_dir = dir.File("tmp");
  options.mode = 0640;
  options.require_dir_sync = true;
  std::string error;
  REQUIRE(WriteFileAtomically(dir.File("new/m.eml"), "message", options, &error));
  CHECK(Slurp(dir.File("new/m.eml")) == "message");
  CHECK(ModeOf(dir.File("new/m.eml")) == 0640);
  CHECK(fs::is_empty(dir.File("tmp")));
}

TEST_CASE("WriteFileAtomically fails whole, leaving nothing behind", "[atomic_file]") {
  testing::ScratchDir dir;
  std::string error;
  CHECK_FALSE(WriteFileAtomically(dir.File("missing/x.toml"), "x", {}, &error));
  CHECK(error.find("cannot create a temporary file in " + dir.File("missing")) == 0);
  fs::create_directory(dir.File("target"));
  CHECK_FALSE(WriteFileAtomically(dir.File("target"), "x", {}, &error));
  CHECK(error.find("cannot rename") == 0);
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("Fnv1a is the 64-bit FNV-1a and continues from a seed", "[hash]") {
  CHECK(Fnv1a("") == 0xcbf29ce484222325ULL);
  CHECK(Fnv1a("a") == 0xaf63dc4c8601ec8cULL);  // the reference test vector
  CHECK(Fnv1a("bar", Fnv1a("foo")) == Fnv1a("foobar"));
}

TEST_CASE("Trim drops blanks at both ends only", "[text]") {
  CHECK(Trim(" \ta b\t ") == "a b");
  CHECK(Trim(" \t ").empty());
  CHECK(Trim("x\r", " \t\r") == "x");
  CHECK(Trim("x\r") == "x\r");
}

TEST_CASE("a form body decodes like a browser encodes it") {
  auto fields =
      ParseFormFields("proof=Ab-_9&comment=por+correo%2C+%C3%B1&empty=&bare&=nameless&proof=last");
  CHECK(fields ==
        std::map<std::string, std::string>{
            {"proof", "last"}, {"comment", "por correo, ñ"}, {"empty", ""}, {"bare", ""}});
  CHECK(PercentDecode("%zz%4%41+b", true) == "%zz%4A b");  // broken escapes stay as written
  CHECK(PercentDecode("/ack/a+b%2F", false) == "/ack/a+b/");
  CHECK(PercentEncode("ana@example.gob.cl ñ~") == "ana%40example.gob.cl%20%C3%B1~");
}

}  // namespace
}  // namespace plazo
