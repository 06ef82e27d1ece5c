#include "daemon/web_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "notifiers/base64.h"

namespace plazo {

namespace {

constexpr auto kRemember = std::chrono::minutes(10);
constexpr auto kWindow = std::chrono::minutes(1);
constexpr size_t kFailuresPerClient = 5;
constexpr size_t kBcryptRunsPerWindow = 60;
constexpr size_t kMaxRemembered = 1000;

// crypt(3) of password under setting; empty when crypt refuses.
std::string Crypt(const std::string& password, const char* setting) {
  auto data = std::make_unique<crypt_data>();  // 32 KiB: not on the stack
  const char* out = crypt_r(password.c_str(), setting, data.get());
  if (out == nullptr || out[0] == '*') return "";
  return out;
}

std::string Sha256(std::string_view a, std::string_view b, std::string_view c) {
  std::string text = std::string(a) + '\0' + std::string(b) + '\0' + std::string(c);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  OPENSSL_cleanse(text.data(), text.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

void Expire(std::deque<Instant>* times, Instant now) {
  while (!times->empty() && times->front() <= now - kWindow) times->pop_front();
}

int SecondsUntil(Instant then, Instant now) {
  return std::max<int>(
      1, static_cast<int>(std::chrono::ceil<std::chrono::seconds>(then - now).count()));
}

}  // namespace

WebAuth::Result WebAuth::Check(const WebUsers& users, std::string_view authorization,
                               const std::string& client, Instant now) {
  Result r;
  constexpr std::string_view kBasic = "Basic ";
  std::string decoded;
  if (authorization.size() <= kBasic.size() || authorization.substr(0, kBasic.size()) != kBasic ||
      !Base64Decode(authorization.substr(kBasic.size()), &decoded)) {
    return r;  // kMissing
  }
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return r;
  std::string name = decoded.substr(0, colon), password = decoded.substr(colon + 1);
  OPENSSL_cleanse(decoded.data(), decoded.size());

  auto user = users.find(name);
  const std::string& hash = user != users.end() ? user->second : Decoy(users);
  std::string key = Sha256(name, password, hash);
  auto known = verified_.find(key);
  if (known != verified_.end() && known->second > now && user != users.end()) {
    OPENSSL_cleanse(password.data(), password.size());
    return {Verdict::kOk, name, 0};
  }

  if (failures_.size() > kMaxRemembered) {  // many addresses: forget those with nothing recent
    for (auto it = failures_.begin(); it != failures_.end();) {
      it = it->second.empty() || it->second.back() <= now - kWindow ? failures_.erase(it)
                                                                    : std::next(it);
    }
  }
  std::deque<Instant>& failed = failures_[client];
  Expire(&failed, now);
  Expire(&bcrypt_runs_, now);
  if (failed.size() >= kFailuresPerClient || bcrypt_runs_.size() >= kBcryptRunsPerWindow) {
    Instant until = failed.size() >= kFailuresPerClient ? failed.front() + kWindow
                                                        : bcrypt_runs_.front() + kWindow;
    if (failed.empty()) failures_.erase(client);
    OPENSSL_cleanse(password.data(), password.size());
    return {Verdict::kLimited, "", SecondsUntil(until, now)};
  }
  bcrypt_runs_.push_back(now);
  std::string computed = Crypt(password, hash.c_str());
  OPENSSL_cleanse(password.data(), password.size());
  bool match = computed.size() == hash.size() &&
               CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
  if (!match || user == users.end()) {
    failed.push_back(now);
    return {Verdict::kWrong, "", 0};
  }
  if (failed.empty()) failures_.erase(client);
  if (verified_.size() >= kMaxRemembered) {
    for (auto it = verified_.begin(); it != verified_.end();)
      it = it->second <= now ? verified_.erase(it) : ++it;
    if (verified_.size() >= kMaxRemembered) verified_.clear();
  }
  verified_[key] = now + kRemember;
  return {Verdict::kOk, name, 0};
}

const std::string& WebAuth::Decoy(const WebUsers& users) {
  int cost = 10;
  if (!users.empty()) cost = std::stoi(users.begin()->second.substr(4, 2));
  std::string& decoy = decoys_[cost];
  std::string error;
  if (decoy.empty() && !HashPassword("", cost, &decoy, &error)) decoy = "$2b$10$";
  return decoy;
}

bool HashPassword(std::string_view password, int cost, std::string* hash, std::string* error) {
  if (cost < 4 || cost > 31) {
    *error = "the bcrypt cost is 4 to 31, not " + std::to_string(cost);
    return false;
  }
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // A null entropy source: libxcrypt reads the system's random bytes.
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting,
                       sizeof setting) == nullptr) {
    *error = "cannot make a bcrypt salt: " + std::string(std::strerror(errno));
    return false;
  }
  *hash = Crypt(std::string(password), setting);
  if (hash->empty()) {
    *error = "crypt(3) refused to hash the password";
    return false;
  }
  return true;
}

}  // namespace plazo
