// The two real transports of the outbox sender (transport.h), both running
// their transfers on one TransferLoop, curl's multi interface on the event
// loop:
// - e-mail: to the SMTP relay of [email] over a pool of connections kept
//   open, or, without [email], into the outbox folder (a local write, done
//   in place: SPEC 5.2's embedded default);
// - webhooks: signed POSTs to each [webhook.NAME], a pool of kept-alive
//   connections per endpoint.
//
// Channels keeps them across reloads: the daemon does not reconfigure them
// for a store edit, the e-mail transport (and its open SMTP connections) is
// replaced only when the relay's settings or password change, and idle HTTP
// connections live in curl's multi handle, which outlives every reload.
#ifndef PLAZO_DISPATCH_CHANNELS_H_
#define PLAZO_DISPATCH_CHANNELS_H_

#include <memory>

#include "config/model.h"
#include "dispatch/transport.h"

namespace boost::asio {
class io_context;
}

namespace plazo {

class TransferLoop;
class WebhookChannel;

class Channels {
 public:
  explicit Channels(boost::asio::io_context& io);
  // Abandons transfers still running; their Done handlers are not called.
  ~Channels();
  Channels(const Channels&) = delete;
  Channels& operator=(const Channels&) = delete;

  // Sets the channels up for settings' [email], [daemon] state and
  // [webhook.*]. The e-mail transport is kept when the relay's settings and
  // password are the same as before; webhook secrets are read anew. Secrets
  // that cannot be read are not an error here: the first delivery reports
  // them.
  void Configure(const Settings& settings);

  std::shared_ptr<Transport> email() const { return email_; }
  std::shared_ptr<Transport> webhook() const;

  // Whether the last Configure kept the e-mail transport, for tests.
  bool kept_email() const { return kept_email_; }

 private:
  std::unique_ptr<TransferLoop> loop_;
  std::shared_ptr<Transport> email_;
  std::string email_fingerprint_;
  std::shared_ptr<WebhookChannel> webhook_;
  bool kept_email_ = false;
};

}  // namespace plazo

#endif  // PLAZO_DISPATCH_CHANNELS_H_
