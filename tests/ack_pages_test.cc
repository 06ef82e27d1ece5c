// The officers' pages (daemon/ack_pages.h) through Route(), on the bundled
// example with a link key and a ledger on disk: what GET shows, what POST
// records, and every refusal.
#include <catch2/catch.hpp>

#include "daemon/ack_pages.h"
#include "daemon/http_routes.h"
#include "ledger/ledger.h"
#include "planner/planner.h"
#include "tests/example_daemon.h"

namespace plazo {
namespace {

using std::chrono::hours;

Instant T(int64_t s) { return Instant(std::chrono::seconds(s)); }

const Instant kNow = T(1'764'000'000);  // 2025-11-24, before c1-p2 is due (2025-12-31)

struct Site : testing::ExampleDaemon {
  Site() : ExampleDaemon("public_url = \"https://plazo.example.gob.cl\"\n", kNow) {}

  // A link to c1-p2 for its owner, issued now, valid 10 days.
  std::string Token(std::string due = "") const {
    const Program& p = loaded->config.store.programs.at(0);
    LinkClaims c;
    c.kind = LinkKind::kAck;
    c.program = p.id;
    c.commitment = "c1-p2";
    for (const Commitment& part : p.commitments) {
      if (part.id == c.commitment) c.due = DueKey(part);
    }
    if (!due.empty()) c.due = due;
    c.recipient = "encargado.pil@example.gob.cl";
    c.issued = kNow;
    c.expires = kNow + hours(240);
    return loaded->link_keys->Sign(c);
  }

  HttpResponse Post(const std::string& token, std::map<std::string, std::string> form) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/ack/" + token;
    r.form = std::move(form);
    r.client = "192.0.2.7";
    r.proxied = true;
    return Route(r, state);
  }

  std::vector<Acknowledgement> Acks() {
    std::vector<Acknowledgement> acks;
    std::string error;
    REQUIRE(ledger->Acks(true, &acks, &error));
    return acks;
  }

  // The hidden proof of the page GET /ack/<token> shows.
  std::string Proof(const std::string& token) {
    std::string page = Get("/ack/" + token).body;
    std::string_view marker = "name=\"proof\" value=\"";
    size_t at = page.find(marker);
    REQUIRE(at != std::string::npos);
    at += marker.size();
    return page.substr(at, page.find('"', at) - at);
  }
};

TEST_CASE("GET /ack/ shows the part and a form, and changes nothing") {
  Site site;
  std::string token = site.Token();
  HttpResponse page = site.Get("/ack/" + token);
  CHECK(page.status == 200);
  CHECK(page.content_type.find("text/html") == 0);
  CHECK(page.body.find("Programa de Intermediación Laboral") != std::string::npos);
  CHECK(page.body.find("Ficha Ex Ante") != std::string::npos);
  CHECK(page.body.find("<form method=\"post\">") != std::string::npos);
  CHECK(site.Acks().empty());
  CHECK(site.enqueued.empty());
}

TEST_CASE("POST /ack/ records one acknowledgement with its webhook; a second says when") {
  Site site;
  std::string token = site.Token();
  HttpResponse done =
      site.Post(token, {{"proof", site.Proof(token)}, {"comment", "  por correo\r\n"}});
  CHECK(done.status == 200);
  CHECK(done.body.find("Confirmación registrada") != std::string::npos);
  auto acks = site.Acks();
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].commitment == "c1-p2");
  CHECK(acks[0].recipient == "encargado.pil@example.gob.cl");
  CHECK(acks[0].comment == "por correo");
  CHECK(acks[0].client == "192.0.2.7");
  REQUIRE(site.enqueued.size() == 1);
  CHECK(site.enqueued[0].destination == "equipo-pil");
  CHECK(site.enqueued[0].kind == "acknowledged");
  CHECK(site.enqueued[0].payload.find("\"comment\":\"por correo\"") != std::string::npos);

  CHECK(site.Get("/ack/" + token).body.find("Ya registrado") != std::string::npos);
  CHECK(site.Get("/metrics").body.find("\nplazo_acknowledged_parts 1\n") != std::string::npos);
  HttpResponse again = site.Post(token, {{"proof", site.loaded->link_keys->FormProof(token)}});
  CHECK(again.status == 200);
  CHECK(again.body.find("Ya registrado") != std::string::npos);
  CHECK(site.Acks().size() == 1);
  CHECK(site.enqueued.size() == 1);

  // An acknowledgement of a due date the part no longer has stays in the
  // ledger but is not counted.
  Acknowledgement stale = acks[0];
  stale.due = "2024-01-01";
  std::optional<Acknowledgement> existing;
  std::string error;
  REQUIRE(site.ledger->Acknowledge(stale, {}, kNow, &existing, &error));
  CHECK(site.Acks().size() == 2);
  CHECK(site.Get("/metrics").body.find("\nplazo_acknowledged_parts 1\n") != std::string::npos);
}

TEST_CASE("refused links and forms change nothing") {
  Site site;
  std::string token = site.Token();
  std::string proof = site.Proof(token);
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';

  CHECK(site.Get("/ack/" + tampered).status == 404);
  CHECK(site.Get("/ack/").status == 404);
  CHECK(site.Post(token, {}).status == 403);
  const LinkKeys& keys = *site.loaded->link_keys;
  CHECK(site.Post(token, {{"proof", keys.FormProof(site.Token("2025-06-30"))}}).status == 403);
  std::string moved = site.Token("2024-01-01");  // a due date the part no longer has
  CHECK(site.Get("/ack/" + moved).status == 410);
  CHECK(site.Post(moved, {{"proof", keys.FormProof(moved)}}).status == 410);
  CHECK(site.Post(token, {{"proof", proof}, {"comment", std::string(1001, 'x')}}).status == 413);
  site.state.now = kNow + hours(241);
  CHECK(site.Get("/ack/" + token).status == 410);
  CHECK(site.Post(token, {{"proof", proof}}).status == 410);
  CHECK(site.Acks().empty());
  CHECK(site.enqueued.empty());
}

TEST_CASE("a comment is counted in characters, not bytes") {
  Site site;
  std::string token = site.Token();
  std::string comment;
  for (int i = 0; i < 1000; ++i) comment += "ñ";
  CHECK(site.Post(token, {{"proof", site.Proof(token)}, {"comment", comment}}).status == 200);
  REQUIRE(site.Acks().size() == 1);
  CHECK(site.Acks()[0].comment == comment);
}

TEST_CASE("a revoked acknowledgement's link is refused; a newer link may acknowledge again") {
  Site site;
  std::string token = site.Token();
  REQUIRE(site.Post(token, {{"proof", site.Proof(token)}}).status == 200);
  int count = 0;
  std::string error;
  REQUIRE(site.ledger->RevokeAcks(site.loaded->config.store.programs[0].id, "c1-p2",
                                  kNow + hours(1), &count, &error));
  CHECK(count == 1);
  site.state.now = kNow + hours(2);
  CHECK(site.Get("/ack/" + token).status == 410);
  CHECK(site.Post(token, {{"proof", site.loaded->link_keys->FormProof(token)}}).status == 410);
  CHECK(site.Acks().size() == 1);  // the revoked one

  LinkClaims newer;
  REQUIRE(site.loaded->link_keys->Verify(token, kNow, &newer) == LinkVerdict::kOk);
  newer.issued = kNow + hours(2);
  std::string fresh = site.loaded->link_keys->Sign(newer);
  CHECK(site.Post(fresh, {{"proof", site.Proof(fresh)}}).status == 200);
  CHECK(site.Acks().size() == 2);
}

TEST_CASE("everyone's calendar is for local clients only; POST elsewhere is 405") {
  Site site;
  CHECK(site.Get("/calendar.ics").status == 403);
  HttpResponse all = site.Get("/calendar.ics", true);
  CHECK(all.status == 200);
  CHECK(all.body.find("BEGIN:VCALENDAR") == 0);
  HttpRequest post;
  post.method = "POST";
  post.path = "/metrics";
  CHECK(Route(post, site.state).status == 405);
}

}  // namespace
}  // namespace plazo
