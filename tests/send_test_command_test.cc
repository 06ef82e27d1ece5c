// plazod send-test through the real channels: an SMTP server (aiosmtpd), the
// outbox folder, and a webhook receiver, all on loopback.
#include <filesystem>
#include <sstream>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "daemon/cli.h"
#include "tests/peer_process.h"

namespace plazo {
namespace {

namespace json = boost::json;

const std::string kPassword = "clave-smtp-de-prueba-9f3a";
const std::string kSecret = "whsec_c2VjcmV0by1kZWwtd2ViaG9vay1kZS1wcnVlYmE=";

struct Run {
  int code;
  std::string out, err;
};

// A settings file with the given extra sections, a one-program store and a
// state folder, in a scratch folder.
struct Setup {
  testing::ScratchDir dir;

  explicit Setup(const std::string& sections, const std::string& daemon_keys = "") {
    std::filesystem::create_directories(dir.File("store"));
    std::filesystem::create_directories(dir.File("state"));
    dir.Write(
        "store/p.toml",
        "[program]\nid = \"p\"\nname = \"Programa de prueba\"\n"
        "owners = [\"ana@example.gob.cl\"]\n\n[[commitment]]\nnumber = 1\ndue = 2027-06-30\n");
    dir.Write("smtp-password", kPassword + "\n");
    dir.Write("webhook-secret", kSecret + "\n");
    dir.Write("plazod.toml",
              "[daemon]\nstore = \"store\"\nstate = \"state\"\n" + daemon_keys + "\n" + sections);
  }

  Run Cli(std::vector<std::string> args) const {
    args.insert(args.begin(), "send-test");
    args.insert(args.end(), {"--config", dir.File("plazod.toml")});
    std::ostringstream out, err;
    int code = RunCli(args, out, err);
    return {code, out.str(), err.str()};
  }
};

std::string EmailSection(int port, const std::string& password_file = "smtp-password") {
  return "[email]\nurl = \"smtp://127.0.0.1:" + std::to_string(port) +
         "\"\nusername = \"plazo\"\npassword_file = \"" + password_file +
         "\"\nfrom = \"Plazo <plazo@example.gob.cl>\"\nca_file = \"" + testing::TestCertificates() +
         "/ca.pem\"\n";
}

std::string WebhookSection(const std::string& name, int port, const std::string& path) {
  return "[webhook." + name + "]\nurl = \"http://127.0.0.1:" + std::to_string(port) + path +
         "\"\nsecret_file = \"webhook-secret\"\ntimeout = \"5s\"\n";
}

void StartSmtp(testing::PeerProcess* peer, const std::string& folder) {
  const std::string& certs = testing::TestCertificates();
  std::string error;
  INFO(error);
  REQUIRE(peer->Start({testing::Python(), testing::PeerScript("smtp_server.py"), "--dir", folder,
                       "--mode", "starttls", "--cert", certs + "/server.pem", "--key",
                       certs + "/server.key", "--user", "plazo", "--password", kPassword},
                      &error));
}

void StartReceiver(testing::PeerProcess* peer, const std::string& log) {
  std::string error;
  INFO(error);
  REQUIRE(peer->Start({testing::Python(), testing::PeerScript("http_receiver.py"), "--log", log,
                       "--secret", kSecret},
                      &error));
}

void CheckNoSecret(const Run& r) {
  for (const std::string& text : {r.out, r.err}) {
    CHECK(text.find(kPassword) == std::string::npos);
    CHECK(text.find(kSecret) == std::string::npos);
    CHECK(text.find("c2VjcmV0by1kZWwtd2ViaG9vay1kZS1wcnVlYmE") == std::string::npos);
    CHECK(text.find("secreto-del-webhook") == std::string::npos);
  }
}

TEST_CASE("send-test --email goes through the SMTP relay of [email]", "[send-test]") {
  testing::ScratchDir received;
  testing::PeerProcess smtp;
  StartSmtp(&smtp, received.path());
  Setup setup(EmailSection(smtp.port()));
  Run r = setup.Cli({"--email", "ana@example.gob.cl"});
  INFO(r.err);
  CHECK(r.code == kExitOk);
  CHECK(r.out.rfind("sent test message ntf_test_", 0) == 0);
  CHECK(r.out.find(" to ana@example.gob.cl via smtp://127.0.0.1:") != std::string::npos);
  CheckNoSecret(r);
  json::value m = testing::ParseEmailWithPython(received.File("1.eml"));
  CHECK(m.at("subject").as_string() == "[plazo] Mensaje de prueba — sin compromisos");
  CHECK(m.at("parts").as_array().size() == 2);
}

TEST_CASE("send-test --email without [email] writes into the outbox folder", "[send-test]") {
  Setup setup("");
  Run r = setup.Cli({"--email", "ana@example.gob.cl"});
  INFO(r.err);
  CHECK(r.code == kExitOk);
  std::string folder = setup.dir.File("state/outbox/new");
  REQUIRE(std::filesystem::is_directory(folder));
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(folder)) files.push_back(e.path());
  REQUIRE(files.size() == 1);
  CHECK(r.out.find("via outbox folder " + setup.dir.File("state/outbox") + ": written to " +
                   files[0]) != std::string::npos);
  json::value m = testing::ParseEmailWithPython(files[0]);
  CHECK(m.at("subject").as_string() == "[plazo] Mensaje de prueba — sin compromisos");
}

TEST_CASE("send-test renders with the templates folder of [daemon] templates", "[send-test]") {
  Setup setup("", "templates = \"plantillas\"\n");
  std::filesystem::create_directories(setup.dir.File("plantillas/es"));
  setup.dir.Write("plantillas/es/subject.txt", "Prueba de plazo: {{headline}}\n");
  Run r = setup.Cli({"--email", "ana@example.gob.cl"});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  std::string file;
  for (const auto& e : std::filesystem::directory_iterator(setup.dir.File("state/outbox/new"))) {
    file = e.path();
  }
  CHECK(testing::ParseEmailWithPython(file).at("subject").as_string() ==
        "Prueba de plazo: Mensaje de prueba");

  setup.dir.Write("plantillas/es/subject.txt", "{{titular}}\n");
  r = setup.Cli({"--email", "ana@example.gob.cl"});
  CHECK(r.code == kExitInvalid);
  CHECK(r.err == setup.dir.File("plantillas/es/subject.txt") + ":1:1: unknown name 'titular'\n");
}

TEST_CASE("send-test --webhook posts a signed test payload", "[send-test]") {
  testing::ScratchDir logs;
  testing::PeerProcess receiver;
  StartReceiver(&receiver, logs.File("requests.jsonl"));
  Setup setup(WebhookSection("equipo-pil", receiver.port(), "/hooks/equipo-pil"));
  Run r = setup.Cli({"--webhook", "equipo-pil"});
  INFO(r.err);
  CHECK(r.code == kExitOk);
  CHECK(
      r.out.find(" to webhook equipo-pil via http://127.0.0.1:" + std::to_string(receiver.port()) +
                 ": webhook equipo-pil: HTTP 200") != std::string::npos);
  CheckNoSecret(r);
  std::vector<json::value> requests = testing::ReadJsonLines(logs.File("requests.jsonl"));
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].at("signature_ok").as_bool());
  json::value payload = json::parse(std::string(requests[0].at("body").as_string()));
  CHECK(payload.at("kind").as_string() == "test");
  CHECK(payload.at("destination").as_string() == "equipo-pil");
  CHECK(payload.at("items").as_array().empty());
  CHECK(payload.at("id") == requests[0].at("headers").at("webhook-id"));
}

TEST_CASE("send-test exits 3 with the reason when delivery fails, and never prints a secret",
          "[send-test]") {
  testing::ScratchDir logs, received;
  testing::PeerProcess receiver, smtp;
  StartReceiver(&receiver, logs.File("requests.jsonl"));
  StartSmtp(&smtp, received.path());

  Setup failing(WebhookSection("caido", receiver.port(), "/status/503"));
  Run r = failing.Cli({"--webhook", "caido"});
  CHECK(r.code == kExitDelivery);
  CHECK(r.err ==
        "plazod send-test: delivery to webhook caido failed (retryable): webhook caido: "
        "HTTP 503: {\"status\": 503}\n");
  CheckNoSecret(r);

  Setup no_secret("[webhook.sin-clave]\nurl = \"http://127.0.0.1:" +
                  std::to_string(receiver.port()) + "/x\"\nsecret_file = \"no-such-file\"\n");
  r = no_secret.Cli({"--webhook", "sin-clave"});
  CHECK(r.code == kExitDelivery);
  CHECK(r.err ==
        "plazod send-test: delivery to webhook sin-clave failed: webhook sin-clave: cannot "
        "read secret file " +
            no_secret.dir.File("no-such-file") + ": No such file or directory\n");

  Setup wrong_password(EmailSection(smtp.port(), "wrong-password"));
  wrong_password.dir.Write("wrong-password", "secreto-del-webhook\n");
  r = wrong_password.Cli({"--email", "ana@example.gob.cl"});
  CHECK(r.code == kExitDelivery);
  CHECK(r.err.find("plazod send-test: delivery to ana@example.gob.cl failed (retryable): smtp: ") ==
        0);
  CHECK(r.err.find("535") != std::string::npos);
  CheckNoSecret(r);

  Setup refused(EmailSection(smtp.port()));
  r = refused.Cli({"--email", "rechazo@example.gob.cl"});
  CHECK(r.code == kExitDelivery);
  CHECK(r.err.find("failed (permanent)") != std::string::npos);
}

TEST_CASE("send-test usage errors exit 2", "[send-test]") {
  Setup setup(WebhookSection("equipo-pil", 9, "/x"));
  Run r = setup.Cli({});
  CHECK(r.code == kExitUsage);
  CHECK(r.err == "plazod send-test: give either --email ADDR or --webhook NAME\n");
  CHECK(setup.Cli({"--email", "a@example.gob.cl", "--webhook", "equipo-pil"}).code == kExitUsage);
  r = setup.Cli({"--webhook", "equipo-pl"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err ==
        "plazod send-test: --webhook: no [webhook.equipo-pl] in the settings "
        "(did you mean 'equipo-pil'?)\n");
  r = setup.Cli({"--email", "ana@example.gob.cl\r\nBcc: intruso@example.com"});
  CHECK(r.code == kExitUsage);
  std::ostringstream out, err;
  CHECK(RunCli({"send-test", "--help"}, out, err) == kExitOk);
  CHECK(out.str().find("--webhook NAME") != std::string::npos);
}

}  // namespace
}  // namespace plazo
