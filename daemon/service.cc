#include "daemon/service.h"

#include <malloc.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <set>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/time_text.h"
#include "daemon/file_watcher.h"
#include "daemon/http_listener.h"
#include "daemon/http_routes.h"
#include "daemon/loaded_config.h"
#include "daemon/log.h"
#include "daemon/state_lock.h"
#include "daemon/systemd_notify.h"
#include "daemon/wall_timer.h"
#include "dispatch/attempt_writer.h"
#include "dispatch/channels.h"
#include "dispatch/dispatcher.h"
#include "dispatch/outbox_sender.h"
#include "ledger/ledger.h"
#include "notifiers/outbox_folder.h"
#include "notifiers/run_requirements.h"

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
    snapshot_ = std::make_unique<ConfigSnapshotFile>(ConfigSnapshotPath(state));
    AcceptedTexts last_good;
    Diagnostics diags;
    current_ = LoadWhole(&last_good, &diags);
    if (!current_) {
      diags.Sort();
      for (const Diagnostic& d : diags.list()) spdlog::error("{}", d.ToString());
      notify_.Status("invalid configuration: " + diags.list().front().ToString());
      return 1;
    }
    const Settings& s = current_->config.settings;
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
      snapshot_ = std::make_unique<ConfigSnapshotFile>(ConfigSnapshotPath(s.state));
    }
    Accepted(nullptr, last_good);
    Release(last_good);
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
    spdlog::info("plazod started: {} programs, {} open parts, {} pending, store {}, ledger {}",
                 current_->config.store.programs.size(), current_->open_parts, sender_->queued(),
                 s.store, ledger_->path());
    Tick();
    notify_.Ready(StatusLine());
    io_.run();
    if (ledger_lost_) return RestoreLedger();
    spdlog::info("plazod stopped");
    return 0;
  }

 private:
  void Tick() {
    TickReport report = dispatcher_->Tick(*current_->planner, *current_->composer, Now());
    next_ = report.next;
    timer_.ArmAt(next_, [this](WallTimer::Wake wake) {
      if (wake == WallTimer::Wake::kClockChanged) {
        spdlog::info("the wall clock was set; planning again");
      }
      Tick();
    });
    notify_.Status(StatusLine());
  }

  void ConfigureChannels() {
    const Settings& s = current_->config.settings;
    channels_.Configure(s);
    sender_->Configure(s.delivery, channels_.email(), channels_.webhook());
  }

  // store_files: the store files that changed, when only they did; nullptr
  // reloads everything.
  void Reload(const std::string& why, const std::vector<std::string>* store_files = nullptr) {
    notify_.Reloading();
    spdlog::info("reloading ({})", why);
    auto started = std::chrono::steady_clock::now();
    Diagnostics diags;
    const Settings& before = current_->config.settings;
    AcceptedTexts last_good;
    std::shared_ptr<LoadedConfig> fresh =
        store_files ? ReloadStoreFiles(current_.get(), *store_files, Unix(Now()), &diags)
                    : LoadWhole(&last_good, &diags);
    last_reload_at_ = Now();
    if (!fresh) {
      diags.Sort();
      for (const Diagnostic& d : diags.list()) spdlog::error("{}", d.ToString());
      reload_error_ = diags.list().front().ToString();
      reload_errors_ = diags.size();
      spdlog::error("configuration not reloaded: {} error(s); the last good one stays in force",
                    diags.size());
      notify_.Ready(StatusLine());
      return;
    }
    for (const Diagnostic& w : diags.warnings()) spdlog::warn("{}", w.ToString());
    reload_error_.clear();
    reload_errors_ = 0;
    bool store_moved = fresh->config.settings.store != before.store;
    bool http_moved = HttpChanged(fresh->config.settings, before);
    current_ = std::move(fresh);
    Accepted(store_files, last_good);
    if (!store_files) Release(last_good);
    // A store edit leaves the settings, and so every connection, as they are.
    if (!store_files) ConfigureChannels();
    if (store_moved) Watch();
    if (http_moved) Listen();
    Tick();
    spdlog::info("configuration reloaded in {} ms: {} programs, {} open parts",
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count(),
                 current_->config.store.programs.size(), current_->open_parts);
    notify_.Ready(StatusLine());
  }

  static int64_t Unix(Instant t) { return t.time_since_epoch().count(); }

  // Loads the whole configuration; only when some file is invalid does it
  // read the last good copy (into *last_good) and load again on it, so a
  // valid store is not held twice while loading.
  std::shared_ptr<LoadedConfig> LoadWhole(AcceptedTexts* last_good, Diagnostics* diags) {
    Diagnostics first;
    std::shared_ptr<LoadedConfig> loaded =
        LoadConfiguration(options_.source, AcceptedTexts(), Unix(Now()), &first);
    if (loaded && loaded->problems.empty()) {
      diags->Merge(first);
      return loaded;
    }
    *last_good = ReadLastGood();
    if (last_good->empty()) {
      diags->Merge(first);
      return loaded;
    }
    loaded.reset();
    return LoadConfiguration(options_.source, *last_good, Unix(Now()), diags);
  }

  // The last good configuration kept in the state folder; empty when there
  // is none yet or it cannot be read (then said in the log).
  AcceptedTexts ReadLastGood() {
    AcceptedTexts texts;
    std::string warning, error;
    if (!snapshot_->Read(&texts, &warning, &error)) {
      spdlog::warn("ignoring the last good configuration: {}", error);
    } else if (!warning.empty()) {
      spdlog::warn("the last good configuration is incomplete: {}", warning);
    }
    return texts;
  }

  // After a whole load: frees the last good texts it read (as large as the
  // store's files) and gives the freed heap back to the system, so that the
  // daemon does not keep the previous configuration's size after a restart
  // or a SIGHUP (glibc keeps freed memory otherwise).
  static void Release(AcceptedTexts& last_good) {
    AcceptedTexts().swap(last_good);
    ::malloc_trim(0);
  }

  // Logs what of current_ is not as on disk, and keeps the snapshot in
  // step with what is in force. store_files as for Reload; last_good: what
  // a whole load started from.
  void Accepted(const std::vector<std::string>* store_files, const AcceptedTexts& last_good) {
    for (const Diagnostic& d : current_->problems) spdlog::error("{}", d.ToString());
    const Settings& s = current_->config.settings;
    for (const std::string& file : current_->kept) {
      spdlog::warn("{}: invalid on disk; running on its version accepted at {}", file,
                   FormatRfc3339(Instant(std::chrono::seconds(current_->accepted_at[file])), s.zone));
    }
    if (!store_files) {
      // What `check` refuses and the settings loader lets through (secret
      // files, URLs curl cannot use) would fail each delivery; say it now.
      Diagnostics needs;
      (void)CheckRunRequirements(s, &needs);
      needs.Sort();
      for (const Diagnostic& d : needs.list()) spdlog::error("{}", d.ToString());
      for (const Diagnostic& w : needs.warnings()) spdlog::warn("{}", w.ToString());
    }
    std::string error;
    if (store_files ? !SaveLastGoodEdits(*snapshot_, *store_files, current_.get(), &error)
                    : !SaveLastGood(*snapshot_, last_good, current_.get(), &error)) {
      spdlog::error("cannot keep the last good configuration: {}", error);
    }
  }

  // What differs between the files on disk and what is in force, for
  // STATUS and /healthz: "running on the configuration accepted at T;
  // file:line:col: message (and N more)", "config error: ..." when no file
  // runs on a last good version, or "" when everything is as on disk.
  std::string ConfigProblem() const {
    std::string first = reload_error_;
    size_t count = reload_errors_ + current_->problems.size();
    if (first.empty() && !current_->problems.empty()) first = current_->problems.front().ToString();
    if (count == 0) return "";
    std::string more = count > 1 ? " (and " + std::to_string(count - 1) + " more)" : "";
    if (auto since = current_->LastGoodSince()) {
      std::string t = FormatRfc3339(Instant(std::chrono::seconds(*since)),
                                    current_->config.settings.zone);
      return "running on the configuration accepted at " + t.substr(0, 10) + " " +
             t.substr(11, 5) + "; " + first + more;
    }
    return "config error: " + first + more;
  }

  void Watch() {
    const Settings& s = current_->config.settings;
    watcher_ = std::make_unique<FileWatcher>(
        io_, s.store, s.path, options_.reload_debounce,
        [this](const std::set<std::string>& changed) {
          std::string why = changed.size() == 1 ? *changed.begin() + " changed"
                                                : std::to_string(changed.size()) + " files changed";
          std::vector<std::string> paths(changed.begin(), changed.end());
          std::vector<std::string> store_files = StoreFilesAmong(paths, current_->config.settings);
          Reload(why, store_files.size() == paths.size() ? &store_files : nullptr);
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
    auto handler = [this](const HttpRequest& r) {
      DaemonState state{current_.get(),
                        ledger_.get(),
                        sender_->stats(),
                        ConfigProblem(),
                        reload_errors_ + current_->problems.size(),
                        current_->LastGoodSince().has_value(),
                        last_reload_at_,
                        Now()};
      return Route(r, state);
    };
    http_ = HttpListener::Start(io_, s.http->host, s.http->port, handler, &error);
    if (!http_) {
      spdlog::error("{}", error);
      return false;
    }
    spdlog::info("serving /healthz, /metrics, /api/v1/status, /calendar.ics on {}:{}", s.http->host,
                 http_->port());
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
    spdlog::info("stopping: {} deliveries in flight", sender_->in_flight());
    notify_.Stopping();
    timer_.Cancel();
    watcher_.reset();
    http_.reset();
    watchdog_.cancel();
    ledger_check_.cancel();
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
      spdlog::error("{}: the ledger was deleted or replaced while plazod ran; stopping to "
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
      spdlog::error("{}: restored from the open database; exiting for a restart",
                    ledger_->path());
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
    if (std::string problem = ConfigProblem(); !problem.empty()) line += "; " + problem;
    return line;
  }

  ServiceOptions options_;
  asio::io_context io_;
  asio::signal_set signals_;
  WallTimer timer_;
  asio::steady_timer watchdog_;
  asio::steady_timer stop_deadline_;
  asio::steady_timer ledger_check_;
  bool ledger_lost_ = false;
  SystemdNotifier notify_;
  std::unique_ptr<StateLock> lock_;  // first taken, last released
  Channels channels_;  // before the sender, which holds its transports
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<AttemptWriter> writer_;  // before the sender, which uses it
  std::unique_ptr<OutboxSender> sender_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<FileWatcher> watcher_;
  std::unique_ptr<ConfigSnapshotFile> snapshot_;  // the last good configuration
  std::shared_ptr<LoadedConfig> current_;
  std::optional<Instant> next_;
  std::string reload_error_;  // why the last reload failed as a whole
  size_t reload_errors_ = 0;
  Instant last_reload_at_{};
  std::unique_ptr<HttpListener> http_;
};

}  // namespace

int RunService(const ServiceOptions& options) {
  SetUpLogging(options.log_level.empty() ? "info" : options.log_level);
  // A peer closing a connection must not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);
  // Nor may a file-size limit (ulimit -f, LimitFSIZE=): the write fails
  // with EFBIG instead, and the ledger or outbox reports it in the log.
  std::signal(SIGXFSZ, SIG_IGN);
  Service service(options);
  return service.Run();
}

}  // namespace plazo
