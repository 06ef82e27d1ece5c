// Signed links for the people plazo writes to (issue 14): an officer's
// "I have sent the evidence" link (/ack/<token>) and calendar subscription
// (/calendar/<token>.ics). A token is the claims below, packed, with an
// HMAC-SHA256 (truncated to 128 bits) under a key of the state folder, in
// URL-safe base64 without padding: whoever holds a token may do exactly
// what it names, nothing else, and nobody can make one without the key.
// Nothing is stored per token: the ledger records only what a token was
// used for.
#ifndef PLAZO_NOTIFIERS_LINK_TOKEN_H_
#define PLAZO_NOTIFIERS_LINK_TOKEN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"

namespace plazo {

enum class LinkKind : uint8_t { kAck = 1, kCalendar = 2 };

// What a token grants.
struct LinkClaims {
  LinkKind kind = LinkKind::kAck;
  std::string program;     // program id
  std::string commitment;  // part id ("c4-p2"); empty for a calendar
  std::string due;         // DueKey() of the part when signed; empty for a calendar
  std::string recipient;   // the e-mail address the link was sent to
  Instant issued{};
  std::optional<Instant> expires;  // none: valid until the key changes

  friend bool operator==(const LinkClaims&, const LinkClaims&) = default;
};

// Why a token was refused.
enum class LinkVerdict { kOk, kMalformed, kForged, kExpired };

// The key file plazod makes in its state folder at first start.
std::string LinkKeyPath(const std::string& state_dir);

// The keys links are signed and checked with: the first signs, every one
// checks, so that links sent under the previous key keep working while a
// new key is rolled out.
class LinkKeys {
 public:
  // Reads <state_dir>/link.key, creating it first (32 random bytes as hex,
  // mode 0600, written atomically) when it does not exist, then, when
  // previous_file is not empty, the key there as a second key. Fails, with
  // *error naming the file, when a key file cannot be read or made, or does
  // not hold 64 hex digits.
  [[nodiscard]] static bool LoadOrCreate(const std::string& state_dir,
                                         const std::string& previous_file, LinkKeys* out,
                                         std::string* error);

  // Keys given directly (tests, fuzzing); the first signs.
  explicit LinkKeys(std::vector<std::string> keys = {}) : keys_(std::move(keys)) {}

  [[nodiscard]] bool empty() const { return keys_.empty(); }

  // The token for claims, under the first key. Requires !empty().
  std::string Sign(const LinkClaims& claims) const;

  // Checks token at now and, when it is genuine and current, fills *out.
  // kMalformed: not a token of this format; kForged: no key signed it (or
  // it was changed); kExpired: genuine but past its expiry (*out is filled,
  // so the page can say what it was for).
  [[nodiscard]] LinkVerdict Verify(std::string_view token, Instant now, LinkClaims* out) const;

  // A value bound to token and the key, for the hidden field of the form
  // that a token's page posts: a POST without it did not come from the page.
  std::string FormProof(std::string_view token) const;

  // Whether proof is FormProof(token) under any key, compared in constant
  // time.
  [[nodiscard]] bool CheckFormProof(std::string_view token, std::string_view proof) const;

 private:
  std::vector<std::string> keys_;  // raw bytes
};

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_LINK_TOKEN_H_
