// One daemon per state folder: `plazod run` holds an exclusive flock(2) on
// <state>/plazod.lock for its whole life, with its PID written in the file.
// A second daemon on the same folder would plan and send everything twice;
// it fails at once instead, naming the holder. The kernel drops the lock
// when the holder dies, kill -9 included, so a leftover file never blocks a
// restart. Read-only commands (status, plan) take no lock.
#ifndef PLAZO_DAEMON_STATE_LOCK_H_
#define PLAZO_DAEMON_STATE_LOCK_H_

#include <memory>
#include <string>

namespace plazo {

class StateLock {
 public:
  // Takes the lock of state_dir, which must exist. Returns nullptr with
  // *error set when another process holds it (naming its PID as written in
  // the file) or the lock file cannot be opened or locked.
  [[nodiscard]] static std::unique_ptr<StateLock> Acquire(const std::string& state_dir,
                                                          std::string* error);

  // Releases the lock; the file stays, for the next holder to reuse.
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  explicit StateLock(int fd) : fd_(fd) {}

  int fd_;
};

}  // namespace plazo

#endif  // PLAZO_DAEMON_STATE_LOCK_H_
