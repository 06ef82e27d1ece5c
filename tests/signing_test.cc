// Webhook signing (Standard Webhooks) and secret loading.
#include <cstdlib>

#include <catch2/catch.hpp>

#include "notifiers/base64.h"
#include "notifiers/secret.h"
#include "notifiers/signing.h"
#include "tests/peer_process.h"
#include "tests/test_paths.h"

namespace plazo {
namespace {

Instant Seconds(int64_t s) { return Instant(std::chrono::seconds(s)); }

TEST_CASE("signatures match the Standard Webhooks reference example", "[signing]") {
  // The example of the Standard Webhooks specification.
  std::string key, error;
  REQUIRE(WebhookKeyFromSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &key, &error));
  WebhookSignature s = SignWebhook(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", Seconds(1614265330),
                                   "{\"test\": 2432232314}");
  CHECK(s.id == "msg_p5jXN8AQM9LWM0D4loKWxJek");
  CHECK(s.timestamp == "1614265330");
  CHECK(s.signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // A secret without the prefix is used as bytes.
  REQUIRE(WebhookKeyFromSecret("plain-secret", &key, &error));
  CHECK(key == "plain-secret");
}

TEST_CASE("base64 round trips and refuses what is not base64", "[signing]") {
  std::string out;
  for (const std::string& data :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    REQUIRE(Base64Decode(Base64Encode(data), &out));
    CHECK(out == data);
  }
  CHECK(Base64Encode("plazo") == "cGxhem8=");
  CHECK_FALSE(Base64Decode("cGxhem8", &out));
  CHECK_FALSE(Base64Decode("cGx*em8=", &out));
  CHECK_FALSE(Base64Decode("cG=hem8=", &out));
  CHECK_FALSE(Base64Decode(" cGxhem8=", &out));
}

TEST_CASE("secrets come from files without a trailing newline, or from the environment",
          "[signing]") {
  testing::ScratchDir dir;
  std::string secret, error;
  dir.Write("s1", "abc\n");
  REQUIRE(LoadSecret(dir.File("s1"), "", &secret, &error));
  CHECK(secret == "abc");
  dir.Write("s2", "abc\r\n");
  REQUIRE(LoadSecret(dir.File("s2"), "", &secret, &error));
  CHECK(secret == "abc");
  dir.Write("s3", "abc\n\n");  // only one newline goes
  REQUIRE(LoadSecret(dir.File("s3"), "", &secret, &error));
  CHECK(secret == "abc\n");
  ::setenv("PLAZO_TEST_SECRET", "from-env", 1);
  REQUIRE(LoadSecret("", "PLAZO_TEST_SECRET", &secret, &error));
  CHECK(secret == "from-env");
  ::unsetenv("PLAZO_TEST_SECRET");

  Webhook hook;
  hook.name = "equipo-pil";
  hook.secret_files = {testing::ExamplesDir() + "/secrets/equipo-pil"};
  WebhookKeys keys;
  REQUIRE(LoadWebhookKeys(hook, &keys, &error));
  CHECK(keys == WebhookKeys{"plazo-example-secret-not-for-production"});
}

TEST_CASE("during a key rotation each secret signs and the header carries every signature",
          "[signing]") {
  testing::ScratchDir dir;
  dir.Write("old", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
  dir.Write("new", "a-new-plain-secret\n");
  Webhook hook;
  hook.name = "equipo";
  hook.secret_files = {dir.File("old"), dir.File("new")};
  WebhookKeys keys;
  std::string error;
  REQUIRE(LoadWebhookKeys(hook, &keys, &error));
  REQUIRE(keys.size() == 2);
  WebhookSignature both = SignWebhook(keys, "msg_1", Seconds(1614265330), "{}");
  WebhookSignature old_only = SignWebhook(keys[0], "msg_1", Seconds(1614265330), "{}");
  WebhookSignature new_only = SignWebhook(keys[1], "msg_1", Seconds(1614265330), "{}");
  CHECK(both.signature == old_only.signature + " " + new_only.signature);
  CHECK(both.timestamp == "1614265330");

  // One missing secret fails the rotation rather than signing with fewer keys.
  hook.secret_files.push_back(dir.File("missing"));
  CHECK_FALSE(LoadWebhookKeys(hook, &keys, &error));
  CHECK(error.find(dir.File("missing")) != std::string::npos);
}

TEST_CASE("secret errors say where and why, never what", "[signing]") {
  testing::ScratchDir dir;
  const std::string secret = "whsec_c3VwZXItc2VjcmV0*";  // not valid base64
  dir.Write("bad", secret + "\n");
  dir.Write("empty", "\n");
  WebhookKeys key;
  std::string error;
  Webhook hook;
  hook.name = "equipo";

  hook.secret_files = {dir.File("bad")};
  CHECK_FALSE(LoadWebhookKeys(hook, &key, &error));
  CHECK(error ==
        "webhook equipo: the secret starts with whsec_ but what follows is not valid base64");
  CHECK(error.find("c3VwZXItc2VjcmV0") == std::string::npos);

  hook.secret_files = {dir.File("empty")};
  CHECK_FALSE(LoadWebhookKeys(hook, &key, &error));
  CHECK(error == "webhook equipo: secret file " + dir.File("empty") + " is empty");

  hook.secret_files = {dir.File("missing")};
  CHECK_FALSE(LoadWebhookKeys(hook, &key, &error));
  CHECK(error == "webhook equipo: cannot read secret file " + dir.File("missing") +
                     ": No such file or directory");

  hook.secret_files = {dir.path()};
  CHECK_FALSE(LoadWebhookKeys(hook, &key, &error));
  CHECK(error == "webhook equipo: cannot read secret file " + dir.path() + ": not a regular file");

  hook.secret_files.clear();
  hook.secret_env = "PLAZO_TEST_UNSET_SECRET";
  ::unsetenv("PLAZO_TEST_UNSET_SECRET");
  CHECK_FALSE(LoadWebhookKeys(hook, &key, &error));
  CHECK(error == "webhook equipo: environment variable PLAZO_TEST_UNSET_SECRET is not set");
}

}  // namespace
}  // namespace plazo
