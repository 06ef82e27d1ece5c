// plazod run: the long-running service systemd starts (SPEC 6, 7). A thin
// event loop around the dispatcher (dispatch/dispatcher.h): it loads the
// configuration, sleeps on one wall-clock timer until the planner's next
// instant, lets the dispatcher store what is due in the ledger's outbox in
// one transaction, and the outbox sender deliver it. Edits to the store or
// settings (inotify, or SIGHUP) are validated in full and swapped in
// atomically; an invalid edit keeps the last good configuration. SIGTERM
// persists or finishes in-flight deliveries and exits 0.
#ifndef PLAZO_DAEMON_SERVICE_H_
#define PLAZO_DAEMON_SERVICE_H_

#include <chrono>
#include <string>

#include "config/load_config.h"

namespace plazo {

struct ServiceOptions {
  ConfigSource source;
  // debug, info, warning or error; empty: [daemon] log_level.
  std::string log_level;
  // How long SIGTERM waits for deliveries in flight before it leaves them
  // pending in the ledger for the next start. Under systemd's default
  // TimeoutStopSec (90 s), and SPEC 7's 10 s.
  std::chrono::milliseconds stop_grace{8000};
  // Quiet period after a file event before reloading: editors write in bursts.
  std::chrono::milliseconds reload_debounce{200};
};

// Runs the service until SIGTERM or SIGINT. Returns the process exit code:
// 0 after a clean stop, 1 when the first configuration or the ledger cannot
// be loaded.
int RunService(const ServiceOptions& options);

}  // namespace plazo

#endif  // PLAZO_DAEMON_SERVICE_H_
