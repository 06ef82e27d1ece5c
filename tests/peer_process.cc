#include "tests/peer_process.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

extern char** environ;

namespace plazo::testing {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

// Spawns argv with its stdout on a pipe; *read_fd is the parent's end.
pid_t SpawnWithStdout(const std::vector<std::string>& argv, int* read_fd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  pid_t pid = -1;
  std::vector<char*> args = Argv(argv);
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return -1;
  }
  *read_fd = fds[0];
  return pid;
}

int ExitStatus(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

ScratchDir::ScratchDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "plazo-notify-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void ScratchDir::Write(const std::string& name, const std::string& text) const {
  std::ofstream f(File(name), std::ios::binary | std::ios::trunc);
  f << text;
  REQUIRE(f.good());
}

int RunProgram(const std::vector<std::string>& argv, std::string* out) {
  int fd = -1;
  pid_t pid = SpawnWithStdout(argv, &fd);
  if (pid < 0) return -1;
  out->clear();
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return ExitStatus(status);
}

bool PeerProcess::Start(const std::vector<std::string>& argv, std::string* error) {
  Stop();
  pid_ = SpawnWithStdout(argv, &stdout_fd_);
  if (pid_ < 0) {
    *error = "cannot start " + argv[0];
    return false;
  }
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{stdout_fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      *error = argv[1] + ": no port line in time";
      Stop();
      return false;
    }
    char c;
    ssize_t n = ::read(stdout_fd_, &c, 1);
    if (n <= 0) {
      *error = argv[1] + ": exited before printing its port";
      Stop();
      return false;
    }
    line += c;
  }
  if (line.rfind("PORT ", 0) != 0) {
    *error = argv[1] + ": unexpected first line: " + line;
    Stop();
    return false;
  }
  port_ = std::atoi(line.c_str() + 5);
  return port_ > 0;
}

void PeerProcess::Stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    bool gone = false;
    for (int i = 0; i < 300 && !gone; ++i) {
      gone = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!gone) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) {
    ::close(stdout_fd_);
    stdout_fd_ = -1;
  }
  port_ = 0;
}

std::string Python() { return PLAZO_TEST_PYTHON; }

std::string PeerScript(const std::string& name) {
  return std::string(PLAZO_TEST_PEERS) + "/" + name;
}

const std::string& TestCertificates() {
  static ScratchDir dir;
  static const bool made = [] {
    std::string out;
    return RunProgram({"/bin/sh", PeerScript("make_test_ca.sh"), dir.path()}, &out) == 0;
  }();
  REQUIRE(made);
  return dir.path();
}

boost::json::value ParseEmailWithPython(const std::string& path) {
  std::string out;
  int status = RunProgram({Python(), PeerScript("parse_email.py"), path}, &out);
  REQUIRE(status == 0);
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(out, ec);
  REQUIRE_FALSE(ec);
  return v;
}

std::vector<boost::json::value> ReadJsonLines(const std::string& path) {
  std::vector<boost::json::value> out;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    boost::json::error_code ec;
    out.push_back(boost::json::parse(line, ec));
    REQUIRE_FALSE(ec);
  }
  return out;
}

}  // namespace plazo::testing
