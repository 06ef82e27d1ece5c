// The daemon's read-only HTTP endpoint ([http] listen), served on its Asio
// event loop with Boost.Beast. It serves what a handler computes from the
// daemon's state and nothing from the file system, so there is no path to
// traverse; every request is bounded (8 KiB of headers, no body, 10 s to
// arrive, at most 100 per connection, 128 connections at once), and only GET
// and HEAD are answered, so a slow or hostile client cannot hold the
// scheduler.
#ifndef PLAZO_DAEMON_HTTP_LISTENER_H_
#define PLAZO_DAEMON_HTTP_LISTENER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace plazo {

struct HttpRequest {
  std::string method;  // "GET", "HEAD" or "POST"
  std::string path;    // the target before '?', percent-decoded
  std::map<std::string, std::string> query;  // decoded; a repeated name keeps the last
  // POST bodies of type application/x-www-form-urlencoded, decoded ('+' is a space); a repeated name keeps the last
  std::map<std::string, std::string> form;
  // The client's address as text ("127.0.0.1", "::1"). Behind a reverse proxy on loopback: the address the proxy
  // put in X-Forwarded-For (its last element), with `proxied` set.
  std::string client;
  bool proxied = false;  // the TCP peer is a loopback proxy that sent X-Forwarded-For
  // True when the TCP peer is a loopback address and the request was not proxied: a local admin.
  bool local = false;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Content-Security-Policy, Allow
};

class HttpListener {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Listens on host:port (port 0: any free port, see port()) and answers
  // with handler, run on the io_context. Returns nullptr with *error set
  // when the address cannot be bound.
  [[nodiscard]] static std::unique_ptr<HttpListener> Start(boost::asio::io_context& io, const std::string& host,
                                             uint16_t port, Handler handler, std::string* error);
  // Stops listening and closes every connection.
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  uint16_t port() const;

 private:
  struct Impl;
  explicit HttpListener(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace plazo

#endif  // PLAZO_DAEMON_HTTP_LISTENER_H_
