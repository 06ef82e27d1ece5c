#include "daemon/service.h"

#include <malloc.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <filesystem>
#include <memory>
#include <set>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/text.h"
#include "config/time_text.h"
#include "daemon/config_keeper.h"
#include "daemon/file_watcher.h"
#include "daemon/http_listener.h"
#include "daemon/http_routes.h"
#include "daemon/loaded_config.h"
#include "daemon/log.h"
#include "daemon/state_lock.h"
#include "daemon/systemd_notify.h"
#include "daemon/wall_timer.h"
#include "daemon/web_auth.h"
#include "dispatch/attempt_writer.h"
#include "dispatch/channels.h"
#include "dispatch/dispatcher.h"
#include "dispatch/outbox_sender.h"
#include "ledger/ledger.h"
#include "notifiers/outbox_folder.h"

namespace plazo {
namespace {

namespace asio = boost::asio;

Instant Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// The event loop around the dispatcher: the wall-clock timer that runs a
// tick at each planned instant, the file watcher and SIGHUP that reload,
// SIGTERM that drains, sd_notify, and the HTTP endpoint.
class Service {
 public:
  explicit Service(const ServiceOptions& options)
      : options_(options),
        config_(options.source),
        signals_(io_, SIGHUP, SIGTERM, SIGINT),
        timer_(io_),
        watchdog_(io_),
        stop_deadline_(io_),
        ledger_check_(io_),
        channels_(io_) {}

  int Run() {
    // The state folder first: it holds the lock that keeps a second daemon
    // out, and the last good configuration to run on when the files on
    // disk are invalid.
    std::string state = StateDirOf(options_.source);
    std::error_code ec;
    std::filesystem::create_directories(state, ec);
    std::string error;
    lock_ = StateLock::Acquire(state, &error);
    if (!lock_) {
      spdlog::error("{}", error);
      return 1;
    }
    config_.UseStateFolder(state);
    Diagnostics diags;
    if (!config_.Load(Now(), &diags)) {
      diags.Sort();
      for (const Diagnostic& d : diags.list()) spdlog::error("{}", d.ToString());
      notify_.Status("invalid configuration: " + diags.list().front().ToString());
      return 1;
    }
    const Settings& s = config_.current().config.settings;
    SetUpLogging(options_.log_level.empty() ? s.log_level : options_.log_level);
    for (const Diagnostic& w : diags.warnings()) spdlog::warn("{}", w.ToString());
    if (s.state != state) {
      // The settings on disk could not be read as TOML, so the state folder
      // was guessed; the last good settings name another.
      std::filesystem::create_directories(s.state, ec);
      lock_.reset();
      lock_ = StateLock::Acquire(s.state, &error);
      if (!lock_) {
        spdlog::error("{}", error);
        return 1;
      }
      config_.UseStateFolder(s.state);
    }
    config_.Accept();
    config_.ReleaseMemory();
    // Halves of messages that a crashed run left in the outbox's tmp/.
    size_t stale = OutboxFolder(s.state).RemoveStaleTemporaries(
        std::filesystem::file_time_type::clock::now() - std::chrono::minutes(10));
    if (stale > 0) spdlog::warn("removed {} unfinished message(s) from the outbox's tmp/", stale);
    ledger_ = Ledger::Open(LedgerPath(s.state), &error);
    if (!ledger_) {
      spdlog::error("{}", error);
      return 1;
    }
    writer_ = AttemptWriter::Open(io_, ledger_->path(), &error);
    if (!writer_) {
      spdlog::error("{}", error);
      return 1;
    }
    sender_ = std::make_unique<OutboxSender>(io_, *ledger_, Now, writer_.get());
    sender_->OnGone([this](const std::string& webhook, const std::string& detail, Instant at) {
      MarkGone(webhook, detail, at);
    });
    dispatcher_ = std::make_unique<Dispatcher>(*ledger_, *sender_);
    if (!dispatcher_->Start(Now(), &error) || !sender_->Load(&error)) {
      spdlog::error("{}", error);
      return 1;
    }
    ConfigureChannels();
    last_reload_at_ = Now();
    if (!Listen()) return 1;
    Watch();
    WaitForSignal();
    StartWatchdog();
    CheckLedgerFile();
    spdlog::info("plazod started: {}, {} pending, store {}, ledger {}", StoreSummary(),
                 sender_->queued(), s.store, ledger_->path());
    Tick();
    notify_.Ready(StatusLine());
    io_.run();
    if (ledger_lost_) return RestoreLedger();
    spdlog::info("plazod stopped");
    return 0;
  }

 private:
  void Tick() {
    Instant now = Now();
    std::optional<Instant> planned = dispatcher_->planned_through();
    config_.IndexFor(planned ? std::min(*planned, now) : now, now + kIndexKeep);
    TickReport report =
        dispatcher_->Tick(*config_.current().planner, *config_.current().composer, now);
    next_ = report.next;
    // At least daily, so that the index is extended before it runs short.
    Instant wake_at = std::min(next_.value_or(Instant::max()), now + std::chrono::hours(24));
    timer_.ArmAt(wake_at, [this](WallTimer::Wake wake) {
      if (wake == WallTimer::Wake::kClockChanged) {
        spdlog::info("the wall clock was set; planning again");
      }
      Tick();
    });
    notify_.Status(StatusLine());
  }

  void ConfigureChannels() {
    const Settings& s = config_.current().config.settings;
    channels_.Configure(s);
    DisableGoneWebhooks(s);
    sender_->Configure(s.delivery, channels_.email(), channels_.webhook());
  }

  // Tells the sender which webhooks a 410 Gone disabled; a webhook whose
  // settings changed since (or that was removed) is enabled again and its
  // mark dropped from the ledger.
  void DisableGoneWebhooks(const Settings& s) {
    std::vector<GoneWebhook> marks;
    std::string error;
    if (!ledger_->GoneWebhooks(&marks, &error)) {
      spdlog::error("ledger: {}", error);
      return;
    }
    std::map<std::string, std::string> disabled;
    for (const GoneWebhook& g : marks) {
      if (StillHolds(g, s)) {
        disabled[g.webhook] = "webhook " + g.webhook + " answered 410 Gone at " +
                              FormatRfc3339(g.at, s.zone) +
                              " and is disabled until its settings change";
        spdlog::warn("{}", disabled[g.webhook]);
      } else if (ledger_->ClearGone(g.webhook, &error)) {
        spdlog::info("webhook {}: its settings changed since it answered 410 Gone; sending to it "
                     "again",
                     g.webhook);
      } else {
        spdlog::error("ledger: {}", error);
      }
    }
    sender_->SetDisabledWebhooks(std::move(disabled));
  }

  void MarkGone(const std::string& webhook, const std::string& detail, Instant at) {
    const Settings& s = config_.current().config.settings;
    auto it = s.webhooks.find(webhook);
    if (it == s.webhooks.end()) return;  // removed meanwhile: nothing to disable
    std::string error;
    if (!ledger_->MarkGone(GoneWebhook{webhook, WebhookFingerprint(it->second), at, detail},
                           &error)) {
      spdlog::error("ledger: {}", error);
    }
  }

  // store_files: the store files that changed, when only they did; nullptr
  // reloads everything.
  void Reload(const std::string& why, const std::vector<std::string>* store_files = nullptr) {
    notify_.Reloading();
    spdlog::info("reloading ({})", why);
    auto started = std::chrono::steady_clock::now();
    const Settings& before = config_.current().config.settings;
    std::string store_before = before.store;
    std::optional<HttpSettings> http_before = before.http;
    bool reloaded = config_.Reload(store_files, Now());
    last_reload_at_ = Now();
    if (!reloaded) {
      notify_.Ready(StatusLine());
      return;
    }
    const Settings& s = config_.current().config.settings;
    // A store edit leaves the settings, and so every connection, as they are.
    if (!store_files) ConfigureChannels();
    if (s.store != store_before) Watch();
    if (HttpChanged(s.http, http_before)) Listen();
    Tick();
    spdlog::info("configuration reloaded in {} ms: {}",
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count(),
                 StoreSummary());
    notify_.Ready(StatusLine());
    // The previous configuration is gone: its memory goes back, after the
    // reload rather than in it.
    if (!store_files) boost::asio::post(io_, [this] { config_.ReleaseMemory(); });
  }

  // "3 programs, 40 open parts", for the log.
  std::string StoreSummary() const {
    return CountNoun(static_cast<long long>(config_.current().config.store.programs.size()),
                     "program", "programs") +
           ", " +
           CountNoun(static_cast<long long>(config_.current().open_parts), "open part",
                     "open parts");
  }

  void Watch() {
    const Settings& s = config_.current().config.settings;
    watcher_ = std::make_unique<FileWatcher>(
        io_, s.store, s.path, options_.reload_debounce,
        [this](const std::set<std::string>& changed) {
          std::string why = changed.size() == 1 ? *changed.begin() + " changed"
                                                : std::to_string(changed.size()) + " files changed";
          std::vector<std::string> paths(changed.begin(), changed.end());
          std::vector<std::string> store_files =
              StoreFilesAmong(paths, config_.current().config.settings);
          Reload(why, store_files.size() == paths.size() ? &store_files : nullptr);
        });
    if (!watcher_->error().empty()) {
      spdlog::warn("{}; edits take effect on SIGHUP only", watcher_->error());
    }
  }

  static bool HttpChanged(const std::optional<HttpSettings>& a,
                          const std::optional<HttpSettings>& b) {
    if (a.has_value() != b.has_value()) return true;
    return a && (a->host != b->host || a->port != b->port);
  }

  // (Re)starts the HTTP endpoint of [http], or stops it when there is none.
  // Returns false when it cannot listen.
  bool Listen() {
    http_.reset();
    const Settings& s = config_.current().config.settings;
    if (!s.http) return true;
    std::string error;
    auto handler = [this](const HttpRequest& r) {
      DaemonState state{
          &config_.current(),
          ledger_.get(),
          sender_->stats(),
          config_.Problem(),
          config_.errors(),
          config_.on_last_good(),
          last_reload_at_,
          Now(),
          [this](std::vector<OutboxEntry> entries) { sender_->Add(std::move(entries)); },
          &web_auth_};
      return Route(r, state);
    };
    http_ = HttpListener::Start(io_, s.http->host, s.http->port, handler, &error);
    if (!http_) {
      spdlog::error("{}", error);
      return false;
    }
    spdlog::info(
        "serving /healthz, /metrics, /api/v1/status, /ack/, /calendar/ and the control unit's "
        "pages on {}:{}",
        s.http->host, http_->port());
    if (s.http->users.empty()) {
      spdlog::info("[http] has no users_file: the control unit's pages answer local clients only");
    } else {
      spdlog::info("[http] users_file {}: {} user(s) may log in", s.http->users_file,
                   s.http->users.size());
    }
    if (s.http->public_url.empty()) {
      spdlog::info("[http] has no public_url: e-mails carry no links");
    } else {
      spdlog::info("e-mails link to {}", s.http->public_url);
    }
    return true;
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
    spdlog::info("stopping: {} in flight",
                 CountNoun(static_cast<long long>(sender_->in_flight()), "delivery", "deliveries"));
    notify_.Stopping();
    timer_.Cancel();
    watcher_.reset();
    http_.reset();
    watchdog_.cancel();
    ledger_check_.cancel();
    stop_deadline_.expires_after(options_.stop_grace);
    stop_deadline_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      spdlog::warn("{} still in flight {} pending for the next start",
                   CountNoun(static_cast<long long>(sender_->in_flight()), "delivery", "deliveries"),
                   sender_->in_flight() == 1 ? "stays" : "stay");
      io_.stop();
    });
    sender_->Drain([this] {
      stop_deadline_.cancel();
      io_.stop();
    });
  }

  // Every few seconds: is the ledger file still the one open? Deleted (an
  // admin cleaning the state folder) or replaced, every commit would go to a
  // file nobody reads again and the next start would send everything anew.
  void CheckLedgerFile() {
    ledger_check_.expires_after(std::chrono::seconds(5));
    ledger_check_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      if (ledger_->FileInPlace()) {
        CheckLedgerFile();
        return;
      }
      ledger_lost_ = true;
      spdlog::error(
          "{}: the ledger was deleted or replaced while plazod ran; stopping to "
          "restore it and start again on it",
          ledger_->path());
      notify_.Status("ledger " + ledger_->path() + " deleted or replaced; restarting");
      Stop();
    });
  }

  // After a stop for a lost ledger: puts the open database back at its path
  // when nothing is there (a replacement is left as the admin made it), and
  // exits 1 so that the service manager starts plazod again on it.
  int RestoreLedger() {
    std::string error;
    if (ledger_->RestoreFile(&error)) {
      spdlog::error("{}: restored from the open database; exiting for a restart", ledger_->path());
    } else {
      spdlog::error("{}; exiting for a restart", error);
    }
    return 1;
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

  // "14 open, next reminder 2026-12-01 09:00, 0 pending, 0 given up" (+ a
  // config error).
  std::string StatusLine() {
    const Settings& s = config_.current().config.settings;
    std::string line = std::to_string(config_.current().open_parts) + " open, next reminder ";
    if (next_) {
      line += FormatLocalMinute(*next_, s.zone);
    } else {
      line += "none";
    }
    LedgerCounts counts;
    std::string error;
    if (ledger_ && ledger_->Counts(&counts, &error)) {
      line += ", " + std::to_string(counts.pending) + " pending, " +
              std::to_string(counts.given_up) + " given up";
    }
    if (std::string problem = config_.Problem(); !problem.empty()) line += "; " + problem;
    return line;
  }

  ServiceOptions options_;
  ConfigKeeper config_;
  asio::io_context io_;
  asio::signal_set signals_;
  WallTimer timer_;
  asio::steady_timer watchdog_;
  asio::steady_timer stop_deadline_;
  asio::steady_timer ledger_check_;
  bool ledger_lost_ = false;
  SystemdNotifier notify_;
  std::unique_ptr<StateLock> lock_;  // first taken, last released
  Channels channels_;                // before the sender, which holds its transports
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<AttemptWriter> writer_;  // before the sender, which uses it
  std::unique_ptr<OutboxSender> sender_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<FileWatcher> watcher_;
  std::optional<Instant> next_;
  Instant last_reload_at_{};
  std::unique_ptr<HttpListener> http_;
  WebAuth web_auth_;  // remembers verified logins and failures across requests
};

}  // namespace

int RunService(const ServiceOptions& options) {
  SetUpLogging(options.log_level.empty() ? "info" : options.log_level);
  // A peer closing a connection must not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);
  // Nor may a file-size limit (ulimit -f, LimitFSIZE=): the write fails
  // with EFBIG instead, and the ledger or outbox reports it in the log.
  std::signal(SIGXFSZ, SIG_IGN);
  // Blocks of 4 MiB and more (a large store's program list, the planner's
  // index after a long downtime) always come from mmap and go back to the
  // system when freed. glibc's default raises that threshold to the size of
  // the first such block freed, and then serves them from the heap: on a
  // 100,000-part store, when the daemon still indexed every stage, that
  // made a one-file reload take 39 ms instead of 15 and a SIGHUP 1.9 s
  // instead of 1.1 (bench/daemon_memory.sh).
  ::mallopt(M_MMAP_THRESHOLD, 4 << 20);
  Service service(options);
  return service.Run();
}

}  // namespace plazo
