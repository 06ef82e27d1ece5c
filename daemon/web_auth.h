// HTTP Basic authentication of the control unit's pages against the users
// of [http] users_file (config/users_file.h), as Prometheus' web
// configuration does it: bcrypt through crypt(3) from libxcrypt.
//
// bcrypt is slow on purpose (tens of milliseconds at cost 10) and runs on
// the daemon's event loop, so: a credential that verified is remembered
// for 10 minutes (by its SHA-256, never in clear); an unknown user costs a
// bcrypt run too, and hashes are compared in constant time, so that a
// failure says nothing about which part was wrong; each client address
// gets 5 failures a minute, and all clients together 60 bcrypt runs a
// minute, after which requests are refused (429) without running bcrypt.
#ifndef PLAZO_DAEMON_WEB_AUTH_H_
#define PLAZO_DAEMON_WEB_AUTH_H_

#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/model.h"
#include "config/users_file.h"

namespace plazo {

class WebAuth {
 public:
  enum class Verdict {
    kOk,       // the user is in `user`
    kMissing,  // no (or a malformed) Authorization: Basic header: 401
    kWrong,    // unknown user or wrong password: 401
    kLimited,  // too many failures from this client, or bcrypt runs in all: 429
  };
  struct Result {
    Verdict verdict = Verdict::kMissing;
    std::string user;
    int retry_after = 0;  // seconds, with kLimited
  };

  // Checks authorization, the value of a request's Authorization header
  // (empty when it had none), from client at now against users.
  Result Check(const WebUsers& users, std::string_view authorization, const std::string& client,
               Instant now);

 private:
  // What an unknown user's password is checked against, so that it costs
  // what a known user's does: a hash of "" at the cost of the users' first.
  const std::string& Decoy(const WebUsers& users);

  std::map<int, std::string> decoys_;  // by cost
  // SHA-256 of name, password and hash of credentials verified lately -> until when.
  std::unordered_map<std::string, Instant> verified_;
  std::map<std::string, std::deque<Instant>> failures_;  // per client, within the last minute
  std::deque<Instant> bcrypt_runs_;                      // all clients, within the last minute
};

// A bcrypt hash ($2b$, cost 4 to 31) of password with a fresh random salt,
// for a users_file line. Returns false with *error set when crypt(3) cannot
// make one.
[[nodiscard]] bool HashPassword(std::string_view password, int cost, std::string* hash,
                                std::string* error);

}  // namespace plazo

#endif  // PLAZO_DAEMON_WEB_AUTH_H_
