#include "daemon/metrics.h"

#include <charconv>

namespace plazo {
namespace {

void Metric(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// The shortest text that reads back as v: bucket bounds as written
// (le="0.05", not le="0.050000000000000003"), counters as integers.
std::string Number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

void Value(std::string& out, const std::string& name, const std::string& labels, double v) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ';
  out += Number(v);
  out += '\n';
}

void PerChannel(std::string& out, const char* name, const char* help, const DaemonMetrics& m,
                uint64_t ChannelStats::*field) {
  Metric(out, name, "counter", help);
  Value(out, name, "channel=\"email\"", static_cast<double>(m.delivery.email.*field));
  Value(out, name, "channel=\"webhook\"", static_cast<double>(m.delivery.webhook.*field));
}

void Histogram(std::string& out, const char* channel, const ChannelStats& s) {
  const std::string name = "plazo_delivery_latency_seconds";
  const std::string label = std::string("channel=\"") + channel + "\"";
  for (size_t b = 0; b < kLatencyBuckets.size(); ++b) {
    Value(out, name + "_bucket", label + ",le=\"" + Number(kLatencyBuckets[b]) + "\"",
          static_cast<double>(s.latency_le[b]));
  }
  Value(out, name + "_bucket", label + ",le=\"+Inf\"", static_cast<double>(s.delivered));
  Value(out, name + "_sum", label, s.latency_sum);
  Value(out, name + "_count", label, static_cast<double>(s.delivered));
}

}  // namespace

std::string PrometheusText(const DaemonMetrics& m) {
  std::string out;
  Metric(out, "plazo_build_info", "gauge", "Always 1; the version of the running plazod.");
  Value(out, "plazo_build_info", "version=\"" PLAZO_VERSION "\"", 1);
  Metric(out, "plazo_open_parts", "gauge", "Commitment parts still open (not cumplido, nothing submitted).");
  Value(out, "plazo_open_parts", "", static_cast<double>(m.open_parts));
  Metric(out, "plazo_overdue_parts", "gauge", "Commitment parts past their due date and not cumplido.");
  Value(out, "plazo_overdue_parts", "", static_cast<double>(m.overdue_parts));
  Metric(out, "plazo_acknowledged_parts", "gauge",
         "Commitment parts whose officer said the evidence for the current due date is sent.");
  Value(out, "plazo_acknowledged_parts", "", static_cast<double>(m.acknowledged_parts));
  Metric(out, "plazo_outbox_pending", "gauge", "Notifications in the outbox waiting to be delivered.");
  Value(out, "plazo_outbox_pending", "", static_cast<double>(m.outbox_pending));
  Metric(out, "plazo_outbox_given_up", "gauge", "Notifications given up, as recorded in the ledger.");
  Value(out, "plazo_outbox_given_up", "", static_cast<double>(m.outbox_given_up));
  PerChannel(out, "plazo_notifications_sent_total", "Notifications delivered since start.", m,
             &ChannelStats::delivered);
  PerChannel(out, "plazo_notifications_failed_total",
             "Notifications whose delivery failed at least once, counted at their first failure.",
             m, &ChannelStats::failed);
  PerChannel(out, "plazo_delivery_attempts_failed_total", "Delivery attempts that failed since start.",
             m, &ChannelStats::failed_attempts);
  PerChannel(out, "plazo_notifications_given_up_total", "Notifications given up since start.", m,
             &ChannelStats::given_up);
  Metric(out, "plazo_delivery_latency_seconds", "histogram",
         "From enqueueing a notification to its delivery.");
  Histogram(out, "email", m.delivery.email);
  Histogram(out, "webhook", m.delivery.webhook);
  Metric(out, "plazo_last_reload_success", "gauge",
         "1 if the files on disk are the configuration in force, 0 if some are invalid.");
  Value(out, "plazo_last_reload_success", "", m.last_reload_ok ? 1 : 0);
  Metric(out, "plazo_last_reload_timestamp_seconds", "gauge",
         "When the configuration was last loaded or a reload was attempted.");
  Value(out, "plazo_last_reload_timestamp_seconds", "",
        static_cast<double>(m.last_reload_at.time_since_epoch().count()));
  Metric(out, "plazo_config_errors", "gauge", "Errors in the configuration files on disk.");
  Value(out, "plazo_config_errors", "", static_cast<double>(m.config_errors));
  Metric(out, "plazo_config_last_good", "gauge",
         "1 while some file invalid on disk runs on its last good version, else 0.");
  Value(out, "plazo_config_last_good", "", m.last_good ? 1 : 0);
  if (!m.webhooks_disabled.empty()) {
    Metric(out, "plazo_webhook_disabled", "gauge",
           "1 while the webhook is disabled because it answered 410 Gone, until its settings change.");
    // Webhook names are slugs (config/settings.cc): nothing to escape.
    for (const auto& [name, disabled] : m.webhooks_disabled) {
      Value(out, "plazo_webhook_disabled", "webhook=\"" + name + "\"", disabled ? 1 : 0);
    }
  }
  return out;
}

}  // namespace plazo
