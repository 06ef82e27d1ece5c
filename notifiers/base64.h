// Base64 (RFC 4648, standard alphabet, with padding), for webhook signatures
// and secrets and for RFC 2047 encoded words. OpenSSL does the work; this
// header keeps it out of its callers.
#ifndef PLAZO_NOTIFIERS_BASE64_H_
#define PLAZO_NOTIFIERS_BASE64_H_

#include <string>
#include <string_view>

namespace plazo {

// data in base64, on one line.
std::string Base64Encode(std::string_view data);

// Decodes base64 text (padding required, no line breaks or blanks). Returns
// false, leaving *out unspecified, on any character outside the alphabet or
// a length that is not a multiple of four.
[[nodiscard]] bool Base64Decode(std::string_view text, std::string* out);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_BASE64_H_
