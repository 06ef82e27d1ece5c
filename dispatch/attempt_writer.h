// Commits the outcomes of delivery attempts (Ledger::RecordAttempts) on a
// thread of its own, over its own connection to the ledger, so that the
// event loop goes on sending while SQLite writes and syncs. With 10,000
// webhooks due at once, recording their attempts is a quarter of the
// daemon's work; the machine has two cores.
//
// One batch is written at a time, in the order given. The ledger's SQLite
// locking (WAL, busy timeout) keeps this connection and the event loop's
// consistent.
#ifndef PLAZO_DISPATCH_ATTEMPT_WRITER_H_
#define PLAZO_DISPATCH_ATTEMPT_WRITER_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ledger/ledger.h"

namespace boost::asio {
class io_context;
}

namespace plazo {

class AttemptWriter {
 public:
  using Attempts = std::vector<std::pair<std::string, AttemptResult>>;
  // Runs on the io_context once a batch is committed, or failed: error is
  // then set and nothing of the batch was written.
  using Done = std::function<void(bool ok, const std::string& error)>;

  // Opens a second connection to the ledger at path (which Ledger::Open has
  // already created and migrated) and starts the thread. Returns nullptr
  // with *error set when the ledger cannot be opened.
  [[nodiscard]] static std::unique_ptr<AttemptWriter> Open(boost::asio::io_context& io,
                                                           const std::string& path,
                                                           std::string* error);

  // Finishes the batch being written, if any, then stops the thread; a
  // batch not yet started is dropped (its entries stay pending).
  ~AttemptWriter();
  AttemptWriter(const AttemptWriter&) = delete;
  AttemptWriter& operator=(const AttemptWriter&) = delete;

  // Commits attempts at now on the thread, then posts done to the
  // io_context. Call again only after done has run.
  void Write(Attempts attempts, Instant now, Done done);

 private:
  AttemptWriter(boost::asio::io_context& io, std::unique_ptr<Ledger> ledger);
  void Run();

  boost::asio::io_context& io_;
  std::unique_ptr<Ledger> ledger_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool has_batch_ = false;
  Attempts batch_;
  Instant now_{};
  Done done_;
  std::thread thread_;  // last: started once everything above is set
};

}  // namespace plazo

#endif  // PLAZO_DISPATCH_ATTEMPT_WRITER_H_
