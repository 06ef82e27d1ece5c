#include "notifiers/webhook_transport.h"

#include <algorithm>

#include <openssl/crypto.h>

#include "base/ids.h"
#include "notifiers/signing.h"

namespace plazo {
namespace {

// Enough of a refusal's body to say why, short enough for a log line.
constexpr size_t kResponseKept = 200;

}  // namespace

DeliveryResult ClassifyHttp(long http_status, CURLcode code) {
  DeliveryResult r;
  if (code != CURLE_OK) {
    r.detail = curl_easy_strerror(code);
    bool unusable = code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL;
    r.outcome = unusable ? DeliveryOutcome::kPermanent : DeliveryOutcome::kRetry;
    return r;
  }
  r.detail = "HTTP " + std::to_string(http_status);
  if (http_status >= 200 && http_status < 300) {
    r.outcome = DeliveryOutcome::kDelivered;
  } else if (http_status == 408 || http_status == 429 ||
             (http_status >= 500 && http_status < 600) || http_status == 0) {
    r.outcome = DeliveryOutcome::kRetry;
  } else {
    r.outcome = DeliveryOutcome::kPermanent;
  }
  return r;
}

std::unique_ptr<WebhookTransport> WebhookTransport::Create(const Webhook& hook,
                                                           std::string* error) {
  std::string key;
  if (!LoadWebhookKey(hook, &key, error)) return nullptr;
  return Create(hook, std::move(key), error);
}

std::unique_ptr<WebhookTransport> WebhookTransport::Create(const Webhook& hook, std::string key,
                                                           std::string* error) {
  std::unique_ptr<WebhookTransport> t(new WebhookTransport());
  t->curl_ = NewCurlEasy();
  if (!t->curl_) {
    *error = "cannot set up libcurl";
    return nullptr;
  }
  CURL* c = t->curl_.get();
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  // A signed POST is not replayed to wherever a redirect points.
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "plazo");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WebhookTransport::OnResponse);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->error_buffer_);
  t->Retarget(hook, std::move(key));
  return t;
}

void WebhookTransport::Retarget(const Webhook& hook, std::string key) {
  if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
  name_ = hook.name;
  key_ = std::move(key);
  CURL* c = curl_.get();
  curl_easy_setopt(c, CURLOPT_URL, hook.url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(hook.timeout).count()));
}

WebhookTransport::~WebhookTransport() {
  curl_.reset();
  if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
}

size_t WebhookTransport::OnResponse(char* data, size_t size, size_t count, void* self) {
  auto* t = static_cast<WebhookTransport*>(self);
  size_t n = size * count;
  if (t->response_.size() < kResponseKept) {
    t->response_.append(data, std::min(n, kResponseKept - t->response_.size()));
  }
  return n;
}

bool WebhookTransport::Prepare(std::string_view id, Instant timestamp, std::string body,
                               std::string* error) {
  if (!IsToken(id)) {
    *error = "webhook " + name_ + ": the delivery id must be letters, digits, '.', '_' and '-'";
    return false;
  }
  WebhookSignature s = SignWebhook(key_, id, timestamp, body);
  CurlList headers;
  bool ok = AppendToList(&headers, "Content-Type: application/json") &&
            AppendToList(&headers, "webhook-id: " + s.id) &&
            AppendToList(&headers, "webhook-timestamp: " + s.timestamp) &&
            AppendToList(&headers, "webhook-signature: " + s.signature) &&
            // No "Expect: 100-continue" round trip before larger bodies.
            AppendToList(&headers, "Expect:");
  if (!ok) {
    *error = "webhook " + name_ + ": out of memory";
    return false;
  }
  headers_ = std::move(headers);
  body_ = std::move(body);
  response_.clear();
  error_buffer_[0] = '\0';
  CURL* c = curl_.get();
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers_.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body_.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
  return true;
}

DeliveryResult WebhookTransport::Finish(CURLcode code) {
  long status = 0;
  curl_easy_getinfo(curl_.get(), CURLINFO_RESPONSE_CODE, &status);
  DeliveryResult r = ClassifyHttp(status, code);
  if (code != CURLE_OK && error_buffer_[0] != '\0') r.detail = OneLineForLog(error_buffer_, 200);
  if (code == CURLE_OK && !r.ok()) {
    std::string said = OneLineForLog(response_, kResponseKept);
    if (!said.empty()) r.detail += ": " + said;
  }
  r.detail = "webhook " + name_ + ": " + r.detail;
  return r;
}

DeliveryResult WebhookTransport::Send(std::string_view id, Instant timestamp, std::string body) {
  std::string error;
  if (!Prepare(id, timestamp, std::move(body), &error)) {
    return {DeliveryOutcome::kPermanent, error};
  }
  return Finish(curl_easy_perform(curl_.get()));
}

}  // namespace plazo
