// Signing webhook deliveries the Standard Webhooks way (SPEC 5.3), so that a
// receiver can check that a payload comes from plazo and was not replayed:
//   webhook-id:        the delivery id, the same on every retry
//   webhook-timestamp: Unix seconds of this attempt
//   webhook-signature: v1,<base64 of HMAC-SHA256(key, "id.timestamp.body")>
#ifndef PLAZO_NOTIFIERS_SIGNING_H_
#define PLAZO_NOTIFIERS_SIGNING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"

namespace plazo {

// The values of the three headers of one attempt.
struct WebhookSignature {
  std::string id;
  std::string timestamp;  // decimal Unix seconds
  std::string signature;  // "v1,<base64>"
};

// The HMAC key of a secret as written in a secret file or variable: the
// bytes after "whsec_" base64-decoded when it starts so (the Standard
// Webhooks convention), else the bytes themselves. Fails, with an *error
// that does not quote the secret, when the base64 is malformed or the key
// is empty.
[[nodiscard]] bool WebhookKeyFromSecret(std::string_view secret, std::string* key, std::string* error);

// The keys an endpoint signs with: one, or several while its secret is
// rotated (Standard Webhooks: one signature per key, the receiver accepts
// any).
using WebhookKeys = std::vector<std::string>;

// Reads hook's secrets (each of secret_files, or secret_env; secret.h) and
// derives their keys, in order. Fails when any cannot be read: a rotation
// with one secret missing is a mistake to report, not to paper over.
// *error names the webhook and where its secret was looked for, never the
// secret.
[[nodiscard]] bool LoadWebhookKeys(const Webhook& hook, WebhookKeys* keys, std::string* error);

// Signs body as delivery id at timestamp with key.
WebhookSignature SignWebhook(std::string_view key, std::string_view id, Instant timestamp,
                             std::string_view body);

// Signs with each of keys: the signature header holds one "v1,<base64>"
// per key, separated by spaces, in keys' order. keys must not be empty.
WebhookSignature SignWebhook(const WebhookKeys& keys, std::string_view id, Instant timestamp,
                             std::string_view body);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_SIGNING_H_
