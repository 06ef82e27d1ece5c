#include "notifiers/mailer.h"

#include "notifiers/outbox_folder.h"
#include "notifiers/smtp_transport.h"

namespace plazo {

std::string SenderFor(const Settings& settings) {
  return settings.email ? settings.email->from : std::string(kOutboxFrom);
}

std::unique_ptr<Mailer> MakeMailer(const Settings& settings, std::string* warning,
                                   std::string* error) {
  warning->clear();
  if (!settings.email) return std::make_unique<OutboxFolder>(settings.state);
  std::unique_ptr<SmtpTransport> smtp = SmtpTransport::Create(*settings.email, error);
  if (!smtp) return nullptr;
  *warning = smtp->warning();
  return smtp;
}

}  // namespace plazo
