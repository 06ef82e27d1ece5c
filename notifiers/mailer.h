// Where e-mail goes: an SMTP relay ([email], smtp_transport.h) or, without
// one, the outbox folder under [daemon] state (outbox_folder.h), the
// embedded default of SPEC 5.2. Both take the same finished message bytes
// (email_message.h) so the choice is made once, by MakeMailer, and the
// senders never care which one they hold.
#ifndef PLAZO_NOTIFIERS_MAILER_H_
#define PLAZO_NOTIFIERS_MAILER_H_

#include <memory>
#include <string>

#include "config/model.h"
#include "notifiers/delivery_result.h"

namespace plazo {

// One finished message for one recipient.
struct OutgoingEmail {
  std::string id;         // the delivery id, as in the message's Message-ID
  std::string recipient;  // the envelope recipient: one plain address
  std::string message;    // the RFC 5322 bytes (BuildEmailMessage)
};

// Delivers finished messages. Not thread-safe: one Mailer per thread.
class Mailer {
 public:
  virtual ~Mailer() = default;

  // Delivers mail, blocking until it is accepted or has failed, and says
  // which (delivery_result.h). Sending the same id again is safe: the outbox
  // folder keeps one file per id, and an SMTP relay receives the same bytes
  // with the same Message-ID.
  virtual DeliveryResult Send(const OutgoingEmail& mail) = 0;

  // Where mail goes, for logs: "smtp://mail.example.gob.cl:587" or
  // "outbox folder /var/lib/plazo/outbox". Never holds a secret.
  virtual std::string Describe() const = 0;
};

// The From when settings name none: "plazo <plazo@HOST>", HOST the
// machine's fully qualified name as the resolver gives it (the hostname
// when it has no other, "localhost" when it has none), lower case. A
// relay's SPF/DMARC rules may still want [email] from: this is a
// reasonable default, not a verified sender.
std::string DefaultFrom();

// The From header for settings: [email] from, else DefaultFrom().
std::string SenderFor(const Settings& settings);

// The mailer settings ask for: SMTP when [email] is present, else the
// outbox folder under [daemon] state. Returns nullptr with *error set when
// the SMTP password cannot be read (the error never holds it). Sets
// *warning, for the caller to log, when settings turn off TLS certificate
// verification; clears it otherwise.
[[nodiscard]] std::unique_ptr<Mailer> MakeMailer(const Settings& settings, std::string* warning,
                                   std::string* error);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_MAILER_H_
