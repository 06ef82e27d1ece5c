#include "tests/test_util.h"

#include <sstream>

#include <catch2/catch.hpp>

#include "config/load_config.h"
#include "daemon/cli.h"
#include "tests/test_paths.h"

namespace plazo::testing {

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
