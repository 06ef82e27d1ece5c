// plazod send-test (--email ADDR | --webhook NAME): one test message (kind
// "test", no items) through the channel the daemon would use, so an admin
// can check the relay, the credentials and the receiver before relying on
// them. Nothing is written to the ledger: a test is not a delivery of any
// commitment.
#include <chrono>
#include <cstdio>
#include <ostream>
#include <random>

#include "config/diagnostics.h"
#include "daemon/cli.h"
#include "daemon/commands.h"
#include "dispatch/composer.h"
#include "notifiers/email_message.h"
#include "notifiers/mailer.h"
#include "notifiers/webhook_transport.h"

namespace plazo {
namespace {

// A fresh id per run: two tests in the same second must not share a
// Message-ID (and the outbox folder keeps one file per id).
std::string TestDeliveryId() {
  std::random_device random;
  unsigned long long bits = (static_cast<unsigned long long>(random()) << 32) ^ random();
  char id[32];
  std::snprintf(id, sizeof id, "ntf_test_%016llx", bits);
  return id;
}

// scheme://host[:port] of url: webhook URLs often carry a token in their
// path (chat bridges), which has no place in output or logs.
std::string Origin(const std::string& url) {
  size_t host = url.find("://");
  if (host == std::string::npos) return "?";
  host += 3;
  size_t end = url.find_first_of("/?#", host);
  std::string origin = url.substr(0, end);
  size_t at = origin.rfind('@');
  if (at != std::string::npos && at >= host) origin.erase(host, at + 1 - host);
  return origin;
}

int Report(const DeliveryResult& result, const std::string& destination, const std::string& via,
           const std::string& id, std::ostream& out, std::ostream& err) {
  if (result.ok()) {
    out << "sent test message " << id << " to " << destination << " via " << via << ": "
        << result.detail << "\n";
    return kExitOk;
  }
  err << "plazod send-test: delivery to " << destination << " failed"
      << (result.outcome == DeliveryOutcome::kPermanent ? " (permanent)" : " (retryable)") << ": "
      << result.detail << "\n";
  return kExitDelivery;
}

int SendTestEmail(const Composer& composer, const Settings& s, const std::string& address,
                  Notification n, std::ostream& out, std::ostream& err) {
  Mailbox to;
  if (!ParseMailbox(address, &to) || !to.name.empty()) {
    std::string shown;
    for (char c : address) shown += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    err << "plazod send-test: --email: \"" << shown << "\" is not an e-mail address\n";
    return kExitUsage;
  }
  n.channel = Channel::kEmail;
  n.destination = to.address;
  OutboxEntry entry;
  std::string error, warning;
  if (!composer.Compose(n, n.at, &entry, &error)) {
    err << "plazod send-test: " << error << "\n";
    return kExitDelivery;
  }
  std::unique_ptr<Mailer> mailer = MakeMailer(s, &warning, &error);
  if (!warning.empty()) err << "plazod send-test: warning: " << warning << "\n";
  if (!mailer) {
    err << "plazod send-test: delivery to " << to.address << " failed: " << error << "\n";
    return kExitDelivery;
  }
  DeliveryResult result = mailer->Send({n.id, to.address, std::move(entry.payload)});
  return Report(result, to.address, mailer->Describe(), n.id, out, err);
}

int SendTestWebhook(const Composer& composer, const Settings& s, const std::string& name,
                    Notification n, std::ostream& out, std::ostream& err) {
  auto it = s.webhooks.find(name);
  if (it == s.webhooks.end()) {
    std::vector<std::string_view> names;
    for (const auto& [known, hook] : s.webhooks) names.push_back(known);
    err << "plazod send-test: --webhook: no [webhook." << name << "] in the settings"
        << DidYouMean(name, names) << "\n";
    return kExitUsage;
  }
  n.channel = Channel::kWebhook;
  n.destination = name;
  OutboxEntry entry;
  std::string error;
  if (!composer.Compose(n, n.at, &entry, &error)) {
    err << "plazod send-test: " << error << "\n";
    return kExitDelivery;
  }
  std::unique_ptr<WebhookTransport> transport = WebhookTransport::Create(it->second, &error);
  if (!transport) {
    err << "plazod send-test: delivery to webhook " << name << " failed: " << error << "\n";
    return kExitDelivery;
  }
  DeliveryResult result = transport->Send(n.id, n.at, std::move(entry.payload));
  return Report(result, "webhook " + name, Origin(it->second.url), n.id, out, err);
}

}  // namespace

int RunSendTest(const Options& options, std::ostream& out, std::ostream& err) {
  bool email = options.Has("email"), webhook = options.Has("webhook");
  if (email == webhook) {
    err << "plazod send-test: give either --email ADDR or --webhook NAME\n";
    return kExitUsage;
  }
  // A test needs the channels, not the store: it works before the first
  // report is imported.
  Settings settings;
  if (!LoadSettingsForCommand(options, &settings, err)) return kExitInvalid;
  Notification n;
  n.id = TestDeliveryId();
  n.at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  n.kind = "test";
  // The admin's templates when [daemon] templates names a folder, so that a
  // test shows them too.
  Diagnostics diags;
  std::optional<Composer> composer = Composer::Load(settings, &diags);
  if (!composer) {
    diags.Sort();
    err << diags.ToString();
    return kExitInvalid;
  }
  if (email) return SendTestEmail(*composer, settings, options.Get("email"), std::move(n), out, err);
  return SendTestWebhook(*composer, settings, options.Get("webhook"), std::move(n), out, err);
}

}  // namespace plazo
