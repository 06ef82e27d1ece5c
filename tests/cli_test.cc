// The plazod command line: exit codes, usage errors, check and status output.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "daemon/cli.h"
#include "tests/test_paths.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

using Run = testing::CliRun;
using testing::Cli;

std::string ExampleConfig() { return testing::ExamplesDir() + "/plazod.toml"; }

TEST_CASE("usage errors exit 2 with a hint") {
  Run r = Cli({"stauts"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err.find("unknown command 'stauts' (did you mean 'status'?)") != std::string::npos);
  r = Cli({"status", "--jsn"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err == "plazod status: unknown option '--jsn' (did you mean '--json'?)\n");
  r = Cli({"status", "--at"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err == "plazod status: option '--at' needs a value\n");
  r = Cli({"check", "extra"});
  CHECK(r.code == kExitUsage);
  CHECK(Cli({}).code == kExitUsage);
}

TEST_CASE("--help and --version exit 0 on stdout") {
  Run r = Cli({"--help"});
  CHECK(r.code == kExitOk);
  CHECK(r.out.find("status") != std::string::npos);
  CHECK(Cli({"--version"}).out.rfind("plazod ", 0) == 0);
  r = Cli({"status", "--help"});
  CHECK(r.code == kExitOk);
  CHECK(r.out.find("--at T") != std::string::npos);
}

TEST_CASE("check accepts the bundled example") {
  Run r = Cli({"check", "--config", ExampleConfig()});
  INFO(r.err);
  CHECK(r.code == kExitOk);
  CHECK(r.out.find("1 program, 15 commitment parts") != std::string::npos);
}

TEST_CASE("check reports every error with its place and exits 1") {
  Run r = Cli({"check", "--config", ExampleConfig(), "--store",
               testing::DataDir() + "/bad/store-folder"});
  CHECK(r.code == kExitInvalid);
  CHECK(r.err.find("/bad/store-folder/a.toml:4:1: unknown key 'shedule' in [program] (did you mean 'schedule'?)\n") !=
        std::string::npos);
  CHECK(r.err.find("/bad/store-folder/b.toml:8:10: 'status': unknown status") != std::string::npos);
  CHECK(r.err.find("plazod: 2 errors\n") != std::string::npos);
}

TEST_CASE("check lists settings problems and what the settings name in one sorted pass") {
  char tmpl[] = "/tmp/plazo-cli-XXXXXX";
  std::filesystem::path dir = mkdtemp(tmpl);
  std::filesystem::create_directory(dir / "store");
  std::ofstream(dir / "open-secret") << "whsec_c2VjcmV0by1kZS1wcnVlYmE=\n";
  std::filesystem::permissions(dir / "open-secret", std::filesystem::perms(0644));
  std::ofstream(dir / "plazod.toml")
      << "[daemon]\nstore = \"store\"\n\n"
         "[webhook.b]\nurl = \"https://hooks.example.gob.cl/T1\"\nsecret_file = \"open-secret\"\n\n"
         "[webhook.a]\nurl = \"http://[::1\"\nsecret_file = \"missing\"\n\n"
         "[http]\nlisten = \"999.1.1.1:80\"\n";
  std::string settings = (dir / "plazod.toml").string();
  Run r = Cli({"check", "--config", settings});
  CHECK(r.code == kExitInvalid);
  CHECK(r.err == settings + ":6:15: warning: secret file " + (dir / "open-secret").string() +
                     " is readable by other users; chmod 600\n" +
                     settings + ":9:7: 'url' is not a valid URL (Bad IPv6 address): \"http://[::1\"\n" +
                     settings + ":10:15: cannot read secret file " + (dir / "missing").string() +
                     ": No such file or directory\n" +
                     settings + ":13:10: 'listen' must be an address and port such as "
                     "\"127.0.0.1:9464\" or \"[::1]:9464\", not \"999.1.1.1:80\"\n"
                     "plazod: 3 errors\n");

  // Only warnings: exit 0, the warnings on stderr.
  std::ofstream(dir / "plazod.toml")
      << "[daemon]\nstore = \"store\"\n\n"
         "[webhook.b]\nurl = \"https://hooks.example.gob.cl/T1\"\nsecret_file = \"open-secret\"\n";
  r = Cli({"check", "--config", settings});
  CHECK(r.code == kExitOk);
  CHECK(r.err.find(":6:15: warning: secret file ") != std::string::npos);
  CHECK(r.err.find("warning: no store files") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("status --json has the documented shape") {
  Run r = Cli({"status", "--config", ExampleConfig(), "--at", "2026-12-05", "--json"});
  REQUIRE(r.code == kExitOk);
  boost::json::object o = boost::json::parse(r.out).as_object();
  CHECK(o.at("at").as_string() == "2026-12-05T00:00:00-03:00");
  CHECK(o.at("overdue").as_array().size() == 9);
  CHECK(o.at("later").as_array().empty());
  CHECK(o.at("fulfilled").as_array().size() == 5);
  const boost::json::array& soon = o.at("due_soon").as_array();
  REQUIRE(soon.size() == 1);
  boost::json::object item = soon[0].as_object();
  CHECK(item.at("program").as_string() == "sence-intermediacion-laboral");
  CHECK(item.at("commitment").as_string() == "c8-p2");
  CHECK(item.at("number").as_int64() == 8);
  CHECK(item.at("part").as_int64() == 2);
  CHECK(item.at("due").as_string() == "2026-12-31");
  CHECK(item.at("status").as_string() == "en_evaluacion");
  CHECK(item.at("days_left").as_int64() == 26);
  CHECK_FALSE(item.contains("hours_left"));  // a date due counts days only
}

TEST_CASE("status --json counts a date-time due past its hour as late and adds hours_left") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path / "store");
  dir.Write("store/p.toml",
            "[program]\nid = \"p\"\nname = \"P\"\nowners = [\"ana@example.gob.cl\"]\n"
            "[[commitment]]\nnumber = 1\ndue = 2026-12-24T15:00:00-03:00\n");
  std::string settings = dir.Write("plazod.toml", "[daemon]\nstore = \"store\"\n");
  Run r = Cli({"status", "--config", settings, "--at", "2026-12-24T18:00:00-03:00", "--json"});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  boost::json::object o = boost::json::parse(r.out).as_object();
  REQUIRE(o.at("overdue").as_array().size() == 1);
  boost::json::object item = o.at("overdue").as_array()[0].as_object();
  CHECK(item.at("due").as_string() == "2026-12-24");
  CHECK(item.at("days_left").as_int64() == -1);
  CHECK(item.at("hours_left").as_int64() == -3);
  // English counts agree with their nouns.
  Run check = Cli({"check", "--config", settings});
  CHECK(check.out.find(", 1 program, 1 commitment part in ") != std::string::npos);
}

TEST_CASE("status prints a readable table") {
  Run r = Cli({"status", "--config", ExampleConfig(), "--at", "2026-12-05"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.out.find("OVERDUE (9)") != std::string::npos);
  CHECK(r.out.find("DUE WITHIN 30 DAYS (1)") != std::string::npos);
  CHECK(r.out.find("ACKNOWLEDGED") != std::string::npos);
  CHECK(r.out.find("c8-p2     2026-12-31      26  -                 en_evaluacion") !=
        std::string::npos);
  CHECK(r.out.find("FULFILLED (5)") != std::string::npos);
}

TEST_CASE("status rejects a malformed --at") {
  Run r = Cli({"status", "--config", ExampleConfig(), "--at", "2026-02-30"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err.find("\"2026-02-30\" is neither a date") != std::string::npos);
}

}  // namespace
}  // namespace plazo
