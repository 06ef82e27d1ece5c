#include "notifiers/signing.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "notifiers/base64.h"
#include "notifiers/secret.h"

namespace plazo {

bool WebhookKeyFromSecret(std::string_view secret, std::string* key, std::string* error) {
  constexpr std::string_view kPrefix = "whsec_";
  if (secret.substr(0, kPrefix.size()) != kPrefix) {
    if (secret.empty()) {
      *error = "the secret is empty";
      return false;
    }
    *key = std::string(secret);
    return true;
  }
  std::string decoded;
  if (!Base64Decode(secret.substr(kPrefix.size()), &decoded)) {
    *error = "the secret starts with whsec_ but what follows is not valid base64";
    return false;
  }
  if (decoded.empty()) {
    *error = "the secret is empty after whsec_";
    return false;
  }
  *key = std::move(decoded);
  return true;
}

bool LoadWebhookKeys(const Webhook& hook, WebhookKeys* keys, std::string* error) {
  WebhookKeys loaded;
  auto load = [&](const std::string& file, const std::string& env) {
    std::string secret, key, why;
    bool ok = LoadSecret(file, env, &secret, &why) && WebhookKeyFromSecret(secret, &key, &why);
    OPENSSL_cleanse(secret.data(), secret.size());
    if (!ok) {
      *error = "webhook " + hook.name + ": " + why;
      return false;
    }
    loaded.push_back(std::move(key));
    return true;
  };
  bool ok = true;
  if (hook.secret_files.empty()) {
    ok = load("", hook.secret_env);
  } else {
    for (const std::string& file : hook.secret_files) {
      if (!(ok = load(file, ""))) break;
    }
  }
  if (!ok) {
    for (std::string& k : loaded) OPENSSL_cleanse(k.data(), k.size());
    return false;
  }
  *keys = std::move(loaded);
  return true;
}

WebhookSignature SignWebhook(std::string_view key, std::string_view id, Instant timestamp,
                             std::string_view body) {
  WebhookSignature s;
  s.id = std::string(id);
  s.timestamp = std::to_string(timestamp.time_since_epoch().count());
  std::string signed_content;
  signed_content.reserve(id.size() + s.timestamp.size() + body.size() + 2);
  signed_content.append(id).append(".").append(s.timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), mac,
       &mac_size);
  s.signature = "v1," + Base64Encode(std::string_view(reinterpret_cast<char*>(mac), mac_size));
  return s;
}

WebhookSignature SignWebhook(const WebhookKeys& keys, std::string_view id, Instant timestamp,
                             std::string_view body) {
  WebhookSignature s;
  for (const std::string& key : keys) {
    WebhookSignature one = SignWebhook(key, id, timestamp, body);
    if (s.id.empty()) {
      s = std::move(one);
    } else {
      s.signature += " " + one.signature;
    }
  }
  return s;
}

}  // namespace plazo
