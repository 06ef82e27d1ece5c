// The systemd notification protocol (sd_notify(3)) spoken directly: one
// datagram per state change to the socket named by $NOTIFY_SOCKET. Written
// by hand because it is a dozen lines and libsystemd is not among plazo's
// dependencies; tests listen on their own socket to check what is sent.
#ifndef PLAZO_DAEMON_SYSTEMD_NOTIFY_H_
#define PLAZO_DAEMON_SYSTEMD_NOTIFY_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace plazo {

class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace) and
  // $WATCHDOG_USEC/$WATCHDOG_PID. Without NOTIFY_SOCKET every call is a no-op:
  // plazod run outside systemd behaves the same.
  SystemdNotifier();
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  bool enabled() const { return fd_ >= 0; }

  // Sends state, e.g. "READY=1\nSTATUS=14 open". Returns false (and keeps
  // going) when the datagram could not be sent. Not [[nodiscard]]: the
  // daemon runs on without a service manager listening, so callers may
  // ignore it.
  bool Notify(std::string_view state);

  // "READY=1" with a status line; "RELOADING=1" with MONOTONIC_USEC as
  // systemd 253+ wants for Type=notify-reload, harmless before; "STOPPING=1";
  // "WATCHDOG=1"; "STATUS=...".
  bool Ready(std::string_view status);
  bool Reloading();
  bool Stopping();
  bool Watchdog();
  bool Status(std::string_view status);

  // How often to send WATCHDOG=1 (half of WatchdogSec), or nullopt when the
  // unit has no watchdog or it is meant for another process.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

 private:
  int fd_ = -1;
  std::string address_;  // sun_path bytes, a leading '\0' for abstract names
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace plazo

#endif  // PLAZO_DAEMON_SYSTEMD_NOTIFY_H_
