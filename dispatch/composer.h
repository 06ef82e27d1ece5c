// The composer: turns a planned notification into the exact bytes the
// outbox stores and a transport sends, an RFC 5322 message for e-mail
// (rendered from the templates, email_message.h) or the body for a webhook
// in its format (the JSON of payload.h, or a team chat's, chat_payload.h;
// signed per attempt by the transport). The bytes are
// fixed at enqueue time so that every retry sends the same message with the
// same id. One composer serves one configuration; the daemon and
// `plazod send-test` use it alike.
#ifndef PLAZO_DISPATCH_COMPOSER_H_
#define PLAZO_DISPATCH_COMPOSER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/diagnostics.h"
#include "config/model.h"
#include "ledger/ledger.h"
#include "notifiers/link_token.h"
#include "notifiers/payload.h"
#include "notifiers/render.h"
#include "planner/planner.h"

namespace plazo {

class Composer {
 public:
  // A composer for settings: its language and [daemon] templates (loaded
  // here, replacing the built-in templates file by file), its time zone,
  // and its From ([email] from, else the outbox folder's). With link_keys
  // and [http] public_url set, each e-mail item carries its signed
  // "I have sent the evidence" link and each e-mail the recipient's
  // calendar link (link_token.h). Returns nullopt and adds every template
  // problem to diags as file:line:col.
  [[nodiscard]] static std::optional<Composer> Load(
      const Settings& settings, Diagnostics* diags,
      std::shared_ptr<const LinkKeys> link_keys = nullptr);

  // The outbox entry of n, composed at now (the e-mail's Date, the
  // payload's sent_at): id, channel, destination, kind and payload. Fails,
  // setting *error, when the message cannot be built (e.g. a destination
  // that is not a plain address).
  [[nodiscard]] bool Compose(const Notification& n, Instant now, OutboxEntry* out,
                             std::string* error) const;

  // The body telling webhook hook that an officer acknowledged a part: the
  // JSON of payload.h, or a chat message in the webhook's format.
  std::string AcknowledgedBody(const AcknowledgedEvent& e) const;

 private:
  Composer(EmailRenderer renderer, std::string from, const date::time_zone* zone)
      : renderer_(std::move(renderer)), from_(std::move(from)), zone_(zone) {}

  // The links of n's e-mail, composed at now; empty without links.
  MessageLinks LinksFor(const Notification& n, Instant now) const;

  // A webhook's body format: its `format`, json for an unknown name.
  WebhookFormat FormatOf(const std::string& webhook) const;
  // The program's page for a chat message's button; empty without [http]
  // public_url.
  std::string ProgramPage(const Program& p) const;

  EmailRenderer renderer_;
  std::string from_;
  std::map<std::string, WebhookFormat, std::less<>> formats_;  // per webhook name
  std::string pages_url_;  // [http] public_url, or empty
  const date::time_zone* zone_;
  std::shared_ptr<const LinkKeys> link_keys_;  // null: no links
  std::string public_url_;
  Duration link_expiry_{};
};

// The delivery records of n's items, pending under n's id: what the ledger
// stores beside n's outbox entry.
std::vector<DeliveryRecord> PendingItems(const Notification& n);

}  // namespace plazo

#endif  // PLAZO_DISPATCH_COMPOSER_H_
