#include "config/config_snapshot.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

#include "base/atomic_file.h"
#include "base/hash.h"
#include "config/file_text.h"

namespace plazo {
namespace {

constexpr std::string_view kMagic = "PLAZOCFG";
constexpr long long kMaxSnapshotSize = 4LL * 1024 * 1024 * 1024;

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Reads fixed-size fields and byte strings from a buffer, failing once
// anything would run past its end.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool U32(uint32_t* v) {
    uint64_t wide;
    if (!Fixed(4, &wide)) return false;
    *v = static_cast<uint32_t>(wide);
    return true;
  }
  bool U64(uint64_t* v) { return Fixed(8, v); }
  bool Bytes(uint32_t size, std::string* out) {
    if (data_.size() - at_ < size) return false;
    out->assign(data_.substr(at_, size));
    at_ += size;
    return true;
  }
  size_t remaining() const { return data_.size() - at_; }

 private:
  bool Fixed(size_t size, uint64_t* v) {
    if (data_.size() - at_ < size) return false;
    *v = 0;
    for (size_t i = 0; i < size; ++i) {
      *v |= static_cast<uint64_t>(static_cast<unsigned char>(data_[at_ + i])) << (8 * i);
    }
    at_ += size;
    return true;
  }

  std::string_view data_;
  size_t at_ = 0;
};

}  // namespace

std::string ConfigSnapshotPath(const std::string& state_dir) {
  return state_dir + "/last-good.config";
}

std::string EncodeConfigSnapshot(const AcceptedTexts& texts) {
  std::string out(kMagic);
  PutU32(out, kConfigSnapshotVersion);
  PutU32(out, static_cast<uint32_t>(texts.size()));
  for (const auto& [path, accepted] : texts) {
    PutU64(out, static_cast<uint64_t>(accepted.accepted_at));
    PutU32(out, static_cast<uint32_t>(path.size()));
    out += path;
    PutU32(out, static_cast<uint32_t>(accepted.text.size()));
    out += accepted.text;
  }
  PutU64(out, Fnv1a(out));
  return out;
}

bool DecodeConfigSnapshot(std::string_view data, AcceptedTexts* out, std::string* error) {
  if (data.substr(0, kMagic.size()) != kMagic) {
    *error = "not a plazo configuration snapshot";
    return false;
  }
  Reader r(data.substr(kMagic.size()));
  uint32_t version = 0, count = 0;
  if (!r.U32(&version)) {
    *error = "truncated";
    return false;
  }
  if (version != kConfigSnapshotVersion) {
    *error = "version " + std::to_string(version) + ", this plazod reads " +
             std::to_string(kConfigSnapshotVersion);
    return false;
  }
  // The checksum first: sizes in a damaged file must not be trusted.
  if (data.size() < kMagic.size() + 16) {
    *error = "truncated";
    return false;
  }
  std::string_view body = data.substr(0, data.size() - 8);
  Reader tail(data.substr(data.size() - 8));
  uint64_t sum = 0;
  (void)tail.U64(&sum);
  if (Fnv1a(body) != sum) {
    *error = "checksum mismatch";
    return false;
  }
  Reader records(body.substr(kMagic.size() + 4));
  AcceptedTexts texts;
  if (!records.U32(&count)) {
    *error = "truncated";
    return false;
  }
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t at = 0;
    uint32_t path_size = 0, text_size = 0;
    std::string path;
    AcceptedText accepted;
    if (!records.U64(&at) || !records.U32(&path_size) || !records.Bytes(path_size, &path) ||
        !records.U32(&text_size) || !records.Bytes(text_size, &accepted.text)) {
      *error = "truncated";
      return false;
    }
    accepted.accepted_at = static_cast<int64_t>(at);
    texts[std::move(path)] = std::move(accepted);
  }
  if (records.remaining() != 0) {
    *error = "trailing bytes after the last record";
    return false;
  }
  *out = std::move(texts);
  return true;
}

bool ReadConfigSnapshot(const std::string& path, AcceptedTexts* out, std::string* error) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    out->clear();
    return true;
  }
  // Snapshots of large stores may exceed what one input file may be.
  FileText file = ReadFileTextUpTo(path, kMaxSnapshotSize);
  if (!file.error.empty()) {
    *error = path + ": " + file.error;
    return false;
  }
  std::string why;
  if (!DecodeConfigSnapshot(file.text, out, &why)) {
    *error = path + ": " + why;
    return false;
  }
  return true;
}

bool WriteConfigSnapshot(const std::string& path, const AcceptedTexts& texts, std::string* error) {
  AtomicWriteOptions options;
  options.mode = 0640;
  return WriteFileAtomically(path, EncodeConfigSnapshot(texts), options, error);
}

}  // namespace plazo
