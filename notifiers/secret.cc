#include "notifiers/secret.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace plazo {
namespace {

// A secret file is a few bytes; anything large is a wrong path.
constexpr off_t kMaxSecretSize = 64 * 1024;

bool ReadSecretFile(const std::string& path, std::string* secret, std::string* error) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
  // below as not a regular file. Reads of regular files ignore the flag.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    *error = "cannot read secret file " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    *error = "cannot read secret file " + path + ": not a regular file";
    return false;
  }
  if (st.st_size > kMaxSecretSize) {
    ::close(fd);
    *error = "secret file " + path + " is larger than 64 KiB: is it the right file?";
    return false;
  }
  std::string data;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      *error = "cannot read secret file " + path + ": " + std::strerror(e);
      return false;
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > static_cast<size_t>(kMaxSecretSize)) {
      ::close(fd);
      *error = "secret file " + path + " is larger than 64 KiB: is it the right file?";
      return false;
    }
  }
  ::close(fd);
  if (!data.empty() && data.back() == '\n') data.pop_back();
  if (!data.empty() && data.back() == '\r') data.pop_back();
  if (data.empty()) {
    *error = "secret file " + path + " is empty";
    return false;
  }
  *secret = std::move(data);
  return true;
}

}  // namespace

bool LoadSecret(const std::string& path, const std::string& env, std::string* secret,
                std::string* error) {
  if (!path.empty() && !env.empty()) {
    *error = "a secret comes from a file or an environment variable, not both";
    return false;
  }
  if (!path.empty()) return ReadSecretFile(path, secret, error);
  if (env.empty()) {
    *error = "no secret configured: set a file or an environment variable";
    return false;
  }
  const char* value = std::getenv(env.c_str());
  if (value == nullptr) {
    *error = "environment variable " + env + " is not set";
    return false;
  }
  if (*value == '\0') {
    *error = "environment variable " + env + " is empty";
    return false;
  }
  *secret = value;
  return true;
}

}  // namespace plazo
