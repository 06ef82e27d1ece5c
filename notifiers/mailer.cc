#include "notifiers/mailer.h"

#include <netdb.h>
#include <unistd.h>

#include <cctype>
#include <cstring>

#include "base/mailbox.h"
#include "notifiers/outbox_folder.h"
#include "notifiers/smtp_transport.h"

namespace plazo {

std::string DefaultFrom() {
  static const std::string from = [] {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
      return std::string("plazo <plazo@localhost>");
    }
    std::string name = host;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = AI_CANONNAME;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host, nullptr, &hints, &found) == 0 && found != nullptr) {
      if (found->ai_canonname != nullptr && std::strchr(found->ai_canonname, '.') != nullptr) {
        name = found->ai_canonname;
      }
      ::freeaddrinfo(found);
    }
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Mailbox check;
    std::string from = "plazo <plazo@" + name + ">";
    return ParseMailbox(from, &check) ? from : std::string("plazo <plazo@localhost>");
  }();
  return from;
}

std::string SenderFor(const Settings& settings) {
  return settings.email && !settings.email->from.empty() ? settings.email->from : DefaultFrom();
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
