#include "dispatch/composer.h"

#include "notifiers/email_message.h"
#include "notifiers/mailer.h"
#include "notifiers/payload.h"

namespace plazo {

std::optional<Composer> Composer::Load(const Settings& settings, Diagnostics* diags) {
  EmailRenderer renderer = EmailRenderer::Builtin(settings.language);
  if (!settings.templates.empty() &&
      !EmailRenderer::Load(settings.templates, settings.language, &renderer, diags)) {
    return std::nullopt;
  }
  return Composer(std::move(renderer), SenderFor(settings), settings.zone);
}

bool Composer::Compose(const Notification& n, Instant now, OutboxEntry* out,
                       std::string* error) const {
  *out = OutboxEntry{};
  out->notification_id = n.id;
  out->channel = std::string(ChannelName(n.channel));
  out->destination = n.destination;
  out->kind = n.kind;
  if (n.channel == Channel::kWebhook) {
    out->payload = WebhookPayload(n, now, zone_);
    return true;
  }
  RenderedEmail mail = renderer_.Render(n, zone_);
  EmailContent content{n.id, from_, n.destination, mail.subject, mail.text, mail.html, now, zone_};
  if (!BuildEmailMessage(content, &out->payload, error)) {
    *error = "cannot build e-mail " + n.id + " to " + n.destination + ": " + *error;
    return false;
  }
  return true;
}

std::vector<DeliveryRecord> PendingItems(const Notification& n) {
  std::vector<DeliveryRecord> items;
  items.reserve(n.items.size());
  for (const PlannedItem& i : n.items) {
    items.push_back(DeliveryRecord{i.key, n.id, DeliveryState::kPending, i.stage_at, {}});
  }
  return items;
}

}  // namespace plazo
