// The daemon's HTTP endpoint ([http] listen), served on its Asio event loop
// with Boost.Beast. It serves what a handler computes from the daemon's state
// and nothing from the file system, so there is no path to traverse.
//
// It faces officers' browsers (through a reverse proxy) and whatever else
// reaches the port, so a slow or hostile client must not hold the scheduler
// or starve the admin's probes:
// - GET, HEAD and POST only (405 with Allow otherwise); a POST body is at
//   most 16 KiB (413) of application/x-www-form-urlencoded (415);
// - 8 KiB of headers (431); each request must arrive within 5 s of the
//   connection waiting for it, which also ends idle keep-alive connections;
// - at most 32 connections per client address and 512 in all; at the cap a
//   new connection evicts the one that has waited longest without sending a
//   complete request; when the process runs out of file descriptors it
//   evicts one and retries accepting after 100 ms instead of spinning;
// - X-Forwarded-For is believed only from a loopback peer (the reverse
//   proxy), whose last element is the client.
// Every answer carries X-Content-Type-Options: nosniff, Referrer-Policy:
// no-referrer and Cache-Control: no-store, besides the handler's headers.
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
  std::string method;                        // "GET", "HEAD" or "POST"
  std::string path;                          // the target before '?', percent-decoded
  std::map<std::string, std::string> query;  // decoded; a repeated name keeps the last
  // POST bodies of type application/x-www-form-urlencoded, decoded ('+' is a space); a repeated
  // name keeps the last
  std::map<std::string, std::string> form;
  // The client's address as text ("127.0.0.1", "::1"). Behind a reverse proxy on loopback: the
  // address the proxy put in X-Forwarded-For (its last element), with `proxied` set.
  std::string client;
  bool proxied = false;  // the TCP peer is a loopback proxy that sent X-Forwarded-For
  // True when the TCP peer is a loopback address and the request was not proxied: a local admin.
  bool local = false;
  std::string authorization;  // the Authorization header, empty when absent
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>>
      headers;  // extra headers, e.g. Content-Security-Policy, Allow
};

class HttpListener {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Listens on host:port (port 0: any free port, see port()) and answers
  // with handler, run on the io_context. Returns nullptr with *error set
  // when the address cannot be bound.
  [[nodiscard]] static std::unique_ptr<HttpListener> Start(boost::asio::io_context& io,
                                                           const std::string& host, uint16_t port,
                                                           Handler handler, std::string* error);
  // Stops listening and closes every connection.
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  uint16_t port() const;
  // Open connections, for tests of the limits.
  size_t connections() const;

 private:
  struct Impl;
  explicit HttpListener(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace plazo

#endif  // PLAZO_DAEMON_HTTP_LISTENER_H_
