#include "notifiers/transfer_loop.h"

#include <chrono>
#include <map>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>

namespace plazo {

namespace asio = boost::asio;

namespace {

constexpr long kMaxConnections = 512;

}  // namespace

struct TransferLoop::Impl {
  // One socket curl asked us to watch. The descriptor does not own the fd:
  // curl opens and closes its sockets; we release() before curl closes.
  struct Socket {
    explicit Socket(asio::io_context& io, curl_socket_t fd) : descriptor(io, fd) {}
    asio::posix::stream_descriptor descriptor;
    int wanted = 0;  // CURL_POLL_IN / OUT / INOUT
    bool waiting_read = false;
    bool waiting_write = false;
  };

  explicit Impl(asio::io_context& io_context) : io(io_context), timer(io_context) {
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    // curl's default cache (four connections per handle added at the time)
    // shrinks between bursts of short transfers and closes connections it
    // would reuse a moment later: 10,000 webhooks to one host opened 1,432.
    // Room for the daemon's default max_in_flight twice over, well under
    // systemd's default file limit.
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, kMaxConnections);
  }

  ~Impl() {
    *alive = false;  // handlers already queued on the io_context become no-ops
    for (auto& [easy, done] : transfers) curl_multi_remove_handle(multi, easy);
    for (auto& [fd, s] : sockets) s->descriptor.release();
    curl_multi_cleanup(multi);
  }

  static int OnSocket(CURL*, curl_socket_t fd, int what, void* self, void*) {
    static_cast<Impl*>(self)->Watch(fd, what);
    return 0;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* self) {
    static_cast<Impl*>(self)->SetTimer(timeout_ms);
    return 0;
  }

  void Watch(curl_socket_t fd, int what) {
    if (what == CURL_POLL_REMOVE) {
      auto it = sockets.find(fd);
      if (it != sockets.end()) {
        it->second->descriptor.release();  // cancels nothing: fd is curl's to close
        it->second->wanted = 0;
        sockets.erase(it);
      }
      return;
    }
    auto& s = sockets[fd];
    if (!s) s = std::make_shared<Socket>(io, fd);
    s->wanted = what;
    Arm(fd, s);
  }

  void Arm(curl_socket_t fd, const std::shared_ptr<Socket>& s) {
    std::weak_ptr<Socket> weak = s;
    if ((s->wanted & CURL_POLL_IN) && !s->waiting_read) {
      s->waiting_read = true;
      s->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                               [this, fd, weak, live = alive](const boost::system::error_code& ec) {
                                 if (!*live) return;
                                 auto s = weak.lock();
                                 if (!s) return;
                                 s->waiting_read = false;
                                 if (ec) return;
                                 Action(fd, CURL_CSELECT_IN);
                               });
    }
    if ((s->wanted & CURL_POLL_OUT) && !s->waiting_write) {
      s->waiting_write = true;
      s->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                               [this, fd, weak, live = alive](const boost::system::error_code& ec) {
                                 if (!*live) return;
                                 auto s = weak.lock();
                                 if (!s) return;
                                 s->waiting_write = false;
                                 if (ec) return;
                                 Action(fd, CURL_CSELECT_OUT);
                               });
    }
  }

  // curl moves its timeout on nearly every socket event. Re-arming an Asio
  // timer costs a timerfd_settime each time, so the timer is moved only
  // when curl wants to wake sooner than it is set for; when it fires early
  // it is set again for the time curl wants now. A timeout of 0 ("call me
  // at once") is a post, not a timer.
  void SetTimer(long timeout_ms) {
    if (timeout_ms < 0) {
      due.reset();
      return;
    }
    if (timeout_ms == 0) {
      due.reset();
      if (timeout_posted) return;
      timeout_posted = true;
      asio::post(io, [this, live = alive] {
        if (!*live) return;
        timeout_posted = false;
        Action(CURL_SOCKET_TIMEOUT, 0);
      });
      return;
    }
    due = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    if (armed && *armed <= *due) return;
    ArmTimer(*due);
  }

  void ArmTimer(std::chrono::steady_clock::time_point at) {
    armed = at;
    timer.expires_at(at);  // cancels a wait for an older time
    timer.async_wait([this, live = alive](const boost::system::error_code& ec) {
      if (ec || !*live) return;
      armed.reset();
      if (!due) return;
      if (*due > std::chrono::steady_clock::now()) {
        ArmTimer(*due);
        return;
      }
      due.reset();
      Action(CURL_SOCKET_TIMEOUT, 0);
    });
  }

  // Lets curl make progress on fd, then re-arms what it still wants.
  void Action(curl_socket_t fd, int event) {
    int running = 0;
    curl_multi_socket_action(multi, fd, event, &running);
    Reap();
    if (fd == CURL_SOCKET_TIMEOUT) return;
    auto it = sockets.find(fd);
    if (it != sockets.end()) Arm(fd, it->second);
  }

  // Hands finished transfers to their Done handlers.
  void Reap() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      curl_multi_remove_handle(multi, easy);
      auto it = transfers.find(easy);
      if (it == transfers.end()) continue;
      Done done = std::move(it->second);
      transfers.erase(it);
      // Run outside curl's callbacks, so done may start new transfers.
      asio::post(io, [done = std::move(done), code, status, live = alive] {
        if (*live) done(static_cast<int>(code), status);
      });
    }
  }

  asio::io_context& io;
  asio::steady_timer timer;
  // When curl wants socket_action(TIMEOUT), and when the timer is set for.
  std::optional<std::chrono::steady_clock::time_point> due;
  std::optional<std::chrono::steady_clock::time_point> armed;
  bool timeout_posted = false;
  CURLM* multi = nullptr;
  std::map<curl_socket_t, std::shared_ptr<Socket>> sockets;
  std::map<CURL*, Done> transfers;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

TransferLoop::TransferLoop(asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}

TransferLoop::~TransferLoop() = default;

bool TransferLoop::Start(CURL* easy, Done done) {
  impl_->transfers[easy] = std::move(done);
  if (curl_multi_add_handle(impl_->multi, easy) != CURLM_OK) {
    impl_->transfers.erase(easy);
    return false;
  }
  return true;
}

}  // namespace plazo
