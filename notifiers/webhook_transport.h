// Posting signed webhook payloads (SPEC 5.3) with libcurl: a JSON body,
// Content-Type: application/json, the three Standard Webhooks headers
// (signing.h), the endpoint's timeout, and a kept-alive connection.
//
// One WebhookTransport serves one endpoint ([webhook.NAME]) at a time
// (Retarget points it at another) and owns one curl easy handle, reused
// request after request so the connection (and its TLS session) stays
// open. The daemon's webhook channel (dispatch/channels.h) drives the
// handle: Prepare, add handle() to a curl multi, then Finish with the
// transfer's result; the blocking Send does the same with
// curl_easy_perform, for `plazod send-test` and tests. This header includes curl.h: include it
// only where transfers are driven.
#ifndef PLAZO_NOTIFIERS_WEBHOOK_TRANSPORT_H_
#define PLAZO_NOTIFIERS_WEBHOOK_TRANSPORT_H_

#include <memory>
#include <string>
#include <string_view>

#include "config/model.h"
#include "notifiers/curl_handle.h"
#include "notifiers/delivery_result.h"
#include "notifiers/signing.h"

namespace plazo {

// The outcome of an HTTP delivery that ended with code and, when a response
// came, http_status (0 otherwise), as SPEC 5.3 rules: 2xx is delivered;
// 408, 429, 5xx, timeouts and connection errors (refused, reset, closed
// without a response, TLS failures) are retried; any other status (other
// 4xx, and 3xx since redirects are not followed for a signed POST) is
// permanent, and so is a URL curl cannot use. A pure function.
[[nodiscard]] DeliveryResult ClassifyHttp(long http_status, CURLcode code);

class WebhookTransport {
 public:
  // Loads hook's secrets (signing.h) and sets up a handle for its URL.
  // Returns nullptr with *error set when the secret cannot be read or is
  // malformed, or libcurl cannot be set up; *error never holds the secret.
  [[nodiscard]] static std::unique_ptr<WebhookTransport> Create(const Webhook& hook, std::string* error);

  // Create with hook's keys already loaded (LoadWebhookKeys): the daemon
  // reads each secret once per configuration, not once per transfer.
  [[nodiscard]] static std::unique_ptr<WebhookTransport> Create(const Webhook& hook,
                                                                WebhookKeys keys,
                                                                std::string* error);

  // Points this transport, between transfers, at another endpoint with its
  // keys: one pool of handles (and curl's connection cache behind them)
  // serves any number of endpoints.
  void Retarget(const Webhook& hook, WebhookKeys keys);

  ~WebhookTransport();
  WebhookTransport(const WebhookTransport&) = delete;
  WebhookTransport& operator=(const WebhookTransport&) = delete;

  const std::string& name() const { return name_; }

  // Sets the handle up to POST body as delivery id, signed at timestamp
  // (the time of this attempt: Standard Webhooks receivers reject stale
  // timestamps, so retries are signed anew with the same id). The body is
  // kept by the transport. Returns false with *error set when id is not a
  // token of letters, digits, '.', '_' and '-' (nothing is prepared then).
  // Call only between transfers.
  [[nodiscard]] bool Prepare(std::string_view id, Instant timestamp, std::string body, std::string* error);

  // The easy handle, for a curl multi; owned by this transport, which must
  // outlive the transfer.
  CURL* handle() const { return curl_.get(); }

  // The outcome of the transfer Prepare set up, which ended with code
  // (ClassifyHttp), its detail completed with the start of the response
  // body when the receiver refused.
  [[nodiscard]] DeliveryResult Finish(CURLcode code);

  // Prepare, curl_easy_perform, Finish; an id Prepare refuses is permanent.
  [[nodiscard]] DeliveryResult Send(std::string_view id, Instant timestamp, std::string body);

 private:
  WebhookTransport() = default;

  static size_t OnResponse(char* data, size_t size, size_t count, void* self);

  // Wipes keys_ from memory.
  void ForgetKeys();

  std::string name_;
  std::string url_;  // what curl posts to: the endpoint's url, completed per format
  WebhookKeys keys_;
  CurlEasy curl_;
  CurlList headers_;
  std::string body_;
  std::string response_;  // the first bytes of the response body
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_WEBHOOK_TRANSPORT_H_
