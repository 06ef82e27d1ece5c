#include "daemon/systemd_notify.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace plazo {

SystemdNotifier::SystemdNotifier() {
  const char* socket_path = std::getenv("NOTIFY_SOCKET");
  if (socket_path && socket_path[0] != '\0' &&
      std::strlen(socket_path) < sizeof(sockaddr_un::sun_path)) {
    address_ = socket_path;
    if (address_[0] == '@') address_[0] = '\0';
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  if (usec) {
    char* end = nullptr;
    unsigned long long value = std::strtoull(usec, &end, 10);
    bool ours = !pid || std::strtoll(pid, nullptr, 10) == static_cast<long long>(::getpid());
    if (end && *end == '\0' && value > 0 && ours) {
      watchdog_ = std::chrono::microseconds(value / 2);
    }
  }
}

SystemdNotifier::~SystemdNotifier() {
  if (fd_ >= 0) ::close(fd_);
}

bool SystemdNotifier::Notify(std::string_view state) {
  if (fd_ < 0) return true;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, address_.data(), address_.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
  ssize_t n;
  do {
    n = ::sendto(fd_, state.data(), state.size(), MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&addr), len);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(state.size());
}

bool SystemdNotifier::Ready(std::string_view status) {
  return Notify("READY=1\nSTATUS=" + std::string(status));
}

bool SystemdNotifier::Reloading() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  long long usec = static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  return Notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

bool SystemdNotifier::Stopping() { return Notify("STOPPING=1"); }

bool SystemdNotifier::Watchdog() { return Notify("WATCHDOG=1"); }

bool SystemdNotifier::Status(std::string_view status) {
  return Notify("STATUS=" + std::string(status));
}

}  // namespace plazo
