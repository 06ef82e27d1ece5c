// The control unit's logins: the users file (config/users_file.h), Basic
// authentication with bcrypt and its limits (daemon/web_auth.h), and the
// routes that need it (daemon/http_routes.h).
#include <catch2/catch.hpp>

#include "config/users_file.h"
#include "daemon/http_routes.h"
#include "daemon/loaded_config.h"
#include "daemon/web_auth.h"
#include "ledger/ledger.h"
#include "notifiers/base64.h"
#include "tests/example_daemon.h"

namespace plazo {
namespace {

using std::chrono::seconds;

const Instant kNow = Instant(seconds(1'764'000'000));

std::string Basic(const std::string& user, const std::string& password) {
  return "Basic " + Base64Encode(user + ":" + password);
}

// A cost-4 hash: as good as any for the logic, and fast.
std::string Hash(const std::string& password) {
  std::string hash, error;
  REQUIRE(HashPassword(password, 4, &hash, &error));
  return hash;
}

TEST_CASE("a users file is name:bcrypt lines, with comments; mistakes are pinned to their place") {
  std::string hash = Hash("secreto");
  WebUsers users;
  Diagnostics diags;
  CHECK(ParseUsersFile("# control unit\n\nana:" + hash + "\r\n  beto:" + hash + "\n", "users",
                       &users, &diags));
  CHECK(diags.empty());
  CHECK(users.size() == 2);
  CHECK(users.at("beto") == hash);

  diags = {};
  CHECK_FALSE(ParseUsersFile("ana:" + hash + "\nbeto\ncarla:secreto\nana:" + hash + "\n", "users",
                             &users, &diags));
  CHECK(diags.ToString() ==
        "users:2:1: expected 'name:bcrypt-hash' (see plazod hash-password)\n"
        "users:3:7: the hash of 'carla' is not a bcrypt hash ($2b$...); make one with plazod "
        "hash-password\n"
        "users:4:1: user 'ana' is given twice\n");

  diags = {};
  CHECK_FALSE(ParseUsersFile("# nobody yet\n", "users", &users, &diags));
  CHECK(diags.ToString() ==
        "users:1:1: no users: add a 'name:bcrypt-hash' line (see plazod hash-password)\n");
}

TEST_CASE(
    "Basic authentication checks the bcrypt hash and says nothing about which part was wrong") {
  WebUsers users{{"ana", Hash("secreto")}};
  WebAuth auth;
  auto ok = auth.Check(users, Basic("ana", "secreto"), "192.0.2.1", kNow);
  CHECK(ok.verdict == WebAuth::Verdict::kOk);
  CHECK(ok.user == "ana");
  CHECK(auth.Check(users, Basic("ana", "secreto"), "192.0.2.1", kNow).verdict ==
        WebAuth::Verdict::kOk);
  CHECK(auth.Check(users, Basic("ana", "Secreto"), "192.0.2.1", kNow).verdict ==
        WebAuth::Verdict::kWrong);
  CHECK(auth.Check(users, Basic("nadie", "secreto"), "192.0.2.1", kNow).verdict ==
        WebAuth::Verdict::kWrong);
  CHECK(auth.Check(users, "", "192.0.2.1", kNow).verdict == WebAuth::Verdict::kMissing);
  CHECK(auth.Check(users, "Bearer abc", "192.0.2.1", kNow).verdict == WebAuth::Verdict::kMissing);
  CHECK(auth.Check(users, "Basic !!!", "192.0.2.1", kNow).verdict == WebAuth::Verdict::kMissing);
  CHECK(auth.Check(users, "Basic " + Base64Encode("sin-dos-puntos"), "192.0.2.1", kNow).verdict ==
        WebAuth::Verdict::kMissing);
}

TEST_CASE("five failures a minute from one client, then 429 until the minute is over") {
  WebUsers users{{"ana", Hash("secreto")}};
  WebAuth auth;
  for (int i = 0; i < 5; ++i) {
    CHECK(auth.Check(users, Basic("ana", "x"), "192.0.2.9", kNow + seconds(i)).verdict ==
          WebAuth::Verdict::kWrong);
  }
  auto limited = auth.Check(users, Basic("ana", "secreto"), "192.0.2.9", kNow + seconds(10));
  CHECK(limited.verdict == WebAuth::Verdict::kLimited);  // even with the right password
  CHECK(limited.retry_after == 50);
  // Another client is not held up.
  CHECK(auth.Check(users, Basic("ana", "secreto"), "192.0.2.10", kNow + seconds(10)).verdict ==
        WebAuth::Verdict::kOk);
  // A minute after the first failure, the client may try again.
  CHECK(auth.Check(users, Basic("ana", "secreto"), "192.0.2.9", kNow + seconds(61)).verdict ==
        WebAuth::Verdict::kOk);
}

// The bundled example with [http] and, when users is not empty, a users file.
struct Routes : testing::ExampleDaemon {
  explicit Routes(const std::string& users)
      : ExampleDaemon(users.empty() ? "" : "users_file = \"" + UsersFile(users) + "\"\n", kNow) {}

  // users in a file of their own (the settings' folder is made by ExampleDaemon).
  static std::string UsersFile(const std::string& users) {
    static testing::TempDir files;
    static int n = 0;
    return files.Write("users" + std::to_string(++n), users);
  }
};

TEST_CASE(
    "with users, pages with officers' addresses need a login; /healthz and /metrics stay open") {
  Routes site("ana:" + Hash("secreto") + "\n");
  for (const char* path : {"/api/v1/status", "/calendar.ics"}) {
    HttpResponse refused = site.Get(path, true);
    CHECK(refused.status == 401);
    CHECK(refused.headers == std::vector<std::pair<std::string, std::string>>{
                                 {"WWW-Authenticate", "Basic realm=\"plazo\", charset=\"UTF-8\""}});
    CHECK(site.Get(path, false, Basic("ana", "otra")).status == 401);
    CHECK(site.Get(path, false, Basic("ana", "secreto")).status == 200);
  }
  CHECK(site.Get("/healthz", false).status == 200);
  CHECK(site.Get("/metrics", false).status == 200);
}

TEST_CASE("without users, those pages answer local clients only") {
  Routes site("");
  CHECK(site.Get("/api/v1/status", true).status == 200);
  CHECK(site.Get("/api/v1/status", false).status == 403);
  CHECK(site.Get("/calendar.ics", false).status == 403);
  CHECK(site.Get("/api/v1/status", false, Basic("ana", "secreto")).status == 403);
}

TEST_CASE("a wrong users file keeps the settings from loading, naming the place") {
  testing::TempDir dir;
  std::string users = dir.Write("users", "ana:secreto\n");
  std::string settings =
      dir.Write("plazod.toml", "[http]\nlisten = \"127.0.0.1:0\"\nusers_file = \"users\"\n");
  auto run = testing::Cli({"check", "--config", settings, "--store", dir.path.string()});
  CHECK(run.code == 1);
  CHECK(run.err.find(users + ":1:5: the hash of 'ana' is not a bcrypt hash") != std::string::npos);
}

}  // namespace
}  // namespace plazo
