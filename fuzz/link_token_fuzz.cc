// libFuzzer target: officers' links (notifiers/link_token.h) as they arrive
// in /ack/<token> and /calendar/<token>.ics, from anyone on the network.
// Verify must never crash or read out of bounds, must never accept what the
// key did not sign (a token it accepts signs back to itself), and a form
// proof must only match its own token.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "notifiers/link_token.h"

namespace {

const plazo::LinkKeys& Keys() {
  static const plazo::LinkKeys keys({std::string(32, 'k'), std::string(32, 'p')});
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  plazo::LinkClaims claims;
  plazo::LinkVerdict v =
      Keys().Verify(token, plazo::Instant(std::chrono::seconds(1'800'000'000)), &claims);
  if (v == plazo::LinkVerdict::kOk || v == plazo::LinkVerdict::kExpired) {
    // A genuine token (the seeds are some): its claims sign back to a
    // token that verifies to the same claims.
    plazo::LinkClaims again;
    if (Keys().Verify(Keys().Sign(claims), plazo::Instant(std::chrono::seconds(0)), &again) !=
            plazo::LinkVerdict::kOk ||
        !(again == claims)) {
      std::abort();
    }
  }
  if (Keys().CheckFormProof(token, Keys().FormProof(std::string(token) + "x"))) std::abort();
  return 0;
}
