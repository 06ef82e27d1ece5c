// Officers' signed links (notifiers/link_token.h) and what the ledger and
// the planner do with an acknowledgement.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "ledger/ledger.h"
#include "notifiers/link_token.h"
#include "planner/planner.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

Instant T(int64_t s) { return Instant(std::chrono::seconds(s)); }

LinkClaims AckClaims() {
  LinkClaims c;
  c.kind = LinkKind::kAck;
  c.program = "sence-intermediacion-laboral";
  c.commitment = "c8-p2";
  c.due = "2026-12-31";
  c.recipient = "encargado.pil@example.gob.cl";
  c.issued = T(1'800'000'000);
  c.expires = T(1'800'000'000 + 90 * 86400);
  return c;
}

const std::string kKeyA(32, 'a'), kKeyB(32, 'b');

TEST_CASE("a signed link gives back exactly its claims until it expires") {
  LinkKeys keys({kKeyA});
  std::string token = keys.Sign(AckClaims());
  CHECK(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
      std::string::npos);
  LinkClaims out;
  REQUIRE(keys.Verify(token, T(1'800'000'100), &out) == LinkVerdict::kOk);
  CHECK(out == AckClaims());
  CHECK(keys.Verify(token, *AckClaims().expires, &out) == LinkVerdict::kExpired);
  CHECK(out.commitment == "c8-p2");  // still says what it was for
}

TEST_CASE("a changed, truncated or foreign link is refused") {
  LinkKeys keys({kKeyA});
  std::string token = keys.Sign(AckClaims());
  LinkClaims out;
  for (size_t i = 0; i < token.size(); i += 7) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    LinkVerdict v = keys.Verify(t, T(1'800'000'100), &out);
    CHECK(v != LinkVerdict::kOk);
  }
  CHECK(keys.Verify(token.substr(0, token.size() - 2), T(0), &out) != LinkVerdict::kOk);
  CHECK(keys.Verify("", T(0), &out) == LinkVerdict::kMalformed);
  CHECK(keys.Verify("not a token!", T(0), &out) == LinkVerdict::kMalformed);
  CHECK(LinkKeys({kKeyB}).Verify(token, T(1'800'000'100), &out) == LinkVerdict::kForged);
}

TEST_CASE("during a key rotation links under the previous key still work") {
  std::string old_token = LinkKeys({kKeyA}).Sign(AckClaims());
  LinkKeys rotated({kKeyB, kKeyA});
  LinkClaims out;
  CHECK(rotated.Verify(old_token, T(1'800'000'100), &out) == LinkVerdict::kOk);
  CHECK(rotated.Verify(rotated.Sign(AckClaims()), T(1'800'000'100), &out) == LinkVerdict::kOk);
  CHECK(rotated.CheckFormProof(old_token, LinkKeys({kKeyA}).FormProof(old_token)));
  CHECK_FALSE(rotated.CheckFormProof(old_token, rotated.FormProof("another token")));
}

TEST_CASE("the link key is made once, readable by its owner only") {
  testing::TempDir dir;
  LinkKeys first, second;
  std::string error;
  REQUIRE(LinkKeys::LoadOrCreate(dir.path.string(), "", &first, &error));
  struct stat st {};
  REQUIRE(stat(LinkKeyPath(dir.path.string()).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(LinkKeys::LoadOrCreate(dir.path.string(), "", &second, &error));
  LinkClaims out;
  CHECK(second.Verify(first.Sign(AckClaims()), T(1'800'000'100), &out) == LinkVerdict::kOk);

  std::string bad = dir.Write("old.key", "not hex\n");
  CHECK_FALSE(LinkKeys::LoadOrCreate(dir.path.string(), bad, &second, &error));
  CHECK(error == bad + ":1:1: a link key is 64 hex digits (32 bytes)");
}

Acknowledgement Ack(const std::string& due, int64_t at) {
  Acknowledgement a;
  a.program = "p";
  a.commitment = "c1";
  a.due = due;
  a.status = "pendiente";
  a.recipient = "ana@example.gob.cl";
  a.at = T(at);
  a.comment = "enviado por correo";
  a.client = "192.0.2.7";
  return a;
}

TEST_CASE("an acknowledgement is recorded once, with its webhooks, and can be revoked") {
  testing::TempDir dir;
  std::string error;
  auto ledger = Ledger::Open(LedgerPath(dir.path.string()), &error);
  REQUIRE(ledger);
  Ledger::Enqueued hook;
  hook.entry = {"ack_1", "webhook", "equipo", "acknowledged", "{}", {}, 0, {}, {}, {}, {}};
  std::optional<Acknowledgement> existing;
  REQUIRE(ledger->Acknowledge(Ack("2026-12-31", 100), {hook}, T(100), &existing, &error));
  CHECK_FALSE(existing);
  // A second click: nothing written, the first one comes back.
  Ledger::Enqueued again = hook;
  again.entry.notification_id = "ack_2";
  REQUIRE(ledger->Acknowledge(Ack("2026-12-31", 200), {again}, T(200), &existing, &error));
  REQUIRE(existing);
  CHECK(existing->at == T(100));
  CHECK(existing->comment == "enviado por correo");
  std::optional<OutboxEntry> entry;
  REQUIRE(ledger->FindEntry("ack_1", &entry, &error));
  CHECK(entry);
  REQUIRE(ledger->FindEntry("ack_2", &entry, &error));
  CHECK_FALSE(entry);

  LedgerView view;
  REQUIRE(ledger->LoadView(&view, &error));
  CHECK(view.acknowledged == std::unordered_set<std::string>{"p/c1/2026-12-31/pendiente"});

  int count = 0;
  REQUIRE(ledger->RevokeAcks("p", "c1", T(300), &count, &error));
  CHECK(count == 1);
  REQUIRE(ledger->LoadView(&view, &error));
  CHECK(view.acknowledged.empty());
  std::optional<Acknowledgement> active;
  std::optional<Instant> revoked;
  REQUIRE(ledger->FindAck("p", "c1", "2026-12-31", &active, &revoked, &error));
  CHECK_FALSE(active);
  CHECK(revoked == T(300));
  // After a revocation a new acknowledgement may be recorded.
  REQUIRE(ledger->Acknowledge(Ack("2026-12-31", 400), {}, T(400), &existing, &error));
  CHECK_FALSE(existing);
  std::vector<Acknowledgement> all;
  REQUIRE(ledger->Acks(true, &all, &error));
  CHECK(all.size() == 2);
}

}  // namespace
}  // namespace plazo
