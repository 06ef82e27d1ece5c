// Sending finished messages (email_message.h) to the SMTP relay of [email]
// with libcurl: smtp:// with STARTTLS required unless starttls = false,
// smtps:// with TLS from the first byte, AUTH with the configured username
// and the password from password_file or password_env, certificates checked
// against ca_file (or the system's) unless insecure_skip_verify = true.
//
// curl uploads the message bytes as they are (CURLOPT_UPLOAD with a read
// callback) rather than composing them with its MIME API: see
// email_message.h for why the bytes are built by plazo.
//
// One SmtpTransport owns one curl easy handle and reuses it, and with it the
// SMTP connection (TLS and AUTH done once), for message after message. The
// daemon's e-mail channel (dispatch/channels.h) drives the handle itself:
// Prepare, add handle() to a curl multi, and call Finish with the
// transfer's result; the blocking Send does the same with
// curl_easy_perform, for `plazod send-test` and tests. This header includes
// curl.h: include it only where transfers are driven.
#ifndef PLAZO_NOTIFIERS_SMTP_TRANSPORT_H_
#define PLAZO_NOTIFIERS_SMTP_TRANSPORT_H_

#include <memory>
#include <string>

#include "config/model.h"
#include "notifiers/curl_handle.h"
#include "notifiers/mailer.h"

namespace plazo {

// The outcome of an SMTP transfer that ended with code after the server's
// last reply code smtp_code (0 when there was none). 5xx replies to MAIL,
// RCPT or DATA are permanent (RFC 5321: the message or address is refused);
// a refused login, TLS and certificate problems, 4xx replies, timeouts and
// connection errors are retried, since an admin or the network can fix them.
[[nodiscard]] DeliveryResult ClassifySmtp(long smtp_code, CURLcode code);

class SmtpTransport : public Mailer {
 public:
  // Reads the password (secret.h), checks the sender and sets up a handle
  // for settings. Returns nullptr with *error set when the password cannot
  // be read, from is not a mailbox, or libcurl cannot be set up; *error
  // never holds the password.
  [[nodiscard]] static std::unique_ptr<SmtpTransport> Create(const EmailSettings& settings, std::string* error);

  ~SmtpTransport() override;
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  // Non-empty when certificate verification is off (insecure_skip_verify):
  // a sentence for the caller to log as a warning.
  const std::string& warning() const { return warning_; }

  // Sets the handle up to send mail.message from [email] from's address to
  // mail.recipient. The bytes are copied. Returns false with *error set
  // when the recipient is not a plain address (nothing is prepared then).
  // Call only between transfers.
  [[nodiscard]] bool Prepare(const OutgoingEmail& mail, std::string* error);

  // The easy handle, for a curl multi; owned by this transport, which must
  // outlive the transfer.
  CURL* handle() const { return curl_.get(); }

  // The outcome of the transfer Prepare set up, which ended with code: the
  // detail names curl's error and the server's last reply.
  [[nodiscard]] DeliveryResult Finish(CURLcode code);

  // Prepare, curl_easy_perform, Finish.
  [[nodiscard]] DeliveryResult Send(const OutgoingEmail& mail) override;

  // The relay's URL, without any user or password in it.
  std::string Describe() const override;

 private:
  SmtpTransport() = default;

  static size_t ReadMessage(char* buffer, size_t size, size_t count, void* self);
  static int OnDebug(CURL* handle, curl_infotype type, char* data, size_t size, void* self);

  std::string url_;
  std::string password_;
  std::string envelope_from_;
  std::string warning_;
  CurlEasy curl_;
  CurlList recipients_;
  std::string message_;
  size_t message_sent_ = 0;
  std::string last_reply_;   // the server's last positive reply line
  std::string error_reply_;  // its last refusal (4xx or 5xx) in this transfer
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_SMTP_TRANSPORT_H_
