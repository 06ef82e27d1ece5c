#include "dispatch/channels.h"

#include <map>
#include <vector>

#include <spdlog/spdlog.h>

#include "notifiers/outbox_folder.h"
#include "notifiers/secret.h"
#include "notifiers/signing.h"
#include "notifiers/smtp_transport.h"
#include "notifiers/transfer_loop.h"
#include "notifiers/webhook_transport.h"

namespace plazo {
namespace {

// Runs t's prepared transfer on loop; t goes back to idle when it ends.
// holder keeps whatever owns idle alive while the transfer runs.
template <typename Client>
void Launch(TransferLoop& loop, std::shared_ptr<Client> t,
            std::vector<std::shared_ptr<Client>>* idle, std::shared_ptr<void> holder,
            Transport::Done done) {
  CURL* handle = t->handle();
  bool started = loop.Start(handle, [t, idle, holder, done](int code, long) {
    DeliveryResult result = t->Finish(static_cast<CURLcode>(code));
    idle->push_back(t);
    done(std::move(result));
  });
  if (!started) {
    idle->push_back(std::move(t));
    done(DeliveryResult{DeliveryOutcome::kRetry, "curl refused the transfer"});
  }
}

// Every e-mail goes to one peer: the relay, or the outbox folder.
class EmailChannel final : public Transport, public std::enable_shared_from_this<EmailChannel> {
 public:
  EmailChannel(TransferLoop& loop, const Settings& s) : loop_(loop) {
    if (s.email) {
      relay_ = *s.email;
    } else {
      folder_ = std::make_unique<OutboxFolder>(s.state);
    }
  }

  std::string PeerOf(std::string_view) const override { return "relay"; }

  void Start(Outgoing message, Instant, Done done) override {
    OutgoingEmail mail{std::move(message.id), std::move(message.destination),
                       std::move(message.payload)};
    if (folder_) {
      done(folder_->Send(mail));
      return;
    }
    std::shared_ptr<SmtpTransport> t;
    if (!idle_.empty()) {
      t = std::move(idle_.back());
      idle_.pop_back();
    } else {
      std::string error;
      t = SmtpTransport::Create(*relay_, &error);
      if (!t) {
        done(DeliveryResult{DeliveryOutcome::kRetry, error});
        return;
      }
      if (!t->warning().empty()) spdlog::warn("{}", t->warning());
    }
    std::string error;
    if (!t->Prepare(mail, &error)) {
      idle_.push_back(std::move(t));
      done(DeliveryResult{DeliveryOutcome::kPermanent, error});
      return;
    }
    Launch(loop_, std::move(t), &idle_, shared_from_this(), std::move(done));
  }

 private:
  TransferLoop& loop_;
  std::optional<EmailSettings> relay_;
  std::unique_ptr<OutboxFolder> folder_;
  std::vector<std::shared_ptr<SmtpTransport>> idle_;
};

// What decides whether a relay's connections can be kept: every setting
// but its place in the file, and the password.
std::string EmailFingerprint(const Settings& s) {
  if (!s.email) return "folder\n" + s.state;
  const EmailSettings& e = *s.email;
  std::string password, error;
  if (!LoadSecret(e.password_file, e.password_env, &password, &error)) password.clear();
  return "smtp\n" + e.url + "\n" + e.username + "\n" + e.password_file + "\n" + e.password_env +
         "\n" + e.from + "\n" + (e.starttls ? "1" : "0") + "\n" + e.ca_file + "\n" +
         (e.insecure_skip_verify ? "1" : "0") + "\n" + password;
}

}  // namespace

// Each webhook name is its own peer. The handles are pooled across
// endpoints, retargeted per transfer: their number follows the transfers at
// once, not the endpoints configured, and curl's connection cache keeps
// connections per host either way.
class WebhookChannel final : public Transport,
                             public std::enable_shared_from_this<WebhookChannel> {
 public:
  explicit WebhookChannel(TransferLoop& loop) : loop_(loop) {}

  // Takes hooks' settings and reads their secrets anew (a rotated secret
  // signs from the next transfer on).
  void Configure(const std::map<std::string, Webhook, std::less<>>& hooks) {
    std::map<std::string, Endpoint, std::less<>> next;
    for (const auto& [name, hook] : hooks) {
      Endpoint endpoint{hook, {}};
      std::string error;
      if (!LoadWebhookKeys(hook, &endpoint.keys, &error)) endpoint.keys.clear();
      next.emplace(name, std::move(endpoint));
    }
    endpoints_ = std::move(next);
  }

  std::string PeerOf(std::string_view destination) const override {
    return std::string(destination);
  }

  void Start(Outgoing message, Instant now, Done done) override {
    auto it = endpoints_.find(message.destination);
    if (it == endpoints_.end()) {
      // Removed from the settings: nothing can deliver it any more.
      done(DeliveryResult{DeliveryOutcome::kPermanent,
                          "webhook '" + message.destination + "' is no longer configured"});
      return;
    }
    const Endpoint& endpoint = it->second;
    if (endpoint.keys.empty()) {
      // Unreadable at reload: read again, so a fixed file is picked up.
      WebhookKeys keys;
      std::string error;
      if (!LoadWebhookKeys(endpoint.hook, &keys, &error)) {
        done(DeliveryResult{DeliveryOutcome::kRetry, error});
        return;
      }
      it->second.keys = std::move(keys);
    }
    std::shared_ptr<WebhookTransport> t;
    if (!idle_.empty()) {
      t = std::move(idle_.back());
      idle_.pop_back();
      t->Retarget(endpoint.hook, endpoint.keys);
    } else {
      std::string error;
      t = WebhookTransport::Create(endpoint.hook, endpoint.keys, &error);
      if (!t) {
        done(DeliveryResult{DeliveryOutcome::kRetry, error});
        return;
      }
    }
    std::string error;
    if (!t->Prepare(message.id, now, std::move(message.payload), &error)) {
      idle_.push_back(std::move(t));
      done(DeliveryResult{DeliveryOutcome::kPermanent, error});
      return;
    }
    Launch(loop_, std::move(t), &idle_, shared_from_this(), std::move(done));
  }

 private:
  struct Endpoint {
    Webhook hook;
    WebhookKeys keys;  // the HMAC keys; empty when they could not be read
  };

  TransferLoop& loop_;
  std::map<std::string, Endpoint, std::less<>> endpoints_;
  std::vector<std::shared_ptr<WebhookTransport>> idle_;
};

Channels::Channels(boost::asio::io_context& io)
    : loop_(std::make_unique<TransferLoop>(io)),
      webhook_(std::make_shared<WebhookChannel>(*loop_)) {}

Channels::~Channels() = default;

void Channels::Configure(const Settings& settings) {
  std::string fingerprint = EmailFingerprint(settings);
  kept_email_ = email_ && fingerprint == email_fingerprint_;
  if (!kept_email_) {
    email_ = std::make_shared<EmailChannel>(*loop_, settings);
    email_fingerprint_ = std::move(fingerprint);
  }
  webhook_->Configure(settings.webhooks);
}

std::shared_ptr<Transport> Channels::webhook() const { return webhook_; }

}  // namespace plazo
