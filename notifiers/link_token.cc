#include "notifiers/link_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/atomic_file.h"
#include "notifiers/base64.h"

namespace plazo {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kMacSize = 16;  // 128 bits: forging stays out of reach, links stay short
constexpr size_t kKeySize = 32;
constexpr size_t kMaxField = 1024;  // a token is a URL: no field is longer than this

std::string Hmac(std::string_view key, std::string_view domain, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::string message;
  message.reserve(domain.size() + data.size());
  message.append(domain).append(data);
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string UrlSafe(std::string_view bytes) {
  std::string text = Base64Encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

bool FromUrlSafe(std::string_view text, std::string* out) {
  std::string b64(text);
  for (char& c : b64) {
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    } else if (c == '+' || c == '/' || c == '=') {
      return false;  // only the URL-safe alphabet, unpadded
    }
  }
  if (b64.size() % 4 == 1) return false;
  while (b64.size() % 4 != 0) b64 += '=';
  return Base64Decode(b64, out);
}

void PutInt(std::string& out, int64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void PutField(std::string& out, std::string_view s) {
  out += static_cast<char>((s.size() >> 8) & 0xff);
  out += static_cast<char>(s.size() & 0xff);
  out.append(s);
}

// Reads what PutInt and PutField wrote; false past the end.
struct Reader {
  std::string_view in;
  bool Int(int64_t* v) {
    if (in.size() < 8) return false;
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<unsigned char>(in[i]);
    *v = static_cast<int64_t>(u);
    in.remove_prefix(8);
    return true;
  }
  bool Field(std::string* s) {
    if (in.size() < 2) return false;
    size_t n = static_cast<unsigned char>(in[0]) * 256u + static_cast<unsigned char>(in[1]);
    if (n > kMaxField || in.size() < 2 + n) return false;
    s->assign(in.substr(2, n));
    in.remove_prefix(2 + n);
    return true;
  }
};

Instant FromSeconds(int64_t s) { return Instant(std::chrono::seconds(s)); }
int64_t Seconds(Instant t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool ParseHexKey(std::string_view text, std::string* key) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (text.size() != 2 * kKeySize) return false;
  key->clear();
  for (size_t i = 0; i < text.size(); i += 2) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = hex(text[i]), lo = hex(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    *key += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

bool ReadKeyFile(const std::string& path, std::string* key, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read the link key " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (!ParseHexKey(text.str(), key)) {
    *error = path + ":1:1: a link key is 64 hex digits (32 bytes)";
    return false;
  }
  return true;
}

}  // namespace

std::string LinkKeyPath(const std::string& state_dir) { return state_dir + "/link.key"; }

bool LinkKeys::LoadOrCreate(const std::string& state_dir, const std::string& previous_file,
                            LinkKeys* out, std::string* error) {
  std::string path = LinkKeyPath(state_dir);
  std::vector<std::string> keys(1);
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
    unsigned char bytes[kKeySize];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
      *error = "cannot make a link key: no randomness from OpenSSL";
      return false;
    }
    static const char* kHex = "0123456789abcdef";
    std::string text;
    for (unsigned char b : bytes) {
      text += kHex[b >> 4];
      text += kHex[b & 15];
    }
    text += '\n';
    AtomicWriteOptions options;
    options.mode = 0600;
    std::string why;
    if (!WriteFileAtomically(path, text, options, &why)) {
      *error = "cannot make the link key " + path + ": " + why;
      return false;
    }
  }
  if (!ReadKeyFile(path, &keys[0], error)) return false;
  if (!previous_file.empty()) {
    keys.emplace_back();
    if (!ReadKeyFile(previous_file, &keys[1], error)) return false;
  }
  *out = LinkKeys(std::move(keys));
  return true;
}

std::string LinkKeys::Sign(const LinkClaims& c) const {
  std::string data;
  data += static_cast<char>(kVersion);
  data += static_cast<char>(c.kind);
  PutInt(data, Seconds(c.issued));
  PutInt(data, c.expires ? Seconds(*c.expires) : 0);
  PutField(data, c.program);
  PutField(data, c.commitment);
  PutField(data, c.due);
  PutField(data, c.recipient);
  data += Hmac(keys_.front(), "plazo-link\n", data).substr(0, kMacSize);
  return UrlSafe(data);
}

LinkVerdict LinkKeys::Verify(std::string_view token, Instant now, LinkClaims* out) const {
  std::string data;
  if (token.size() > 8 * kMaxField || !FromUrlSafe(token, &data) || data.size() < 2 + kMacSize) {
    return LinkVerdict::kMalformed;
  }
  std::string_view signed_part = std::string_view(data).substr(0, data.size() - kMacSize);
  std::string_view mac = std::string_view(data).substr(data.size() - kMacSize);
  LinkClaims c;
  if (static_cast<uint8_t>(signed_part[0]) != kVersion) return LinkVerdict::kMalformed;
  uint8_t kind = static_cast<uint8_t>(signed_part[1]);
  if (kind != static_cast<uint8_t>(LinkKind::kAck) &&
      kind != static_cast<uint8_t>(LinkKind::kCalendar)) {
    return LinkVerdict::kMalformed;
  }
  c.kind = static_cast<LinkKind>(kind);
  Reader r{signed_part.substr(2)};
  int64_t issued = 0, expires = 0;
  if (!r.Int(&issued) || !r.Int(&expires) || !r.Field(&c.program) || !r.Field(&c.commitment) ||
      !r.Field(&c.due) || !r.Field(&c.recipient) || !r.in.empty()) {
    return LinkVerdict::kMalformed;
  }
  bool genuine = false;
  for (const std::string& key : keys_) {
    if (SameBytes(Hmac(key, "plazo-link\n", signed_part).substr(0, kMacSize), mac)) genuine = true;
  }
  if (!genuine) return LinkVerdict::kForged;
  c.issued = FromSeconds(issued);
  if (expires != 0) c.expires = FromSeconds(expires);
  *out = std::move(c);
  if (out->expires && now >= *out->expires) return LinkVerdict::kExpired;
  return LinkVerdict::kOk;
}

std::string LinkKeys::FormProof(std::string_view token) const {
  return UrlSafe(Hmac(keys_.front(), "plazo-form\n", token).substr(0, kMacSize));
}

bool LinkKeys::CheckFormProof(std::string_view token, std::string_view proof) const {
  bool ok = false;
  for (const std::string& key : keys_) {
    if (SameBytes(UrlSafe(Hmac(key, "plazo-form\n", token).substr(0, kMacSize)), proof)) ok = true;
  }
  return ok;
}

}  // namespace plazo
