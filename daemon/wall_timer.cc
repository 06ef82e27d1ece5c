#include "daemon/wall_timer.h"

#include <cerrno>
#include <sys/timerfd.h>
#include <system_error>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace plazo {

struct WallTimer::Impl {
  explicit Impl(boost::asio::io_context& io) : fd(io) {}
  boost::asio::posix::stream_descriptor fd;
  Handler handler;
  uint64_t generation = 0;  // discards waits armed before the last ArmAt
};

void WallTimer::Wait() {
  uint64_t generation = impl_->generation;
  impl_->fd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this, generation](const boost::system::error_code& ec) {
                         if (ec || generation != impl_->generation || !impl_->handler) return;
                         uint64_t expirations = 0;
                         ssize_t n = ::read(impl_->fd.native_handle(), &expirations,
                                            sizeof expirations);
                         if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                           Wait();  // spurious readiness: keep waiting for this arming
                           return;
                         }
                         Wake wake = (n < 0 && errno == ECANCELED) ? Wake::kClockChanged : Wake::kDue;
                         Handler h = std::move(impl_->handler);
                         impl_->handler = nullptr;
                         h(wake);
                       });
}

WallTimer::WallTimer(boost::asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {
  int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create");
  impl_->fd.assign(fd);
}

WallTimer::~WallTimer() = default;

void WallTimer::Cancel() {
  ++impl_->generation;
  impl_->handler = nullptr;
  itimerspec off{};
  ::timerfd_settime(impl_->fd.native_handle(), 0, &off, nullptr);
  boost::system::error_code ignored;
  impl_->fd.cancel(ignored);
}

void WallTimer::ArmAt(std::optional<Instant> at, Handler handler) {
  Cancel();
  impl_->handler = std::move(handler);
  itimerspec spec{};
  if (at) {
    // An instant in the past still fires at once: 0 would disarm the timer.
    long long secs = at->time_since_epoch().count();
    spec.it_value.tv_sec = secs > 0 ? secs : 1;
  } else {
    // Far future: only TFD_TIMER_CANCEL_ON_SET will wake us.
    spec.it_value.tv_sec = static_cast<time_t>(1) << 40;
  }
  ::timerfd_settime(impl_->fd.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec,
                    nullptr);
  Wait();
}

}  // namespace plazo
