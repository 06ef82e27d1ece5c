// Helpers several tests share.
#ifndef PLAZO_TESTS_TEST_UTIL_H_
#define PLAZO_TESTS_TEST_UTIL_H_

#include <cstdint>
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

// A scratch folder under the temporary folder, removed with everything in
// it when the test ends.
struct TempDir {
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes text, byte for byte, to the file name (relative, in a folder
  // that exists) and returns its path.
  std::string Write(const std::string& name, const std::string& text) const;

  std::filesystem::path path;
};

// The bundled example: examples/plazod.toml and the sample report's store.
// Fails the test when it does not load.
Config SampleConfig();

// The example settings and one program "p" of program_keys and
// commitments (TOML). Fails the test when it does not load.
Config WithProgram(const std::string& program_keys, const std::string& commitments);

// The example settings and a program of parts generated from seed: due
// over 800 days from 2026-01-01, some at an hour, in every status.
Config Generated(uint32_t seed, int parts);

}  // namespace plazo::testing

#endif  // PLAZO_TESTS_TEST_UTIL_H_
