// Runs many libcurl transfers at once on the daemon's Asio event loop: a
// curl multi handle whose sockets and timeout are waited on by Asio (the
// CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION interface), so there is
// no thread per request and nothing blocks the loop.
#ifndef PLAZO_NOTIFIERS_TRANSFER_LOOP_H_
#define PLAZO_NOTIFIERS_TRANSFER_LOOP_H_

#include <cstddef>
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

typedef void CURL;  // as curl/curl.h declares it

namespace plazo {

class TransferLoop {
 public:
  // done receives the transfer's CURLcode (as an int, to keep curl.h out of
  // this header) and, for HTTP, the response code (0 otherwise).
  using Done = std::function<void(int curl_code, long response_code)>;

  explicit TransferLoop(boost::asio::io_context& io);
  // Abandons transfers still running; their Done handlers are not called.
  ~TransferLoop();
  TransferLoop(const TransferLoop&) = delete;
  TransferLoop& operator=(const TransferLoop&) = delete;

  // Starts easy, fully configured by the caller, who keeps ownership (and
  // must keep it and everything it points to alive until done runs). done
  // runs once, on the io_context, after the handle has been removed from the
  // loop, so it may clean up or reuse the handle. Returns false (done not
  // called) when curl refuses the handle.
  [[nodiscard]] bool Start(CURL* easy, Done done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_TRANSFER_LOOP_H_
