// Hashing that must give the same value in every run and every build (ids
// derived from content), which std::hash does not promise.
#ifndef PLAZO_BASE_HASH_H_
#define PLAZO_BASE_HASH_H_

#include <cstdint>
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

}  // namespace plazo

#endif  // PLAZO_BASE_HASH_H_
