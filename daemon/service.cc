#include "daemon/service.h"

#include <csignal>
#include <filesystem>
#include <memory>
#include <set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "config/store.h"
#include "config/time_text.h"
#include "daemon/file_watcher.h"
#include "daemon/http_listener.h"
#include "daemon/json_output.h"
#include "daemon/metrics.h"
#include "daemon/log.h"
#include "daemon/systemd_notify.h"
#include "daemon/wall_timer.h"
#include "ledger/ledger.h"
#include "notifiers/email_message.h"
#include "notifiers/mailer.h"
#include "notifiers/outbox_sender.h"
#include "notifiers/payload.h"
#include "notifiers/render.h"
#include "notifiers/calendar.h"
#include "planner/planner.h"
#include "planner/status.h"

namespace plazo {
namespace {

namespace asio = boost::asio;

Instant Now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// One loaded configuration and what is derived from it; replaced whole on
// reload, never modified.
struct Loaded {
  Config config;
  std::unique_ptr<Planner> planner;  // points into config
  EmailRenderer renderer = EmailRenderer::Builtin("es");
  size_t open_parts = 0;
};

// Loads everything a reload needs, or every problem.
std::shared_ptr<Loaded> Load(const ConfigSource& source, Diagnostics* diags) {
  auto loaded = std::make_shared<Loaded>();
  if (!LoadConfig(source, &loaded->config, diags)) return nullptr;
  const Settings& s = loaded->config.settings;
  if (!s.templates.empty()) {
    if (!EmailRenderer::Load(s.templates, s.language, &loaded->renderer, diags)) return nullptr;
  } else {
    loaded->renderer = EmailRenderer::Builtin(s.language);
  }
  loaded->planner = std::make_unique<Planner>(loaded->config);
  loaded->open_parts = loaded->config.store.OpenCount();
  return loaded;
}

class Service {
 public:
  explicit Service(const ServiceOptions& options)
      : options_(options), signals_(io_, SIGHUP, SIGTERM, SIGINT), timer_(io_),
        watchdog_(io_), stop_deadline_(io_) {}

  int Run() {
    Diagnostics diags;
    current_ = Load(options_.source, &diags);
    if (!current_) {
      diags.Sort();
      for (const Diagnostic& d : diags.list()) spdlog::error("{}", d.ToString());
      notify_.Status("invalid configuration: " + diags.list().front().ToString());
      return 1;
    }
    const Settings& s = current_->config.settings;
    SetUpLogging(options_.log_level.empty() ? s.log_level : options_.log_level);
    std::error_code ec;
    std::filesystem::create_directories(s.state, ec);
    std::string error;
    ledger_ = Ledger::Open(LedgerPath(s.state), &error);
    if (!ledger_) {
      spdlog::error("{}", error);
      return 1;
    }
    LedgerView view;
    // Keys planned from the end of time on: none; this reads planned_through.
    if (!ledger_->LoadView(Instant::max(), &view, &error)) {
      spdlog::error("{}", error);
      return 1;
    }
    planned_through_ = view.planned_through;
    if (!planned_through_) {
      // First run: what was due before today is history, not a backlog.
      planned_through_ = Now();
      ledger_->SetPlannedThrough(*planned_through_, &error);
    }
    sender_ = std::make_unique<OutboxSender>(io_, *ledger_, OutboxSenderOptions{}, Now);
    sender_->Configure(s);
    last_reload_at_ = Now();
    if (!Listen()) return 1;
    Watch();
    WaitForSignal();
    StartWatchdog();
    spdlog::info("plazod started: {} programs, {} open parts, store {}, ledger {}",
                 current_->config.store.programs.size(), current_->open_parts, s.store,
                 ledger_->path());
    Tick();
    sender_->Kick();  // deliveries left pending by the last run
    notify_.Ready(StatusLine());
    io_.run();
    spdlog::info("plazod stopped");
    return 0;
  }

 private:
  // Enqueues everything due now, then sleeps until the next instant.
  void Tick() {
    Instant now = Now();
    const Loaded& l = *current_;
    std::string error;
    LedgerView view;
    // Due looks only at stages after planned_through: only their keys matter.
    Instant since = planned_through_ ? std::min(*planned_through_, now) : now;
    if (!ledger_->LoadView(since, &view, &error)) {
      spdlog::error("ledger: {}", error);
      ArmTimer(now + std::chrono::minutes(1));  // the disk may come back
      return;
    }
    DuePlan plan = l.planner->Due(now, view);
    std::vector<Ledger::Enqueued> batch;
    for (const Notification& n : plan.notifications) {
      if (auto e = Render(l, n, now)) batch.push_back(std::move(*e));
    }
    bool all_stored = batch.size() == plan.notifications.size();
    if (!batch.empty()) {
      if (ledger_->EnqueueAll(batch, now, &error)) {
        for (const auto& e : batch) {
          spdlog::info("queued {} {} to {} {} with {} item(s)", e.entry.kind,
                       e.entry.notification_id, e.entry.channel, e.entry.destination,
                       e.items.size());
        }
      } else {
        spdlog::error("ledger: {}", error);
        all_stored = false;
      }
    }
    if (!plan.skipped.empty()) {
      std::vector<DeliveryRecord> skipped;
      for (const PlannedItem& i : plan.skipped) {
        skipped.push_back(DeliveryRecord{i.key, "", DeliveryState::kSkipped, i.stage_at, {}});
        spdlog::info("skipped {} (superseded by a later stage)", i.key);
      }
      all_stored &= ledger_->Record(skipped, now, &error);
    }
    if (all_stored && (!view.planned_through || *view.planned_through < now)) {
      if (ledger_->SetPlannedThrough(now, &error)) {
        planned_through_ = now;
      } else {
        spdlog::error("ledger: {}", error);
      }
    }
    if (!plan.notifications.empty()) sender_->Kick();
    ArmTimer(all_stored ? l.planner->NextInstant(now) : std::optional<Instant>(now + std::chrono::minutes(1)));
    notify_.Status(StatusLine());
  }

  // The outbox entry for n, with its items as pending deliveries.
  std::optional<Ledger::Enqueued> Render(const Loaded& l, const Notification& n, Instant now) {
    const Settings& s = l.config.settings;
    Ledger::Enqueued e;
    OutboxEntry& entry = e.entry;
    entry.notification_id = n.id;
    entry.channel = std::string(ChannelName(n.channel));
    entry.destination = n.destination;
    entry.kind = n.kind;
    if (n.channel == Channel::kWebhook) {
      entry.payload = WebhookPayload(n, now, s.zone);
    } else {
      RenderedEmail mail = l.renderer.Render(n, s.zone);
      EmailContent content{n.id, SenderFor(s), n.destination, mail.subject, mail.text, mail.html,
                           now, s.zone};
      std::string error;
      if (!BuildEmailMessage(content, &entry.payload, &error)) {
        spdlog::error("cannot build e-mail {} to {}: {}", n.id, n.destination, error);
        return std::nullopt;
      }
    }
    for (const PlannedItem& i : n.items) {
      e.items.push_back(DeliveryRecord{i.key, n.id, DeliveryState::kPending, i.stage_at, {}});
    }
    return e;
  }

  void ArmTimer(std::optional<Instant> at) {
    next_ = at;
    timer_.ArmAt(at, [this](WallTimer::Wake wake) {
      if (wake == WallTimer::Wake::kClockChanged) {
        spdlog::info("the wall clock was set; planning again");
      }
      Tick();
    });
  }

  // Re-reads only the store files in changed when nothing else changed: for
  // a large store, one edited file costs one file, not the whole store.
  std::shared_ptr<Loaded> LoadChanged(const std::vector<std::string>& changed, Diagnostics* diags) {
    StoreUpdate update;
    if (!UpdateStore(&current_->config.store, changed, current_->config.settings, &update, diags)) {
      return nullptr;
    }
    // current_'s store is moved-from now: replace it before anything reads it.
    auto loaded = std::make_shared<Loaded>();
    loaded->config.settings = current_->config.settings;
    loaded->config.store = std::move(update.store);
    loaded->renderer = current_->renderer;
    loaded->planner = std::make_unique<Planner>(loaded->config, *current_->planner,
                                                update.old_to_new, update.fresh);
    loaded->open_parts = loaded->config.store.OpenCount();
    return loaded;
  }

  // store_files: the store files that changed, when only store files did;
  // nullptr reloads everything.
  void Reload(const std::string& why, const std::vector<std::string>* store_files = nullptr) {
    notify_.Reloading();
    spdlog::info("reloading ({})", why);
    auto started = std::chrono::steady_clock::now();
    Diagnostics diags;
    std::shared_ptr<Loaded> fresh =
        store_files ? LoadChanged(*store_files, &diags) : Load(options_.source, &diags);
    last_reload_at_ = Now();
    if (!fresh) {
      diags.Sort();
      for (const Diagnostic& d : diags.list()) spdlog::error("{}", d.ToString());
      config_error_ = diags.list().front().ToString();
      config_errors_ = diags.size();
      spdlog::error("configuration not reloaded: {} error(s); the last good one stays in force",
                    diags.size());
      notify_.Ready(StatusLine());
      return;
    }
    config_error_.clear();
    config_errors_ = 0;
    bool store_moved = fresh->config.settings.store != current_->config.settings.store;
    bool http_moved = HttpChanged(fresh->config.settings, current_->config.settings);
    current_ = std::move(fresh);
    sender_->Configure(current_->config.settings);
    if (store_moved) Watch();
    if (http_moved) Listen();
    Tick();
    spdlog::info("configuration reloaded in {} ms: {} programs, {} open parts",
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started).count(),
                 current_->config.store.programs.size(), current_->open_parts);
    notify_.Ready(StatusLine());
  }

  void Watch() {
    const Settings& s = current_->config.settings;
    watcher_ = std::make_unique<FileWatcher>(
        io_, s.store, s.path, options_.reload_debounce, [this](const std::set<std::string>& changed) {
          std::string why = changed.size() == 1 ? *changed.begin() + " changed"
                                                : std::to_string(changed.size()) + " files changed";
          // Only *.toml files of the store folder: reload just those.
          std::vector<std::string> store_files;
          for (const std::string& path : changed) {
            std::filesystem::path p(path);
            bool in_store = p.parent_path().lexically_normal() ==
                            std::filesystem::path(current_->config.settings.store).lexically_normal();
            if (in_store && p.extension() == ".toml") store_files.push_back(path);
          }
          if (store_files.size() == changed.size()) {
            Reload(why, &store_files);
          } else {
            Reload(why);
          }
        });
    if (!watcher_->error().empty()) {
      spdlog::warn("{}; edits take effect on SIGHUP only", watcher_->error());
    }
  }

  static bool HttpChanged(const Settings& a, const Settings& b) {
    if (a.http.has_value() != b.http.has_value()) return true;
    return a.http && (a.http->host != b.http->host || a.http->port != b.http->port);
  }

  // (Re)starts the HTTP endpoint of [http], or stops it when there is none.
  // Returns false when it cannot listen.
  bool Listen() {
    http_.reset();
    const Settings& s = current_->config.settings;
    if (!s.http) return true;
    std::string error;
    http_ = HttpListener::Start(io_, s.http->host, s.http->port,
                                [this](const HttpRequest& r) { return Serve(r); }, &error);
    if (!http_) {
      spdlog::error("{}", error);
      return false;
    }
    spdlog::info("serving /healthz, /metrics, /api/v1/status, /calendar.ics on {}:{}", s.http->host, http_->port());
    return true;
  }

  // The read-only endpoints. Computed from the configuration in force and
  // the ledger at the time of the request; nothing here changes state.
  HttpResponse Serve(const HttpRequest& r) {
    const Config& config = current_->config;
    if (r.path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
    if (r.path == "/metrics") {
      DaemonMetrics m;
      m.open_parts = current_->open_parts;
      m.overdue_parts = ComputeStatus(config, Now()).overdue.size();
      LedgerCounts counts;
      std::string error;
      if (ledger_->Counts(&counts, &error)) {
        m.outbox_pending = counts.pending;
        m.outbox_given_up = counts.given_up;
      }
      m.delivery = sender_->stats();
      m.last_reload_ok = config_error_.empty();
      m.last_reload_at = last_reload_at_;
      m.config_errors = config_errors_;
      return {200, "text/plain; version=0.0.4; charset=utf-8", PrometheusText(m)};
    }
    if (r.path == "/api/v1/status") {
      DeliveryReport report;
      std::string error;
      if (!ledger_->Report(&report, &error)) return {503, "text/plain; charset=utf-8", error + "\n"};
      return {200, "application/json",
              StatusJson(ComputeStatus(config, Now()), report, config.settings.zone)};
    }
    if (r.path == "/calendar.ics") {
      CalendarOptions options;
      auto owner = r.query.find("owner");
      if (owner != r.query.end()) options.owner = owner->second;
      options.stamp = Now();
      return {200, "text/calendar; charset=utf-8", RenderCalendar(config, options)};
    }
    return {404, "text/plain; charset=utf-8", "not found\n"};
  }

  void WaitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      if (signo == SIGHUP) {
        Reload("SIGHUP");
        WaitForSignal();
        return;
      }
      Stop();
    });
  }

  void Stop() {
    spdlog::info("stopping: {} deliveries in flight", sender_->in_flight());
    notify_.Stopping();
    timer_.Cancel();
    watcher_.reset();
    http_.reset();
    watchdog_.cancel();
    stop_deadline_.expires_after(options_.stop_grace);
    stop_deadline_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      spdlog::warn("{} deliveries still in flight stay pending for the next start",
                   sender_->in_flight());
      io_.stop();
    });
    sender_->Drain([this] {
      stop_deadline_.cancel();
      io_.stop();
    });
  }

  void StartWatchdog() {
    auto interval = notify_.watchdog_interval();
    if (!interval) return;
    watchdog_.expires_after(*interval);
    watchdog_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      notify_.Watchdog();
      StartWatchdog();
    });
  }

  // "14 open, next reminder 2026-12-01 09:00, 0 failing" (+ a config error).
  std::string StatusLine() {
    const Settings& s = current_->config.settings;
    std::string line = std::to_string(current_->open_parts) + " open, next reminder ";
    if (next_) {
      std::string t = FormatRfc3339(*next_, s.zone);
      line += t.substr(0, 10) + " " + t.substr(11, 5);
    } else {
      line += "none";
    }
    LedgerCounts counts;
    std::string error;
    if (ledger_ && ledger_->Counts(&counts, &error)) {
      line += ", " + std::to_string(counts.pending) + " pending, " +
              std::to_string(counts.given_up) + " given up";
    }
    if (!config_error_.empty()) line += "; config error: " + config_error_;
    return line;
  }

  ServiceOptions options_;
  asio::io_context io_;
  asio::signal_set signals_;
  WallTimer timer_;
  asio::steady_timer watchdog_;
  asio::steady_timer stop_deadline_;
  SystemdNotifier notify_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<OutboxSender> sender_;
  std::unique_ptr<FileWatcher> watcher_;
  std::shared_ptr<Loaded> current_;
  std::optional<Instant> next_;
  std::optional<Instant> planned_through_;  // as last written to the ledger
  std::string config_error_;
  size_t config_errors_ = 0;
  Instant last_reload_at_{};
  std::unique_ptr<HttpListener> http_;
};

}  // namespace

int RunService(const ServiceOptions& options) {
  SetUpLogging(options.log_level.empty() ? "info" : options.log_level);
  // A peer closing a connection must not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);
  Service service(options);
  return service.Run();
}

}  // namespace plazo
