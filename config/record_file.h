// The framing of plazo's own binary state files (the last good configuration,
// config_snapshot.h, and the store snapshot, store_snapshot.h): a header
// naming the file's kind and version, then records each guarded by a
// checksum, integers little-endian:
//   header: 8-byte magic, u32 version
//   record: u32 body size, body, u64 checksum of the body
// The checksum is FNV-1a, or WordChecksum for a kind of file large enough
// for FNV-1a's speed to matter (the store snapshot).
// A reader stops at the first record that is torn or fails its checksum, so
// a crash in the middle of an append or a damaged sector is detected, never
// read as data.
#ifndef PLAZO_CONFIG_RECORD_FILE_H_
#define PLAZO_CONFIG_RECORD_FILE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace plazo {

inline constexpr size_t kRecordHeaderSize = 12;  // magic, version
// The largest such file a reader accepts: a large store's snapshots exceed
// what one input file may be.
inline constexpr long long kMaxRecordFileSize = 4LL * 1024 * 1024 * 1024;

// Appends fixed-size little-endian integers and sized byte strings to out.
void PutU8(std::string& out, uint8_t v);
void PutU32(std::string& out, uint32_t v);
void PutU64(std::string& out, uint64_t v);
void PutI64(std::string& out, int64_t v);
// A u32 size, then the bytes.
void PutBytes(std::string& out, std::string_view bytes);

// magic (8 bytes) and version.
std::string RecordHeader(std::string_view magic, uint32_t version);

// How a kind of record file checksums its records' bodies.
using RecordChecksum = uint64_t (*)(std::string_view body);
// FNV-1a (base/hash.h): the last good configuration's.
uint64_t Fnv1aChecksum(std::string_view body);

// Appends body to out as one record: its size, the body, its checksum.
void PutRecord(std::string& out, std::string_view body, RecordChecksum sum = Fnv1aChecksum);

// Reads what the Put functions wrote from a buffer, failing (and staying
// failed) once anything would run past its end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  [[nodiscard]] bool U8(uint8_t* v);
  [[nodiscard]] bool U32(uint32_t* v);
  [[nodiscard]] bool U64(uint64_t* v);
  [[nodiscard]] bool I64(int64_t* v);
  // size raw bytes.
  [[nodiscard]] bool Raw(size_t size, std::string_view* out);
  // What PutBytes wrote.
  [[nodiscard]] bool Bytes(std::string_view* out);
  [[nodiscard]] bool String(std::string* out);

  size_t at() const { return at_; }
  size_t remaining() const { return data_.size() - at_; }

 private:
  bool Fixed(size_t size, uint64_t* v);

  std::string_view data_;
  size_t at_ = 0;
};

// Checks data's header against magic and version, then calls body() for
// each record in order until one returns false. Returns false with *error
// one sentence ("not a plazo configuration snapshot" with what, "version
// 7, this plazod reads 1") when the header does not match. A torn or
// damaged record, or one body() refuses, ends the scan and is described in
// *damage ("a damaged record at byte N; the M bytes from there are
// ignored"), which is empty otherwise.
[[nodiscard]] bool ScanRecords(std::string_view data, std::string_view magic, uint32_t version,
                               std::string_view what,
                               const std::function<bool(std::string_view body)>& body,
                               std::string* damage, std::string* error);

}  // namespace plazo

#endif  // PLAZO_CONFIG_RECORD_FILE_H_
