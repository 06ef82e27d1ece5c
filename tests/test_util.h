// Helpers several tests share.
#ifndef PLAZO_TESTS_TEST_UTIL_H_
#define PLAZO_TESTS_TEST_UTIL_H_

#include <filesystem>
#include <string>
#include <vector>

#include "config/model.h"

namespace plazo::testing {

// What one in-process run of the plazod command line gave.
struct CliRun {
  int code;
  std::string out, err;
};

// Runs the command line args (without the program name), as main() would.
CliRun Cli(std::vector<std::string> args);

// The bundled example: examples/plazod.toml and the sample report's store.
// Fails the test when it does not load.
Config SampleConfig();

// A fresh folder under the system's temporary folder, removed with
// everything in it at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path()/name.
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace plazo::testing

#endif  // PLAZO_TESTS_TEST_UTIL_H_
