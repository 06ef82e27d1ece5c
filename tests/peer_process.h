// Real peers for the delivery tests: the Python programs of tests/peers/
// (an SMTP server, a webhook receiver, an e-mail parser) run as child
// processes on loopback, with their ports chosen by the kernel.
#ifndef PLAZO_TESTS_PEER_PROCESS_H_
#define PLAZO_TESTS_PEER_PROCESS_H_

#include <string>
#include <sys/types.h>
#include <vector>

#include <boost/json/value.hpp>

namespace plazo::testing {

// A fresh folder under the system's temporary folder, removed with its
// contents on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  // path/name
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  // Writes text to path/name, replacing it.
  void Write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

// Runs argv (argv[0] a path) to completion with stdout captured into *out;
// stderr goes to the test's. Returns the exit status, or -1 when it could
// not run or died of a signal.
int RunProgram(const std::vector<std::string>& argv, std::string* out);

// One peer server: a child process that prints "PORT <n>" on stdout once it
// listens. Stopped (SIGTERM, then SIGKILL) by Stop or on destruction.
class PeerProcess {
 public:
  PeerProcess() = default;
  ~PeerProcess() { Stop(); }
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  // Starts argv and waits for its port line (20 s at most, a guard for a
  // broken peer rather than a timing assertion). Returns false with *error
  // set, and the child stopped, when it exits or prints something else.
  bool Start(const std::vector<std::string>& argv, std::string* error);
  int port() const { return port_; }
  void Stop();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // kept open so the peer never writes into a closed pipe
  int port_ = 0;
};

// The Python with the peers' modules (Debian's: python3-aiosmtpd).
std::string Python();
// tests/peers/name.
std::string PeerScript(const std::string& name);

// A throwaway CA and a server certificate for 127.0.0.1 made once per test
// process by tests/peers/make_test_ca.sh: the folder holding ca.pem,
// server.pem and server.key.
const std::string& TestCertificates();

// The e-mail file at path as Python's email package reads it
// (tests/peers/parse_email.py): headers decoded, parts decoded.
boost::json::value ParseEmailWithPython(const std::string& path);

// The JSON lines of the file at path (empty when it does not exist).
std::vector<boost::json::value> ReadJsonLines(const std::string& path);

}  // namespace plazo::testing

#endif  // PLAZO_TESTS_PEER_PROCESS_H_
