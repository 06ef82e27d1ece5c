#include "tests/test_util.h"

#include <stdlib.h>

#include <fstream>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include "config/load_config.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/time_text.h"
#include "daemon/cli.h"
#include "tests/test_paths.h"

namespace plazo::testing {

TempDir::TempDir() {
  std::string name = (std::filesystem::temp_directory_path() / "plazo-test-XXXXXX").string();
  REQUIRE(::mkdtemp(name.data()) != nullptr);
  path = name;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& text) const {
  std::string file = (path / name).string();
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

CliRun Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = RunCli(args, out, err);
  return {code, out.str(), err.str()};
}

Config SampleConfig() {
  ConfigSource source;
  source.settings_path = ExamplesDir() + "/plazod.toml";
  Config config;
  Diagnostics diags;
  bool ok = LoadConfig(source, &config, &diags);
  INFO(diags.ToString());
  REQUIRE(ok);
  return config;
}

// A config with the example settings and one program made of commitments.
Config WithProgram(const std::string& program_keys, const std::string& commitments) {
  Config config;
  Diagnostics diags;
  REQUIRE(LoadSettings(testing::ExamplesDir() + "/plazod.toml", &config.settings, &diags));
  Program p;
  bool ok =
      ParseStoreFile("[program]\nid = \"p\"\nname = \"P\"\n" + program_keys + "\n" + commitments,
                     "p.toml", config.settings, &p, &diags);
  INFO(diags.ToString());
  REQUIRE(ok);
  config.store.programs.push_back(std::move(p));
  return config;
}

// Generated stores: parts due over 800 days from 2026-01-01, a fifth at
// an hour, in every status, some with their own owners.
Config Generated(uint32_t seed, int parts) {
  std::mt19937 rng(seed);
  std::string commitments;
  const char* statuses[] = {"en_evaluacion", "cumplido", "no_cumplido", "pendiente"};
  for (int i = 1; i <= parts; ++i) {
    int day = std::uniform_int_distribution<int>(0, 800)(rng);
    Days due = *ParseIsoDate("2026-01-01") + date::days(day);
    commitments += "[[commitment]]\nnumber = " + std::to_string(i) + "\n";
    if (rng() % 5 == 0) {
      commitments +=
          "due = " + FormatIsoDate(due) + "T" + std::to_string(10 + rng() % 10) + ":30:00-03:00\n";
    } else {
      commitments += "due = " + FormatIsoDate(due) + "\n";
    }
    commitments += "status = \"" + std::string(statuses[rng() % 4]) + "\"\n";
    if (rng() % 3 == 0)
      commitments += "owners = [\"o" + std::to_string(rng() % 4) + "@example.gob.cl\"]\n";
  }
  return WithProgram("owners = [\"ana@example.gob.cl\"]\nwebhooks = [\"equipo-pil\"]", commitments);
}

}  // namespace plazo::testing
