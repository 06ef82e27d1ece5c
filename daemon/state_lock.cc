#include "daemon/state_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/text.h"

namespace plazo {

std::unique_ptr<StateLock> StateLock::Acquire(const std::string& state_dir, std::string* error) {
  const std::string path = state_dir + "/plazod.lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    *error = path + ": cannot open the lock file: " + std::strerror(errno);
    return nullptr;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    if (err == EWOULDBLOCK) {
      char buffer[32] = {};
      ssize_t n = pread(fd, buffer, sizeof buffer - 1, 0);
      std::string pid = n > 0 ? std::string(Trim(std::string_view(buffer, n), " \t\r\n")) : "?";
      *error = "another plazod (PID " + pid + ") is running on the state folder " + state_dir +
               " (lock " + path + ")";
    } else {
      *error = path + ": cannot lock: " + std::strerror(err);
    }
    close(fd);
    return nullptr;
  }
  // The PID is only for a rival's message: if it cannot be written, the
  // lock holds all the same.
  std::string pid = std::to_string(getpid()) + "\n";
  bool named = ftruncate(fd, 0) == 0 &&
               pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
  (void)named;
  return std::unique_ptr<StateLock>(new StateLock(fd));
}

StateLock::~StateLock() { close(fd_); }

}  // namespace plazo
