#include "notifiers/smtp_transport.h"

#include <algorithm>
#include <cstring>

#include <openssl/crypto.h>

#include "notifiers/email_message.h"
#include "notifiers/mailer.h"
#include "notifiers/secret.h"

namespace plazo {
namespace {

// Generous: a relay that takes longer than this for one message is stuck.
constexpr long kConnectTimeoutSeconds = 30;
constexpr long kTransferTimeoutSeconds = 120;

// url without "user:password@".
std::string WithoutUserInfo(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t host = scheme + 3;
  size_t end = url.find_first_of("/?#", host);
  size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < host) return url;
  return url.substr(0, host) + url.substr(at + 1);
}

}  // namespace

DeliveryResult ClassifySmtp(long smtp_code, CURLcode code) {
  DeliveryResult r;
  r.detail = "smtp: ";
  if (code == CURLE_OK) {
    r.outcome = DeliveryOutcome::kDelivered;
    r.detail += "accepted";
    if (smtp_code != 0) r.detail += " (" + std::to_string(smtp_code) + ")";
    return r;
  }
  r.detail += curl_easy_strerror(code);
  if (smtp_code != 0) r.detail += " (reply " + std::to_string(smtp_code) + ")";
  bool refused =
      smtp_code >= 500 && smtp_code < 600 &&
      (code == CURLE_SEND_ERROR || code == CURLE_WEIRD_SERVER_REPLY || code == CURLE_RECV_ERROR);
  bool unusable = code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL;
  r.outcome = refused || unusable ? DeliveryOutcome::kPermanent : DeliveryOutcome::kRetry;
  return r;
}

std::unique_ptr<SmtpTransport> SmtpTransport::Create(const EmailSettings& settings,
                                                     std::string* error) {
  std::unique_ptr<SmtpTransport> t(new SmtpTransport());
  t->url_ = settings.url;
  Mailbox from;
  if (!ParseMailbox(settings.from.empty() ? DefaultFrom() : settings.from, &from)) {
    *error = "[email] from is not an e-mail address";
    return nullptr;
  }
  t->envelope_from_ = "<" + from.address + ">";
  if (!settings.username.empty()) {
    std::string why;
    if (!LoadSecret(settings.password_file, settings.password_env, &t->password_, &why)) {
      *error = "[email] password: " + why;
      return nullptr;
    }
  }
  t->curl_ = NewCurlEasy();
  if (!t->curl_) {
    *error = "cannot set up libcurl";
    return nullptr;
  }
  CURL* c = t->curl_.get();
  curl_easy_setopt(c, CURLOPT_URL, settings.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // smtp:// upgrades with STARTTLS and refuses to go on in clear text
  // unless the admin said starttls = false; smtps:// is TLS throughout.
  bool implicit_tls = settings.url.rfind("smtps://", 0) == 0;
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   implicit_tls || settings.starttls ? static_cast<long>(CURLUSESSL_ALL)
                                                     : static_cast<long>(CURLUSESSL_NONE));
  if (!settings.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, t->password_.c_str());
  }
  if (!settings.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings.ca_file.c_str());
  if (settings.insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    t->warning_ =
        "[email] insecure_skip_verify = true: the certificate of " + WithoutUserInfo(settings.url) +
        " is not verified, so anyone on the network path can read the mail and the password";
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, t->envelope_from_.c_str());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &SmtpTransport::ReadMessage);
  curl_easy_setopt(c, CURLOPT_READDATA, t.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, kTransferTimeoutSeconds);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->error_buffer_);
  // The debug callback only keeps the server's replies, for error details;
  // what plazo sends (AUTH included) is never looked at.
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, &SmtpTransport::OnDebug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, t.get());
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  return t;
}

SmtpTransport::~SmtpTransport() {
  // Closing the handle sends QUIT on an open connection.
  curl_.reset();
  if (!password_.empty()) OPENSSL_cleanse(password_.data(), password_.size());
}

size_t SmtpTransport::ReadMessage(char* buffer, size_t size, size_t count, void* self) {
  auto* t = static_cast<SmtpTransport*>(self);
  size_t n = std::min(size * count, t->message_.size() - t->message_sent_);
  std::memcpy(buffer, t->message_.data() + t->message_sent_, n);
  t->message_sent_ += n;
  return n;
}

int SmtpTransport::OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* self) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto* t = static_cast<SmtpTransport*>(self);
  std::string_view reply(data, size);
  while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) reply.remove_suffix(1);
  if (reply.empty()) return 0;
  // After a refusal curl still says QUIT; keep the refusal, not the "221 Bye".
  if (reply.front() == '4' || reply.front() == '5') {
    t->error_reply_ = OneLineForLog(reply, 200);
  } else {
    t->last_reply_ = OneLineForLog(reply, 200);
  }
  return 0;
}

bool SmtpTransport::Prepare(const OutgoingEmail& mail, std::string* error) {
  Mailbox to;
  if (!ParseMailbox(mail.recipient, &to) || !to.name.empty()) {
    *error = "smtp: the recipient is not a plain e-mail address";
    return false;
  }
  CurlList recipients;
  if (!AppendToList(&recipients, "<" + to.address + ">")) {
    *error = "smtp: out of memory";
    return false;
  }
  recipients_ = std::move(recipients);
  message_ = mail.message;
  message_sent_ = 0;
  last_reply_.clear();
  error_reply_.clear();
  error_buffer_[0] = '\0';
  CURL* c = curl_.get();
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients_.get());
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message_.size()));
  return true;
}

DeliveryResult SmtpTransport::Finish(CURLcode code) {
  long smtp_code = 0;
  curl_easy_getinfo(curl_.get(), CURLINFO_RESPONSE_CODE, &smtp_code);
  DeliveryResult r = ClassifySmtp(smtp_code, code);
  if (code == CURLE_OK) {
    if (!last_reply_.empty()) r.detail = "smtp: accepted: " + last_reply_;
    return r;
  }
  if (error_buffer_[0] != '\0') r.detail = "smtp: " + OneLineForLog(error_buffer_, 200);
  if (!error_reply_.empty()) r.detail += "; server said \"" + error_reply_ + "\"";
  return r;
}

DeliveryResult SmtpTransport::Send(const OutgoingEmail& mail) {
  std::string error;
  if (!Prepare(mail, &error)) return {DeliveryOutcome::kPermanent, error};
  return Finish(curl_easy_perform(curl_.get()));
}

std::string SmtpTransport::Describe() const { return WithoutUserInfo(url_); }

}  // namespace plazo
