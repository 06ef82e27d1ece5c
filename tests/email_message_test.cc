// The e-mail message bytes, read back by Python's email package (an
// independent implementation), and the outbox folder.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "config/time_text.h"
#include "notifiers/email_message.h"
#include "notifiers/outbox_folder.h"
#include "notifiers/render.h"
#include "tests/peer_process.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const date::time_zone* Santiago() { return FindZone("America/Santiago"); }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("\r\n", start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::string Unix(std::string text) {
  size_t at;
  while ((at = text.find("\r\n")) != std::string::npos) text.erase(at, 1);
  return text;
}

// A digest of the program below, rendered in Spanish.
struct Sample {
  Program program;
  Notification n;
  RenderedEmail rendered;
  EmailContent content;

  explicit Sample(const std::string& text) {
    program.id = "sence-intermediacion-laboral";
    program.name = "Programa de Intermediación Laboral";
    Commitment c;
    c.id = "c8-p2";
    c.number = 8;
    c.part = 2;
    c.text = text;
    c.verification = "Informe de resultados, año 2026.";
    c.due.date = *ParseIsoDate("2026-12-31");
    program.commitments = {c, c};
    program.commitments[1].id = "c9";
    program.commitments[1].number = 9;
    program.commitments[1].part = 1;
    n.id = "ntf_0123456789abcdef";
    n.at = *ParseInstant("2026-12-24T09:00:00-03:00", Santiago());
    n.destination = "encargado.pil@example.gob.cl";
    for (const Commitment& part : program.commitments) {
      PlannedItem i;
      i.program = &program;
      i.commitment = &part;
      i.stage.kind = StageKind::kBefore;
      i.stage_name = "before-7d";
      i.days_left = 7;
      n.items.push_back(i);
    }
    rendered = EmailRenderer::Builtin("es").Render(n, Santiago());
    content.id = n.id;
    content.from = "Plazo Alertas <plazo@example.gob.cl>";
    content.to = n.destination;
    content.subject = rendered.subject;
    content.text = rendered.text;
    content.html = rendered.html;
    content.date = n.at;
    content.zone = Santiago();
  }

  Sample(const Sample&) = delete;
};

std::string Build(const EmailContent& content) {
  std::string message, error;
  INFO(error);
  REQUIRE(BuildEmailMessage(content, &message, &error));
  return message;
}

json::value Parsed(const std::string& message, const testing::ScratchDir& dir) {
  dir.Write("m.eml", message);
  return testing::ParseEmailWithPython(dir.File("m.eml"));
}

std::vector<std::string> HeaderNames(const json::value& parsed) {
  std::vector<std::string> names;
  for (const json::value& h : parsed.at("headers").as_array()) {
    names.push_back(std::string(h.as_array().at(0).as_string()));
  }
  return names;
}

std::string Header(const json::value& parsed, const std::string& name) {
  for (const json::value& h : parsed.at("headers").as_array()) {
    if (h.as_array().at(0).as_string() == name) return std::string(h.as_array().at(1).as_string());
  }
  return "";
}

TEST_CASE("Date headers are RFC 5322 at the zone's offset, from the instant given", "[email]") {
  Instant t = *ParseInstant("2026-12-01T09:00:00-03:00", Santiago());
  CHECK(FormatEmailDate(t, Santiago()) == "Tue, 01 Dec 2026 09:00:00 -0300");
  CHECK(FormatEmailDate(t, nullptr) == "Tue, 01 Dec 2026 12:00:00 +0000");
  // Winter in Santiago is UTC-4.
  CHECK(FormatEmailDate(*ParseInstant("2026-07-06T09:05:03-04:00", Santiago()), Santiago()) ==
        "Mon, 06 Jul 2026 09:05:03 -0400");
}

TEST_CASE("encoded subjects keep whole characters and fold under 78 columns", "[email]") {
  CHECK(EncodeHeaderText("Plain ASCII subject", 9) == "Plain ASCII subject");
  std::string subject =
      "[plazo] 2 compromisos vencen en los próximos 30 días — Programa de Intermediación Laboral "
      "del Servicio Nacional de Capacitación y Empleo (ñandú, pingüino, acción)";
  std::string encoded = EncodeHeaderText(subject, 9);
  std::vector<std::string> lines = Lines(encoded);
  REQUIRE(lines.size() > 2);
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(lines[i].size() + (i == 0 ? 9 : 0) <= 78);
    std::string word = i == 0 ? lines[i] : lines[i].substr(1);
    CHECK(word.size() <= 75);
    CHECK(word.rfind("=?UTF-8?Q?", 0) == 0);
    CHECK(word.substr(word.size() - 2) == "?=");
    // A UTF-8 lead byte (=C3, =E2) is never the last thing in a word.
    CHECK_FALSE(word.substr(word.size() - 5, 3) == "=C3");
    CHECK_FALSE(word.substr(word.size() - 5, 3) == "=E2");
  }
}

TEST_CASE("quoted-printable bodies: short lines, CRLF, safe line starts", "[email]") {
  std::string qp = EncodeQuotedPrintable("línea uno = 1 \n.punto\nFrom here\n" +
                                         std::string(200, 'x') + "\nfin");
  for (const std::string& line : Lines(qp)) {
    INFO(line);
    CHECK(line.size() <= 76);
    CHECK(line.find('\n') == std::string::npos);
  }
  CHECK(qp.rfind("l=C3=ADnea uno =3D 1=20\r\n=2Epunto\r\n=46rom here\r\n", 0) == 0);
  CHECK(qp.substr(qp.size() - 5) == "\r\nfin");
}

TEST_CASE("a digest e-mail reads back with Python's email package", "[email]") {
  testing::ScratchDir dir;
  Sample s("Realizar el rediseño del Programa, incorporando la evaluación del piloto.");
  std::string message = Build(s.content);
  CHECK(Build(s.content) == message);  // same content, same bytes: retries resend them
  for (const std::string& line : Lines(message)) {
    INFO(line);
    CHECK(line.size() <= 78);
  }
  json::value parsed = Parsed(message, dir);
  CHECK(parsed.at("defects").as_array().empty());
  CHECK(parsed.at("bare_lf").as_bool() == false);
  CHECK(HeaderNames(parsed) == std::vector<std::string>{"Date", "From", "To", "Subject",
                                                        "Message-ID", "MIME-Version",
                                                        "Auto-Submitted", "X-Auto-Response-Suppress", "Content-Type"});
  CHECK(parsed.at("subject").as_string() ==
        "[plazo] 2 compromisos vencen en 7 días — Programa de Intermediación Laboral");
  CHECK(Header(parsed, "From") == "Plazo Alertas <plazo@example.gob.cl>");
  CHECK(Header(parsed, "To") == "encargado.pil@example.gob.cl");
  CHECK(Header(parsed, "Date") == "Thu, 24 Dec 2026 09:00:00 -0300");
  CHECK(Header(parsed, "Message-ID") == "<ntf_0123456789abcdef@example.gob.cl>");
  CHECK(parsed.at("content_type").as_string() == "multipart/alternative");
  const json::array& parts = parsed.at("parts").as_array();
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].at("type").as_string() == "text/plain");
  CHECK(parts[1].at("type").as_string() == "text/html");
  for (const json::value& p : parts) {
    CHECK(p.at("charset").as_string() == "utf-8");
    CHECK(p.at("encoding").as_string() == "quoted-printable");
  }
  CHECK(Unix(std::string(parts[0].at("text").as_string())) == s.rendered.text);
  CHECK(Unix(std::string(parts[1].at("text").as_string())) == s.rendered.html);
}

TEST_CASE("a program's digest carries its List-Id and the signature delimiter", "[email]") {
  testing::ScratchDir dir;
  Sample s("Entregar el informe.");
  s.content.list_id = s.program.id;
  s.content.list_name = s.program.name;
  json::value parsed = Parsed(Build(s.content), dir);
  CHECK(parsed.at("defects").as_array().empty());
  CHECK(Header(parsed, "List-Id") ==
        "Programa de Intermediación Laboral <sence-intermediacion-laboral.example.gob.cl>");
  CHECK(Header(parsed, "X-Auto-Response-Suppress") == "All");
  // "-- " on a line of its own: mail clients hide or dim what follows.
  std::string text(parsed.at("parts").as_array()[0].at("text").as_string());
  CHECK(Unix(text).find("\n-- \nAviso automático de plazo") != std::string::npos);

  s.content.list_id = "no es un token";
  std::string message, error;
  CHECK_FALSE(BuildEmailMessage(s.content, &message, &error));
  CHECK(error.find("list id") != std::string::npos);
}

TEST_CASE("store text with CR LF cannot add a header", "[email]") {
  testing::ScratchDir dir;
  Sample s("Cumplir.\r\nBcc: intruso@example.com\r\n\r\nOtro texto");
  s.program.name = "Programa\r\nBcc: intruso@example.com";
  s.content.subject = EmailRenderer::Builtin("es").Render(s.n, Santiago()).subject;
  s.content.text = EmailRenderer::Builtin("es").Render(s.n, Santiago()).text;
  std::string message = Build(s.content);
  // No header line starts with it (in the body it is body text).
  for (const std::string& line : Lines(message.substr(0, message.find("\r\n\r\n")))) {
    CHECK(line.rfind("Bcc:", 0) != 0);
  }
  json::value parsed = Parsed(message, dir);
  for (const std::string& name : HeaderNames(parsed)) CHECK(name != "Bcc");
  CHECK(parsed.at("subject").as_string() ==
        "[plazo] 2 compromisos vencen en 7 días — Programa  Bcc: intruso@example.com");
  // The text is still there, as body text.
  CHECK(parsed.at("parts").as_array()[0].at("text").as_string().find("Bcc: intruso@example.com") !=
        std::string::npos);

  std::string out, error;
  EmailContent c = s.content;
  c.to = "ana@example.gob.cl\r\nBcc: intruso@example.com";
  CHECK_FALSE(BuildEmailMessage(c, &out, &error));
  CHECK(error.find_first_of("\r\n") == std::string::npos);
  c.to = "Ana <ana@example.gob.cl>";
  CHECK_FALSE(BuildEmailMessage(c, &out, &error));
  c = s.content;
  c.from = "Plazo\r\nBcc: x@y.cl <plazo@example.gob.cl>";
  CHECK_FALSE(BuildEmailMessage(c, &out, &error));
  c = s.content;
  c.id = "ntf_1>\r\nBcc: x@y.cl";
  CHECK_FALSE(BuildEmailMessage(c, &out, &error));
}

TEST_CASE("display names are encoded or quoted as they need", "[email]") {
  testing::ScratchDir dir;
  Sample s("x");
  s.content.from =
      "Alertas de Cumplimiento — División de Control de Gestión Pública <plazo@example.gob.cl>";
  std::string message = Build(s.content);
  for (const std::string& line : Lines(message)) CHECK(line.size() <= 78);
  CHECK(Header(Parsed(message, dir), "From") ==
        "Alertas de Cumplimiento — División de Control de Gestión Pública <plazo@example.gob.cl>");
  s.content.from = "\"Plazo, Alertas\" <plazo@example.gob.cl>";
  CHECK(Header(Parsed(Build(s.content), dir), "From") ==
        "\"Plazo, Alertas\" <plazo@example.gob.cl>");
  Mailbox m;
  CHECK(ParseMailbox("\"Plazo, Alertas\" <plazo@example.gob.cl>", &m));
  CHECK(m.name == "Plazo, Alertas");
  CHECK(m.address == "plazo@example.gob.cl");
  CHECK_FALSE(ParseMailbox("plazo@example.gob.cl>", &m));
  CHECK_FALSE(ParseMailbox("a b@example.gob.cl", &m));
  CHECK_FALSE(ParseMailbox("nadie", &m));
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST_CASE("the outbox folder writes each message once, whole, as new/<id>.eml", "[email]") {
  testing::ScratchDir dir;
  OutboxFolder outbox(dir.path());
  CHECK(outbox.Describe() == "outbox folder " + dir.path() + "/outbox");
  OutgoingEmail mail{"ntf_0123456789abcdef", "ana@example.gob.cl", "Subject: x\r\n\r\nhola\r\n"};
  DeliveryResult r = outbox.Send(mail);
  CHECK(r.ok());
  std::string path = dir.path() + "/outbox/new/ntf_0123456789abcdef.eml";
  CHECK(outbox.PathFor(mail.id) == path);
  CHECK(r.detail == "written to " + path);
  CHECK(ReadFile(path) == mail.message);
  CHECK(fs::is_empty(dir.path() + "/outbox/tmp"));
  CHECK(fs::is_directory(dir.path() + "/outbox/cur"));

  // The same id again, e.g. a retry after a crash: nothing new is written.
  mail.message = "Subject: y\r\n\r\nchao\r\n";
  CHECK(outbox.Send(mail).ok());
  CHECK(ReadFile(path) == "Subject: x\r\n\r\nhola\r\n");
  // Also when a Maildir reader has moved it to cur/.
  fs::rename(path, dir.path() + "/outbox/cur/ntf_0123456789abcdef.eml:2,S");
  CHECK(outbox.Send(mail).ok());
  CHECK_FALSE(fs::exists(path));
  size_t files = 0;
  for (const auto& d : {"new", "cur", "tmp"}) {
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path() + "/outbox/" + d))
      ++files;
  }
  CHECK(files == 1);

  DeliveryResult unsafe = outbox.Send({"../escape", "ana@example.gob.cl", "x"});
  CHECK(unsafe.outcome == DeliveryOutcome::kPermanent);
  OutboxFolder nowhere(dir.path() + "/missing-state");
  DeliveryResult missing = nowhere.Send(mail);
  CHECK(missing.outcome == DeliveryOutcome::kRetry);
  CHECK(missing.detail ==
        "outbox: cannot create " + dir.path() + "/missing-state/outbox: No such file or directory");
}

TEST_CASE("the outbox folder removes only stale halves of messages from tmp/", "[email]") {
  testing::ScratchDir dir;
  OutboxFolder outbox(dir.path());
  CHECK(outbox.RemoveStaleTemporaries(fs::file_time_type::clock::now()) == 0);  // no tmp/ yet
  REQUIRE(outbox.Send({"ntf_kept", "ana@example.gob.cl", "x"}).ok());
  const std::string tmp = dir.path() + "/outbox/tmp/";
  std::ofstream(tmp + ".ntf_old.eml.AbCdEf") << "half a mess";
  std::ofstream(tmp + ".ntf_now.eml.GhIjKl") << "being written";
  auto now = fs::file_time_type::clock::now();
  fs::last_write_time(tmp + ".ntf_old.eml.AbCdEf", now - std::chrono::hours(1));

  CHECK(outbox.RemoveStaleTemporaries(now - std::chrono::minutes(10)) == 1);
  CHECK_FALSE(fs::exists(tmp + ".ntf_old.eml.AbCdEf"));
  CHECK(fs::exists(tmp + ".ntf_now.eml.GhIjKl"));
  CHECK(fs::exists(outbox.PathFor("ntf_kept")));  // delivered messages are never touched
}

}  // namespace
}  // namespace plazo
