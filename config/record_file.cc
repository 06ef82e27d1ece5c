#include "config/record_file.h"

#include "base/hash.h"

namespace plazo {

void PutU8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutI64(std::string& out, int64_t v) { PutU64(out, static_cast<uint64_t>(v)); }

void PutBytes(std::string& out, std::string_view bytes) {
  PutU32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

std::string RecordHeader(std::string_view magic, uint32_t version) {
  std::string out(magic);
  PutU32(out, version);
  return out;
}

uint64_t Fnv1aChecksum(std::string_view body) { return Fnv1a(body); }

void PutRecord(std::string& out, std::string_view body, RecordChecksum sum) {
  PutU32(out, static_cast<uint32_t>(body.size()));
  out.append(body);
  PutU64(out, sum(body));
}

bool ByteReader::Fixed(size_t size, uint64_t* v) {
  if (remaining() < size) {
    at_ = data_.size();
    return false;
  }
  *v = 0;
  for (size_t i = 0; i < size; ++i) {
    *v |= static_cast<uint64_t>(static_cast<unsigned char>(data_[at_ + i])) << (8 * i);
  }
  at_ += size;
  return true;
}

bool ByteReader::U8(uint8_t* v) {
  uint64_t wide;
  if (!Fixed(1, &wide)) return false;
  *v = static_cast<uint8_t>(wide);
  return true;
}

bool ByteReader::U32(uint32_t* v) {
  uint64_t wide;
  if (!Fixed(4, &wide)) return false;
  *v = static_cast<uint32_t>(wide);
  return true;
}

bool ByteReader::U64(uint64_t* v) { return Fixed(8, v); }

bool ByteReader::I64(int64_t* v) {
  uint64_t wide;
  if (!Fixed(8, &wide)) return false;
  *v = static_cast<int64_t>(wide);
  return true;
}

bool ByteReader::Raw(size_t size, std::string_view* out) {
  if (remaining() < size) {
    at_ = data_.size();
    return false;
  }
  *out = data_.substr(at_, size);
  at_ += size;
  return true;
}

bool ByteReader::Bytes(std::string_view* out) {
  uint32_t size = 0;
  return U32(&size) && Raw(size, out);
}

bool ByteReader::String(std::string* out) {
  std::string_view bytes;
  if (!Bytes(&bytes)) return false;
  out->assign(bytes);
  return true;
}

bool ScanRecords(std::string_view data, std::string_view magic, uint32_t version,
                 std::string_view what, const std::function<bool(std::string_view body)>& body,
                 std::string* damage, std::string* error) {
  damage->clear();
  if (data.substr(0, magic.size()) != magic) {
    *error = "not a plazo " + std::string(what);
    return false;
  }
  ByteReader r(data.substr(magic.size()));
  uint32_t found = 0;
  if (!r.U32(&found)) {
    *error = "not a plazo " + std::string(what);
    return false;
  }
  if (found != version) {
    *error = "version " + std::to_string(found) + ", this plazod reads " + std::to_string(version);
    return false;
  }
  while (r.remaining() > 0) {
    size_t start = r.at();
    uint32_t size = 0;
    uint64_t sum = 0;
    std::string_view record;
    if (!r.U32(&size) || !r.Raw(size, &record) || !r.U64(&sum) || Fnv1a(record) != sum ||
        !body(record)) {
      size_t offset = magic.size() + start;
      *damage = "a damaged record at byte " + std::to_string(offset) + "; the " +
                std::to_string(data.size() - offset) + " bytes from there are ignored";
      break;
    }
  }
  return true;
}

}  // namespace plazo
