#include "daemon/http_listener.h"

#include <set>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace plazo {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kHeaderLimit = 8 * 1024;
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr int kRequestsPerConnection = 100;
constexpr size_t kMaxConnections = 128;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding ('+' as space in queries); invalid escapes stay as written.
std::string Decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

HttpRequest ParseTarget(std::string_view method, std::string_view target) {
  HttpRequest r;
  r.method = std::string(method);
  size_t q = target.find('?');
  r.path = Decode(target.substr(0, q), false);
  if (q == std::string_view::npos) return r;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    std::string name = Decode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : Decode(pair.substr(eq + 1), true);
    if (!name.empty()) r.query[name] = value;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return r;
}

}  // namespace

struct HttpListener::Impl : std::enable_shared_from_this<HttpListener::Impl> {
  Impl(asio::io_context& io_context, Handler h) : io(io_context), acceptor(io_context), handler(std::move(h)) {}

  // One connection: read a request, answer it, repeat while kept alive.
  struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket socket, std::shared_ptr<Impl> owner)
        : stream(std::move(socket)), impl(std::move(owner)) {}

    beast::tcp_stream stream;
    std::shared_ptr<Impl> impl;
    beast::flat_buffer buffer{kHeaderLimit};
    std::optional<http::request_parser<http::empty_body>> parser;
    http::response<http::string_body> response;
    int served = 0;

    void Read() {
      parser.emplace();
      parser->header_limit(kHeaderLimit);
      parser->body_limit(0);
      stream.expires_after(kRequestTimeout);
      http::async_read(stream, buffer, *parser,
                       [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
    }

    void OnRead(beast::error_code ec) {
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::operation_aborted) {
        return Close();
      }
      if (ec) {
        int status = ec == http::error::header_limit ? 431
                     : ec == http::error::body_limit ? 413
                                                    : 400;
        return Reply(status, "text/plain; charset=utf-8", std::string(ec.message()) + "\n", false);
      }
      const auto& req = parser->get();
      bool keep = req.keep_alive() && ++served < kRequestsPerConnection;
      if (req.method() != http::verb::get && req.method() != http::verb::head) {
        response = {};
        response.set(http::field::allow, "GET, HEAD");
        return Reply(405, "text/plain; charset=utf-8", "only GET and HEAD\n", keep, false);
      }
      HttpRequest request = ParseTarget(req.method_string(), req.target());
      beast::error_code peer_ec;
      auto peer = stream.socket().remote_endpoint(peer_ec);
      if (!peer_ec) {
        request.client = peer.address().to_string();
        request.local = peer.address().is_loopback();
      }
      HttpResponse answer;
      try {
        answer = impl->handler(request);
      } catch (const std::exception& e) {
        answer = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n", {}};
      }
      bool head = req.method() == http::verb::head;
      Reply(answer.status, answer.content_type, head ? std::string() : std::move(answer.body), keep,
            true, head ? answer.body.size() : std::optional<size_t>());
    }

    void Reply(int status, const std::string& type, std::string body, bool keep,
               bool fresh = true, std::optional<size_t> head_length = std::nullopt) {
      if (fresh) response = {};
      response.version(11);
      response.result(static_cast<unsigned>(status));
      response.set(http::field::server, "plazod");
      response.set(http::field::content_type, type);
      response.set(http::field::cache_control, "no-store");
      response.keep_alive(keep);
      response.body() = std::move(body);
      response.prepare_payload();
      if (head_length) response.content_length(*head_length);
      stream.expires_after(kRequestTimeout);
      http::async_write(stream, response, [self = shared_from_this(), keep](beast::error_code ec, size_t) {
        if (ec || !keep) return self->Close();
        self->Read();
      });
    }

    void Close() {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.close();
      impl->sessions.erase(this);
    }
  };

  void Accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (!ec) {
        if (self->sessions.size() >= kMaxConnections) {
          beast::error_code ignored;
          socket.close(ignored);  // full: shed load rather than queue it
        } else {
          auto session = std::make_shared<Session>(std::move(socket), self);
          self->sessions.insert(session.get());
          session->Read();
        }
      }
      self->Accept();
    });
  }

  asio::io_context& io;
  tcp::acceptor acceptor;
  Handler handler;
  std::set<Session*> sessions;  // open connections, to close on shutdown
};

HttpListener::HttpListener(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<HttpListener> HttpListener::Start(asio::io_context& io, const std::string& host,
                                                  uint16_t port, Handler handler,
                                                  std::string* error) {
  auto impl = std::make_shared<Impl>(io, std::move(handler));
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    *error = "[http] listen: bad address " + host + ": " + ec.message();
    return nullptr;
  }
  tcp::endpoint endpoint(address, port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    *error = "[http] cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message();
    return nullptr;
  }
  impl->Accept();
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(impl)));
}

HttpListener::~HttpListener() {
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  for (auto* session : std::set<Impl::Session*>(impl_->sessions)) {
    session->stream.socket().close(ignored);
  }
}

uint16_t HttpListener::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace plazo
