// base/mailbox.h and base/ids.h: the address and id rules every layer
// shares. The settings and store diagnostics that use them are pinned by
// tests/data/bad; the rules themselves here.
#include <catch2/catch.hpp>

#include "base/ids.h"
#include "base/mailbox.h"

namespace plazo {
namespace {

TEST_CASE("addresses: a bare host name passes, but not where admins write them", "[mailbox]") {
  CHECK(IsEmailAddress("plazo@localhost"));
  CHECK_FALSE(IsQualifiedEmailAddress("plazo@localhost"));
  CHECK(IsQualifiedEmailAddress("jefe.control+pil@dipres.gob.cl"));
  for (const char* bad : {"", "@x.cl", "a@", "a b@x.cl", ".a@x.cl", "a.@x.cl", "a@b@x.cl",
                          "a@.x.cl", "a@-x.cl", "a@x.cl.", "a@x..cl", "\"a\"@x.cl", "a@[10.0.0.1]"}) {
    INFO(bad);
    CHECK_FALSE(IsEmailAddress(bad));
  }
}

TEST_CASE("ParseMailbox reads names and rejects header injection", "[mailbox]") {
  Mailbox m;
  REQUIRE(ParseMailbox("  Plazo <plazo@localhost>  ", &m));
  CHECK(m.name == "Plazo");
  CHECK(m.address == "plazo@localhost");
  REQUIRE(ParseMailbox("\"Jefa \\\"PIL\\\"\" <jefa@x.cl>", &m));
  CHECK(m.name == "Jefa \"PIL\"");
  REQUIRE(ParseMailbox("a@x.cl", &m));
  CHECK(m.name.empty());
  CHECK_FALSE(ParseMailbox("Plazo\r\nBcc: x@y.cl <plazo@x.cl>", &m));
  CHECK_FALSE(ParseMailbox("Plazo <plazo@x.cl", &m));
  CHECK(m.address == "a@x.cl");  // untouched by the failures
}

TEST_CASE("ids: slugs, tokens and safe file names", "[ids]") {
  CHECK(IsSlug("sence-intermediacion_2024.v2"));
  CHECK_FALSE(IsSlug("-sence"));
  CHECK_FALSE(IsSlug("Sence"));
  CHECK_FALSE(IsSlug(std::string(101, 'a')));
  CHECK(IsToken("ntf_0123ABCdef.1-2"));
  CHECK(IsToken(".hidden"));
  CHECK_FALSE(IsToken("a/b"));
  CHECK_FALSE(IsToken(""));
  CHECK_FALSE(IsToken(std::string(201, 'a')));
  CHECK(IsSafeFileName("ntf_0123"));
  CHECK_FALSE(IsSafeFileName(".."));
  CHECK_FALSE(IsSafeFileName(".hidden"));
}

}  // namespace
}  // namespace plazo
