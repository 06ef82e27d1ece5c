#include "daemon/http_listener.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "base/text.h"
#include "base/url_form.h"

namespace plazo {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kHeaderLimit = 8 * 1024;
constexpr size_t kBodyLimit = 16 * 1024;
constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);
constexpr int kRequestsPerConnection = 100;
constexpr size_t kMaxConnections = 512;
constexpr int kMaxPerClient = 32;
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

// "application/x-www-form-urlencoded; charset=UTF-8" is a form; media types
// compare without case.
bool IsForm(std::string_view content_type) {
  std::string_view type = Trim(content_type.substr(0, content_type.find(';')));
  return type.size() == kFormType.size() &&
         std::equal(type.begin(), type.end(), kFormType.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

struct HttpListener::Impl : std::enable_shared_from_this<HttpListener::Impl> {
  Impl(asio::io_context& io_context, Handler h)
      : io(io_context), acceptor(io_context), retry(io_context), handler(std::move(h)) {}

  // One connection: read a request, answer it, repeat while kept alive.
  struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket socket, std::shared_ptr<Impl> owner, tcp::endpoint remote)
        : stream(std::move(socket)), impl(std::move(owner)), peer(remote.address()) {}

    beast::tcp_stream stream;
    std::shared_ptr<Impl> impl;
    asio::ip::address peer;
    beast::flat_buffer buffer{kHeaderLimit + kBodyLimit};
    std::optional<http::request_parser<http::string_body>> parser;
    http::response<http::string_body> response;
    http::response<http::empty_body> interim;
    int served = 0;
    // Waiting for a request that has not fully arrived: such a connection
    // costs the client nothing, so it is the first to go at the cap.
    bool waiting = false;
    Clock::time_point waiting_since;
    bool closed = false;

    void Read() {
      parser.emplace();
      parser->header_limit(kHeaderLimit);
      parser->body_limit(kBodyLimit);
      waiting = true;
      waiting_since = Clock::now();
      stream.expires_after(kRequestTimeout);
      http::async_read_header(
          stream, buffer, *parser,
          [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
    }

    // Errors of a read: the end of the connection, or an answer saying
    // what was wrong with the request, after which the connection closes.
    void Fail(beast::error_code ec) {
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
          ec == asio::error::eof) {
        return Close();
      }
      int status = ec == http::error::header_limit ? 431
                   : ec == http::error::body_limit ? 413
                                                   : 400;
      Reply(status, "text/plain; charset=utf-8", std::string(ec.message()) + "\n", false);
    }

    void OnHeader(beast::error_code ec) {
      if (ec) return Fail(ec);
      const auto& req = parser->get();
      auto method = req.method();
      if (method != http::verb::get && method != http::verb::head && method != http::verb::post) {
        response = {};
        response.set(http::field::allow, "GET, HEAD, POST");
        return Reply(405, "text/plain; charset=utf-8", "only GET, HEAD and POST\n", false, false);
      }
      // A body, if any, is a form: nothing here reads JSON or uploads.
      if (!parser->is_done() && !IsForm(View(req[http::field::content_type]))) {
        return Reply(415, "text/plain; charset=utf-8",
                     "a body is application/x-www-form-urlencoded\n", false);
      }
      auto length = parser->content_length();
      if (length && *length > kBodyLimit) {
        return Reply(413, "text/plain; charset=utf-8", "a body is at most 16 KiB\n", false);
      }
      if (parser->is_done()) return Handle();
      if (View(req[http::field::expect]) == "100-continue") {
        interim = {http::status::continue_, 11};
        return http::async_write(stream, interim,
                                 [self = shared_from_this()](beast::error_code e, size_t) {
                                   if (e) return self->Close();
                                   self->ReadBody();
                                 });
      }
      ReadBody();
    }

    void ReadBody() {
      http::async_read(stream, buffer, *parser,
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->Fail(ec);
                         self->Handle();
                       });
    }

    // Who asked: the peer, or the client a loopback proxy names.
    void Identify(const http::request<http::string_body>& req, HttpRequest* r) const {
      r->client = peer.to_string();
      r->local = peer.is_loopback();
      auto forwarded = req.find("X-Forwarded-For");
      if (!peer.is_loopback() || forwarded == req.end()) return;
      std::string_view list = View(forwarded->value());
      size_t comma = list.rfind(',');
      std::string_view last = Trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
      beast::error_code ec;
      auto address = asio::ip::make_address(std::string(last), ec);
      r->client = ec ? "unknown" : address.to_string();
      r->proxied = true;
      r->local = false;
    }

    void Handle() {
      waiting = false;
      const auto& req = parser->get();
      bool keep = req.keep_alive() && ++served < kRequestsPerConnection;
      std::string_view target = View(req.target());
      size_t q = target.find('?');
      HttpRequest request;
      request.method = std::string(View(req.method_string()));
      request.path = PercentDecode(target.substr(0, q), false);
      if (q != std::string_view::npos) request.query = ParseFormFields(target.substr(q + 1));
      if (req.method() == http::verb::post) request.form = ParseFormFields(req.body());
      Identify(req, &request);
      request.authorization = std::string(View(req[http::field::authorization]));
      HttpResponse answer;
      try {
        answer = impl->handler(request);
      } catch (const std::exception&) {
        answer = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n", {}};
      }
      response = {};
      for (auto& [name, value] : answer.headers) response.set(name, value);
      bool head = req.method() == http::verb::head;
      Reply(answer.status, answer.content_type, head ? std::string() : std::move(answer.body), keep,
            false, head ? answer.body.size() : std::optional<size_t>());
    }

    void Reply(int status, const std::string& type, std::string body, bool keep, bool fresh = true,
               std::optional<size_t> head_length = std::nullopt) {
      waiting = false;
      if (fresh) response = {};
      response.version(11);
      response.result(static_cast<unsigned>(status));
      response.set(http::field::server, "plazod");
      response.set(http::field::content_type, type);
      response.set(http::field::cache_control, "no-store");
      response.set("X-Content-Type-Options", "nosniff");
      response.set("Referrer-Policy", "no-referrer");
      response.keep_alive(keep);
      response.body() = std::move(body);
      response.prepare_payload();
      if (head_length) response.content_length(*head_length);
      stream.expires_after(kRequestTimeout);
      http::async_write(stream, response,
                        [self = shared_from_this(), keep](beast::error_code ec, size_t) {
                          if (ec || !keep) return self->Close();
                          self->Read();
                        });
    }

    void Close() {
      if (closed) return;
      closed = true;
      waiting = false;
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.close();
      impl->Forget(this);
    }
  };

  void Accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
          ec == asio::error::no_memory) {
        // Out of descriptors: the pending connection stays in the backlog
        // and accepting again at once would spin. Free one and wait.
        self->EvictOne();
        self->retry.expires_after(kAcceptRetry);
        self->retry.async_wait([self](beast::error_code e) {
          if (!e && self->acceptor.is_open()) self->Accept();
        });
        return;
      }
      if (!ec) self->Admit(std::move(socket));
      self->Accept();
    });
  }

  void Admit(tcp::socket socket) {
    beast::error_code ec;
    tcp::endpoint remote = socket.remote_endpoint(ec);
    if (ec) return;
    auto it = per_client.find(remote.address());
    bool full = it != per_client.end() && it->second >= kMaxPerClient;
    if (full || (sessions.size() >= kMaxConnections && !EvictOne())) {
      socket.close(ec);  // shed load rather than queue it
      return;
    }
    ++per_client[remote.address()];
    auto session = std::make_shared<Session>(std::move(socket), shared_from_this(), remote);
    sessions.insert(session.get());
    session->Read();
  }

  // Closes the connection that has waited longest for a request; false when
  // every connection is busy with one.
  bool EvictOne() {
    Session* oldest = nullptr;
    for (Session* s : sessions) {
      if (s->waiting && (oldest == nullptr || s->waiting_since < oldest->waiting_since)) oldest = s;
    }
    if (oldest == nullptr) return false;
    oldest->Close();
    return true;
  }

  void Forget(Session* s) {
    if (sessions.erase(s) == 0) return;
    auto it = per_client.find(s->peer);
    if (it != per_client.end() && --it->second <= 0) per_client.erase(it);
  }

  asio::io_context& io;
  tcp::acceptor acceptor;
  asio::steady_timer retry;
  Handler handler;
  std::set<Session*> sessions;  // open connections, to close on shutdown
  std::map<asio::ip::address, int> per_client;
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
  impl_->retry.cancel();
  for (auto* session : std::set<Impl::Session*>(impl_->sessions)) session->Close();
}

uint16_t HttpListener::port() const { return impl_->acceptor.local_endpoint().port(); }

size_t HttpListener::connections() const { return impl_->sessions.size(); }

}  // namespace plazo
