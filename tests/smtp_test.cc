// SMTP delivery against a real server on loopback: aiosmtpd
// (tests/peers/smtp_server.py) with STARTTLS or implicit TLS, AUTH, and a CA
// made at test time. Received messages are read back with Python's email
// package.
#include <filesystem>

#include <boost/json.hpp>
#include <unistd.h>

#include <cctype>

#include <catch2/catch.hpp>

#include "config/time_text.h"
#include "notifiers/email_message.h"
#include "notifiers/mailer.h"
#include "notifiers/render.h"
#include "notifiers/smtp_transport.h"
#include "tests/peer_process.h"

namespace plazo {
namespace {

namespace json = boost::json;

const std::string kPassword = "clave-smtp-muy-secreta";

// An SMTP server in mode (plain, starttls or implicit), with AUTH when
// with_auth, storing what it receives in a scratch folder.
struct Server {
  testing::ScratchDir dir;
  testing::PeerProcess peer;
  std::string mode;

  Server(const std::string& mode, bool with_auth) : mode(mode) {
    std::filesystem::create_directories(dir.File("received"));
    dir.Write("password", kPassword + "\n");
    const std::string& certs = testing::TestCertificates();
    std::vector<std::string> argv = {testing::Python(), testing::PeerScript("smtp_server.py"),
                                     "--dir",           dir.File("received"),
                                     "--mode",          mode,
                                     "--cert",          certs + "/server.pem",
                                     "--key",           certs + "/server.key"};
    if (with_auth) {
      argv.insert(argv.end(), {"--user", "plazo", "--password", kPassword});
    }
    std::string error;
    INFO(error);
    REQUIRE(peer.Start(argv, &error));
  }

  EmailSettings Email() const {
    EmailSettings s;
    s.url = std::string(mode == "implicit" ? "smtps" : "smtp") +
            "://127.0.0.1:" + std::to_string(peer.port());
    s.username = "plazo";
    s.password_file = dir.File("password");
    s.from = "Plazo <plazo@example.gob.cl>";
    s.ca_file = testing::TestCertificates() + "/ca.pem";
    return s;
  }

  // The envelope of message n (1-based), as the server recorded it.
  json::value Envelope(int n) const {
    std::vector<json::value> lines =
        testing::ReadJsonLines(dir.File("received/" + std::to_string(n) + ".json"));
    REQUIRE(lines.size() == 1);
    return lines[0];
  }
  json::value Message(int n) const {
    return testing::ParseEmailWithPython(dir.File("received/" + std::to_string(n) + ".eml"));
  }
  size_t Count() const {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.File("received"))) {
      n += e.path().extension() == ".eml";
    }
    return n;
  }
};

// A rendered digest with one commitment whose text tries to add a header.
OutgoingEmail Digest(const std::string& id, const std::string& to) {
  static Program p = [] {
    Program program;
    program.id = "sence-intermediacion-laboral";
    program.name = "Programa de Intermediación Laboral";
    Commitment c;
    c.id = "c8-p2";
    c.number = 8;
    c.part = 2;
    c.text = "Entregar el informe.\r\nBcc: intruso@example.com";
    c.verification = "Informe final.";
    c.due.date = *ParseIsoDate("2026-12-31");
    program.commitments = {c};
    return program;
  }();
  const date::time_zone* zone = FindZone("America/Santiago");
  Notification n;
  n.id = id;
  n.at = *ParseInstant("2026-12-01T09:00:00-03:00", zone);
  n.destination = to;
  PlannedItem item;
  item.program = &p;
  item.commitment = &p.commitments[0];
  item.stage.kind = StageKind::kBefore;
  item.stage_name = "before-30d";
  item.days_left = 30;
  n.items = {item};
  RenderedEmail r = EmailRenderer::Builtin("es").Render(n, zone);
  EmailContent content{id,  "Plazo <plazo@example.gob.cl>", to, r.subject, r.text, r.html, n.at,
                       zone, p.id, p.name};
  OutgoingEmail mail{id, to, ""};
  std::string error;
  REQUIRE(BuildEmailMessage(content, &mail.message, &error));
  return mail;
}

std::unique_ptr<SmtpTransport> Transport(const EmailSettings& s) {
  std::string error;
  std::unique_ptr<SmtpTransport> t = SmtpTransport::Create(s, &error);
  INFO(error);
  REQUIRE(t);
  return t;
}

std::vector<std::string> HeaderNames(const json::value& parsed) {
  std::vector<std::string> names;
  for (const json::value& h : parsed.at("headers").as_array()) {
    names.push_back(std::string(h.as_array().at(0).as_string()));
  }
  return names;
}

TEST_CASE("SMTP outcomes: accepted, refused for good, or worth another try", "[smtp]") {
  using O = DeliveryOutcome;
  CHECK(ClassifySmtp(250, CURLE_OK).outcome == O::kDelivered);
  CHECK(ClassifySmtp(550, CURLE_SEND_ERROR).outcome == O::kPermanent);  // RCPT or MAIL refused
  CHECK(ClassifySmtp(554, CURLE_WEIRD_SERVER_REPLY).outcome == O::kPermanent);  // DATA refused
  CHECK(ClassifySmtp(451, CURLE_SEND_ERROR).outcome == O::kRetry);
  CHECK(ClassifySmtp(535, CURLE_LOGIN_DENIED).outcome == O::kRetry);  // fix the password, retry
  CHECK(ClassifySmtp(0, CURLE_COULDNT_CONNECT).outcome == O::kRetry);
  CHECK(ClassifySmtp(0, CURLE_OPERATION_TIMEDOUT).outcome == O::kRetry);
  CHECK(ClassifySmtp(0, CURLE_PEER_FAILED_VERIFICATION).outcome == O::kRetry);
  CHECK(ClassifySmtp(502, CURLE_USE_SSL_FAILED).outcome == O::kRetry);  // no STARTTLS offered
  CHECK(ClassifySmtp(0, CURLE_URL_MALFORMAT).outcome == O::kPermanent);
}

TEST_CASE("STARTTLS, AUTH and a checked certificate; one connection for several messages",
          "[smtp]") {
  Server server("starttls", true);
  auto t = Transport(server.Email());
  CHECK(t->warning().empty());
  CHECK(t->Describe() == server.Email().url);
  OutgoingEmail first = Digest("ntf_00000000000000a1", "encargado.pil@example.gob.cl");
  DeliveryResult r = t->Send(first);
  INFO(r.detail);
  REQUIRE(r.ok());
  CHECK(r.detail == "smtp: accepted: 250 2.0.0 Message accepted");
  REQUIRE(t->Send(Digest("ntf_00000000000000a2", "otra.persona@example.gob.cl")).ok());
  REQUIRE(server.Count() == 2);

  json::value e1 = server.Envelope(1), e2 = server.Envelope(2);
  CHECK(e1.at("tls").as_bool());
  CHECK(e1.at("user").as_string() == "plazo");
  CHECK(e1.at("mail_from").as_string() == "plazo@example.gob.cl");
  CHECK(e1.at("rcpt_tos") == json::array{"encargado.pil@example.gob.cl"});
  CHECK(e2.at("rcpt_tos") == json::array{"otra.persona@example.gob.cl"});
  CHECK(e1.at("client_port") == e2.at("client_port"));  // the connection was reused

  json::value m = server.Message(1);
  CHECK(m.at("defects").as_array().empty());
  CHECK(m.at("subject").as_string() ==
        "[plazo] 1 compromiso vence en 30 días — Programa de Intermediación Laboral");
  CHECK(HeaderNames(m) == std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID",
                                                   "MIME-Version", "Auto-Submitted",
                                                   "X-Auto-Response-Suppress", "List-Id", "Content-Type"});
  const json::array& parts = m.at("parts").as_array();
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].at("type").as_string() == "text/plain");
  CHECK(parts[1].at("type").as_string() == "text/html");
  CHECK(parts[0].at("text").as_string().find(
            "Compromiso 8, parte 2 · Programa de Intermediación Laboral") != std::string::npos);
  CHECK(parts[1].at("text").as_string().find("<strong>Compromiso 8, parte 2</strong>") !=
        std::string::npos);
  // The message arrived byte for byte as built: the outbox's copy is what was sent.
  CHECK(m.at("headers").as_array()[4].as_array()[1].as_string() ==
        "<ntf_00000000000000a1@example.gob.cl>");
}

TEST_CASE("the store's CR LF reaches neither the envelope nor the headers", "[smtp]") {
  Server server("starttls", true);
  REQUIRE(
      Transport(server.Email())->Send(Digest("ntf_00000000000000b1", "ana@example.gob.cl")).ok());
  CHECK(server.Envelope(1).at("rcpt_tos") == json::array{"ana@example.gob.cl"});
  for (const std::string& name : HeaderNames(server.Message(1))) CHECK(name != "Bcc");
}

TEST_CASE("smtps:// speaks TLS from the first byte", "[smtp]") {
  Server server("implicit", true);
  DeliveryResult r =
      Transport(server.Email())->Send(Digest("ntf_00000000000000c1", "ana@example.gob.cl"));
  INFO(r.detail);
  REQUIRE(r.ok());
  CHECK(server.Envelope(1).at("tls").as_bool());
  CHECK(server.Envelope(1).at("user").as_string() == "plazo");
}

TEST_CASE("an unknown certificate authority stops delivery unless verification is turned off",
          "[smtp]") {
  Server server("starttls", true);
  EmailSettings s = server.Email();
  s.ca_file.clear();  // the system's authorities do not know the test CA
  DeliveryResult r = Transport(s)->Send(Digest("ntf_00000000000000d1", "ana@example.gob.cl"));
  CHECK(r.outcome == DeliveryOutcome::kRetry);
  CHECK(r.detail.find("certificate") != std::string::npos);
  CHECK(server.Count() == 0);

  s.insecure_skip_verify = true;
  auto t = Transport(s);
  CHECK(t->warning() == "[email] insecure_skip_verify = true: the certificate of " + s.url +
                            " is not verified, so anyone on the network path can read the mail and "
                            "the password");
  CHECK(t->Send(Digest("ntf_00000000000000d2", "ana@example.gob.cl")).ok());
  CHECK(server.Count() == 1);
}

TEST_CASE("smtp:// without STARTTLS on offer fails unless starttls = false", "[smtp]") {
  Server server("plain", false);
  EmailSettings s = server.Email();
  s.username.clear();
  DeliveryResult r = Transport(s)->Send(Digest("ntf_00000000000000e1", "ana@example.gob.cl"));
  CHECK(r.outcome == DeliveryOutcome::kRetry);
  CHECK(r.detail.find("STARTTLS") != std::string::npos);
  CHECK(server.Count() == 0);

  s.starttls = false;
  CHECK(Transport(s)->Send(Digest("ntf_00000000000000e2", "ana@example.gob.cl")).ok());
  CHECK_FALSE(server.Envelope(1).at("tls").as_bool());
}

TEST_CASE(
    "a refused recipient is permanent; a refused login is retried and never shows the password",
    "[smtp]") {
  Server server("starttls", true);
  EmailSettings s = server.Email();
  auto t = Transport(s);
  DeliveryResult refused = t->Send(Digest("ntf_00000000000000f1", "rechazo@example.gob.cl"));
  CHECK(refused.outcome == DeliveryOutcome::kPermanent);
  CHECK(refused.detail ==
        "smtp: RCPT failed: 550; server said \"550 5.1.1 <rechazo@example.gob.cl>: mailbox "
        "unavailable\"");
  // The handle recovers for the next message.
  CHECK(t->Send(Digest("ntf_00000000000000f2", "ana@example.gob.cl")).ok());

  server.dir.Write("wrong", "otra-clave-equivocada\n");
  s.password_file = server.dir.File("wrong");
  DeliveryResult denied = Transport(s)->Send(Digest("ntf_00000000000000f3", "ana@example.gob.cl"));
  CHECK(denied.outcome == DeliveryOutcome::kRetry);
  CHECK(denied.detail.find("535") != std::string::npos);
  CHECK(denied.detail.find("otra-clave-equivocada") == std::string::npos);
  CHECK(denied.detail.find(kPassword) == std::string::npos);

  s.password_file = server.dir.File("missing");
  std::string error;
  CHECK(SmtpTransport::Create(s, &error) == nullptr);
  CHECK(error == "[email] password: cannot read secret file " + server.dir.File("missing") +
                     ": No such file or directory");
}

TEST_CASE("MakeMailer picks SMTP with [email] and the outbox folder without", "[smtp]") {
  Server server("starttls", true);
  Settings settings;
  settings.state = server.dir.path();
  std::string warning, error;
  std::unique_ptr<Mailer> folder = MakeMailer(settings, &warning, &error);
  REQUIRE(folder);
  CHECK(folder->Describe() == "outbox folder " + server.dir.path() + "/outbox");
  // Without [email] from: plazo at the host's name, the short hostname or a
  // fully qualified name that starts with it.
  std::string from = SenderFor(settings);
  CHECK(from == DefaultFrom());
  char host[256] = {};
  REQUIRE(::gethostname(host, sizeof host - 1) == 0);
  std::string short_name = host;
  for (char& c : short_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  short_name = short_name.substr(0, short_name.find('.'));
  CHECK_THAT(from, Catch::StartsWith("plazo <plazo@" + short_name) && Catch::EndsWith(">"));
  settings.email = server.Email();
  std::unique_ptr<Mailer> smtp = MakeMailer(settings, &warning, &error);
  REQUIRE(smtp);
  CHECK(warning.empty());
  CHECK(smtp->Describe() == settings.email->url);
  CHECK(smtp->Send(Digest("ntf_00000000000000a9", "ana@example.gob.cl")).ok());
  CHECK(server.Count() == 1);
}

}  // namespace
}  // namespace plazo
