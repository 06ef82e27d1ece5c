// One wake-up at an absolute wall-clock instant that also fires, early, when
// the wall clock is set (an NTP step, a manual change): a timerfd on
// CLOCK_REALTIME with TFD_TIMER_CANCEL_ON_SET, waited on through Asio. This
// is how the daemon sleeps without polling and still notices clock changes.
#ifndef PLAZO_DAEMON_WALL_TIMER_H_
#define PLAZO_DAEMON_WALL_TIMER_H_

#include <functional>
#include <memory>
#include <optional>

#include "config/model.h"

namespace boost::asio {
class io_context;
}

namespace plazo {

class WallTimer {
 public:
  enum class Wake { kDue, kClockChanged };
  using Handler = std::function<void(Wake)>;

  // Creates the timerfd. Throws std::system_error if the kernel refuses
  // (never expected on Linux >= 3.0; this is start-up, not the event loop).
  explicit WallTimer(boost::asio::io_context& io);
  ~WallTimer();
  WallTimer(const WallTimer&) = delete;
  WallTimer& operator=(const WallTimer&) = delete;

  // Arms the timer for at (or only for clock changes, when at is nullopt),
  // replacing any earlier arming; handler runs once, on the io_context, when
  // at is reached (kDue) or the clock is set (kClockChanged).
  void ArmAt(std::optional<Instant> at, Handler handler);
  void Cancel();

 private:
  void Wait();

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plazo

#endif  // PLAZO_DAEMON_WALL_TIMER_H_
