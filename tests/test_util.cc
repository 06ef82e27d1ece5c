#include "tests/test_util.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "config/load_config.h"
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

}  // namespace plazo::testing
