#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "daemon/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  int code = plazo::RunCli(args, std::cout, std::cerr);
  // Output that never reached its file (a full disk, /dev/full, a closed
  // pipe) is a failure, not a success with a truncated result.
  errno = 0;
  std::cout.flush();
  if (!std::cout || std::ferror(stdout) != 0) {
    std::cerr << "plazod: cannot write the output: "
              << (errno != 0 ? std::strerror(errno) : "write error") << "\n";
    return code != plazo::kExitOk ? code : plazo::kExitInvalid;
  }
  return code;
}
