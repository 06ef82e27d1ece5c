// The daemon's metrics in the Prometheus text exposition format (version
// 0.0.4), served at /metrics.
#ifndef PLAZO_DAEMON_METRICS_H_
#define PLAZO_DAEMON_METRICS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config/model.h"
#include "dispatch/outbox_sender.h"

namespace plazo {

struct DaemonMetrics {
  size_t open_parts = 0;
  size_t overdue_parts = 0;
  size_t acknowledged_parts = 0;  // parts whose current due date an officer acknowledged
  int64_t outbox_pending = 0;
  int64_t outbox_given_up = 0;  // in the ledger, over all runs
  OutboxSenderStats delivery;   // since this start
  bool last_reload_ok = true;
  Instant last_reload_at{};
  size_t config_errors = 0;     // in the files on disk
  bool last_good = false;       // some file runs on its last good version
  // Per configured webhook: whether a 410 Gone disabled it.
  std::vector<std::pair<std::string, bool>> webhooks_disabled;
};

// Every metric with its HELP and TYPE lines: plazo_build_info{version},
// plazo_open_parts,
// plazo_overdue_parts, plazo_acknowledged_parts, plazo_outbox_pending, plazo_outbox_given_up,
// plazo_notifications_{sent,failed,given_up}_total{channel},
// plazo_delivery_attempts_failed_total{channel},
// plazo_delivery_latency_seconds{channel} (histogram),
// plazo_last_reload_success, plazo_last_reload_timestamp_seconds,
// plazo_config_errors, plazo_config_last_good, plazo_webhook_disabled{webhook}.
std::string PrometheusText(const DaemonMetrics& m);

}  // namespace plazo

#endif  // PLAZO_DAEMON_METRICS_H_
