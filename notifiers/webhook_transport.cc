#include "notifiers/webhook_transport.h"

#include <algorithm>

#include <openssl/crypto.h>

#include "base/ids.h"

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
  WebhookKeys keys;
  if (!LoadWebhookKeys(hook, &keys, error)) return nullptr;
  return Create(hook, std::move(keys), error);
}

std::unique_ptr<WebhookTransport> WebhookTransport::Create(const Webhook& hook, WebhookKeys keys,
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
  t->Retarget(hook, std::move(keys));
  return t;
}

void WebhookTransport::ForgetKeys() {
  for (std::string& key : keys_) OPENSSL_cleanse(key.data(), key.size());
  keys_.clear();
}

void WebhookTransport::Retarget(const Webhook& hook, WebhookKeys keys) {
  ForgetKeys();
  name_ = hook.name;
  keys_ = std::move(keys);
  url_ = hook.url;
  // Google Chat threads by the body's threadKey only when the URL asks it
  // to (else every message starts a thread): ask, unless the admin chose.
  if (hook.format == WebhookFormat::kGoogleChat &&
      url_.find("messageReplyOption=") == std::string::npos) {
    url_ += url_.find('?') == std::string::npos ? '?' : '&';
    url_ += "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD";
  }
  CURL* c = curl_.get();
  curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(hook.timeout).count()));
}

WebhookTransport::~WebhookTransport() {
  curl_.reset();
  ForgetKeys();
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
  if (keys_.empty()) {
    *error = "webhook " + name_ + ": no key to sign with";
    return false;
  }
  WebhookSignature s = SignWebhook(keys_, id, timestamp, body);
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
  if (code == CURLE_OK && (status == 429 || status == 503)) {
    // curl reads both forms of Retry-After: seconds, or an HTTP date
    // (then the seconds from now to it).
    curl_off_t seconds = 0;
    if (curl_easy_getinfo(curl_.get(), CURLINFO_RETRY_AFTER, &seconds) == CURLE_OK && seconds > 0) {
      r.retry_after = std::chrono::seconds(seconds);
      r.detail += " (Retry-After: " + std::to_string(seconds) + "s)";
    }
  }
  if (code == CURLE_OK && status == 410) {
    r.gone = true;
    r.detail = "HTTP 410 Gone";
  }
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
