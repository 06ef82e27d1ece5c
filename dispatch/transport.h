// The seam between the outbox sender and the network (ninja's CommandRunner
// is the model): a Transport starts the delivery of one composed message and
// reports its outcome later. The two real ones are in channels.h (e-mail and
// webhooks over curl on the event loop); tests use a fake that answers when
// told to.
#ifndef PLAZO_DISPATCH_TRANSPORT_H_
#define PLAZO_DISPATCH_TRANSPORT_H_

#include <functional>
#include <string>
#include <string_view>

#include "config/model.h"
#include "notifiers/delivery_result.h"

namespace plazo {

// One composed message on its way to one destination.
struct Outgoing {
  std::string id;           // the notification id: webhook-id, Message-ID
  std::string destination;  // an e-mail address or a webhook name
  std::string payload;      // the bytes the outbox stored (composer.h)
};

class Transport {
 public:
  // Called once with the outcome of one delivery.
  using Done = std::function<void(DeliveryResult)>;

  virtual ~Transport() = default;

  // The peer that destination's transfers go to, for the sender's bound on
  // transfers at once to one peer: every e-mail goes to the one relay,
  // every webhook to its own endpoint.
  virtual std::string PeerOf(std::string_view destination) const = 0;

  // Starts delivering message; a webhook is signed at now. done runs exactly
  // once with the outcome, on the event loop, and may run before Start
  // returns (a local write, or a failure known at once). Transfers already
  // started finish even when the transport is replaced.
  virtual void Start(Outgoing message, Instant now, Done done) = 0;
};

}  // namespace plazo

#endif  // PLAZO_DISPATCH_TRANSPORT_H_
