#include "dispatch/attempt_writer.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace plazo {

std::unique_ptr<AttemptWriter> AttemptWriter::Open(boost::asio::io_context& io,
                                                   const std::string& path, std::string* error) {
  std::unique_ptr<Ledger> ledger = Ledger::Open(path, error);
  if (!ledger) return nullptr;
  return std::unique_ptr<AttemptWriter>(new AttemptWriter(io, std::move(ledger)));
}

AttemptWriter::AttemptWriter(boost::asio::io_context& io, std::unique_ptr<Ledger> ledger)
    : io_(io), ledger_(std::move(ledger)), thread_([this] { Run(); }) {}

AttemptWriter::~AttemptWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AttemptWriter::Write(Attempts attempts, Instant now, Done done) {
  {
    std::lock_guard lock(mutex_);
    batch_ = std::move(attempts);
    now_ = now;
    done_ = std::move(done);
    has_batch_ = true;
  }
  wake_.notify_one();
}

void AttemptWriter::Run() {
  for (;;) {
    Attempts batch;
    Instant now;
    Done done;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || has_batch_; });
      if (stopping_) return;
      batch = std::move(batch_);
      now = now_;
      done = std::move(done_);
      has_batch_ = false;
    }
    std::string error;
    bool ok = ledger_->RecordAttempts(batch, now, &error);
    boost::asio::post(io_,
                      [done = std::move(done), ok, error = std::move(error)] { done(ok, error); });
  }
}

}  // namespace plazo
