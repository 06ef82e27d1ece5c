#include "dispatch/composer.h"

#include "notifiers/email_message.h"
#include "notifiers/mailer.h"
#include "notifiers/payload.h"

namespace plazo {
namespace {

// The program of all n's items, or null when they are of several or none.
const Program* OnlyProgram(const Notification& n) {
  const Program* program = n.items.empty() ? nullptr : n.items[0].program;
  for (const PlannedItem& i : n.items) {
    if (i.program != program) return nullptr;
  }
  return program;
}

}  // namespace

std::optional<Composer> Composer::Load(const Settings& settings, Diagnostics* diags,
                                       std::shared_ptr<const LinkKeys> link_keys) {
  EmailRenderer renderer = EmailRenderer::Builtin(settings.language);
  if (!settings.templates.empty() &&
      !EmailRenderer::Load(settings.templates, settings.language, &renderer, diags)) {
    return std::nullopt;
  }
  Composer composer(std::move(renderer), SenderFor(settings), settings.zone);
  for (const auto& [name, hook] : settings.webhooks) {
    composer.formats_[name] = hook.format;
  }
  if (settings.http) composer.pages_url_ = settings.http->public_url;
  if (link_keys && !link_keys->empty() && settings.http && !settings.http->public_url.empty()) {
    composer.link_keys_ = std::move(link_keys);
    composer.public_url_ = settings.http->public_url;
    composer.link_expiry_ = settings.http->link_expiry;
  }
  return composer;
}

MessageLinks Composer::LinksFor(const Notification& n, Instant now) const {
  MessageLinks links;
  if (!link_keys_ || n.items.empty()) return links;
  for (const PlannedItem& i : n.items) {
    LinkClaims c;
    c.kind = LinkKind::kAck;
    c.program = i.program->id;
    c.commitment = i.commitment->id;
    c.due = DueKey(*i.commitment);
    c.recipient = n.destination;
    c.issued = now;
    c.expires = now + link_expiry_;
    links.ack.push_back(public_url_ + "/ack/" + link_keys_->Sign(c));
  }
  LinkClaims c;
  c.kind = LinkKind::kCalendar;
  c.recipient = n.destination;
  c.issued = now;
  links.calendar = public_url_ + "/calendar/" + link_keys_->Sign(c) + ".ics";
  return links;
}

bool Composer::Compose(const Notification& n, Instant now, OutboxEntry* out,
                       std::string* error) const {
  *out = OutboxEntry{};
  out->notification_id = n.id;
  out->channel = std::string(ChannelName(n.channel));
  out->destination = n.destination;
  out->kind = n.kind;
  if (n.channel == Channel::kWebhook) {
    WebhookFormat format = FormatOf(n.destination);
    if (format == WebhookFormat::kJson) {
      out->payload = WebhookPayload(n, now, zone_);
      return true;
    }
    ChatMessage m = renderer_.RenderChat(n);
    if (const Program* p = OnlyProgram(n)) {
      m.thread = p->id;
      m.link = ProgramPage(*p);
    }
    out->payload = ChatBody(format, m);
    return true;
  }
  RenderedEmail mail = renderer_.Render(n, zone_, LinksFor(n, now));
  // One program's digest is on that program's list; a mixed one on plazo's.
  const Program* program = OnlyProgram(n);
  std::string list_id = program != nullptr ? program->id : "plazo";
  std::string list_name = program == nullptr      ? "plazo"
                          : program->name.empty() ? program->id
                                                  : program->name;
  EmailContent content{n.id,      from_, n.destination, mail.subject,       mail.text,
                       mail.html, now,   zone_,         std::move(list_id), std::move(list_name)};
  if (!BuildEmailMessage(content, &out->payload, error)) {
    *error = "cannot build e-mail " + n.id + " to " + n.destination + ": " + *error;
    return false;
  }
  return true;
}

std::string Composer::AcknowledgedBody(const AcknowledgedEvent& e) const {
  WebhookFormat format = FormatOf(e.destination);
  if (format == WebhookFormat::kJson) return AcknowledgedPayload(e, zone_);
  ChatMessage m = renderer_.RenderAcknowledgedChat(*e.program, *e.commitment, e.by, e.comment);
  m.thread = e.program->id;
  m.link = ProgramPage(*e.program);
  return ChatBody(format, m);
}

WebhookFormat Composer::FormatOf(const std::string& webhook) const {
  auto it = formats_.find(webhook);
  return it == formats_.end() ? WebhookFormat::kJson : it->second;
}

std::string Composer::ProgramPage(const Program& p) const {
  return pages_url_.empty() ? std::string() : pages_url_ + "/programs/" + p.id;
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
