#include "config/store_snapshot.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <cstring>
#include <filesystem>

#include <algorithm>

#include "base/hash.h"
#include "config/record_file.h"

namespace plazo {
namespace {

constexpr std::string_view kMagic = "PLAZOSTO";
// An entry is trusted only for a file modified at least this long before it
// was checked: coarse file system clocks tick in up to a second or two.
constexpr int64_t kRacyNs = 2'000'000'000;

enum RecordKind : uint8_t { kKeyRecord = 0, kFileRecord = 1 };

// Writes the model's values; Decoder reads them back in the same order.
struct Encoder {
  std::string out;

  void Int(int64_t v) { PutI64(out, v); }
  void Str(std::string_view s) { PutBytes(out, s); }
  void Day(Days d) { Int(d.time_since_epoch().count()); }
  void OptDay(const std::optional<Days>& d) {
    PutU8(out, d ? 1 : 0);
    if (d) Day(*d);
  }
  void Strs(const std::vector<std::string>& v) {
    PutU32(out, static_cast<uint32_t>(v.size()));
    for (const std::string& s : v) Str(s);
  }
  void PutSnooze(const Snooze& s) {
    OptDay(s.until);
    Str(s.reason);
  }
  void Pos(const SourcePos& pos) {
    Int(pos.line);
    Int(pos.column);
  }

  void PutPart(const Commitment& c) {
    Str(c.id);
    Int(c.number);
    Int(c.part);
    Str(c.recommendation);
    Str(c.text);
    Str(c.verification);
    Day(c.due.date);
    PutU8(out, c.due.instant ? 1 : 0);
    if (c.due.instant) Int(c.due.instant->time_since_epoch().count());
    PutU32(out, static_cast<uint32_t>(c.previous_due.size()));
    for (Days d : c.previous_due) Day(d);
    PutU8(out, static_cast<uint8_t>(c.status));
    OptDay(c.status_date);
    Str(c.observation);
    Str(c.evidence);
    OptDay(c.submitted);
    Strs(c.owners);
    Str(c.schedule);
    PutSnooze(c.snooze);
    Int(c.line);
    Int(c.column);
  }

  void PutProgram(const Program& p) {
    Str(p.id);
    Str(p.name);
    Str(p.ministry);
    Str(p.service);
    Int(p.evaluation_year);
    OptDay(p.report_date);
    PutU8(out, p.rating ? static_cast<uint8_t>(*p.rating) + 1 : 0);
    Str(p.observation);
    Str(p.schedule);
    PutSnooze(p.snooze);
    Strs(p.owners);
    Strs(p.webhooks);
    Pos(p.pos);
    PutU32(out, static_cast<uint32_t>(p.commitments.size()));
    for (const Commitment& c : p.commitments) PutPart(c);
  }
};

class Decoder {
 public:
  // Texts are borrowed from text_origin, where the bytes of data are in the
  // snapshot's own bytes (data may be a copy of them, read with pread).
  Decoder(std::string_view data, const std::string& file, const char* text_origin)
      : r_(data), file_(file), data_(data.data()), text_origin_(text_origin) {}

  bool Int(int64_t* v) { return r_.I64(v); }
  bool Int(int* v) {
    int64_t wide = 0;
    if (!r_.I64(&wide) || wide < INT32_MIN || wide > INT32_MAX) return false;
    *v = static_cast<int>(wide);
    return true;
  }
  bool Str(std::string* s) { return r_.String(s); }
  // A text is borrowed from the snapshot's bytes, never copied.
  bool Str(StoreText* s) {
    std::string_view bytes;
    if (!r_.Bytes(&bytes)) return false;
    *s = StoreText::Borrow(std::string_view(text_origin_ + (bytes.data() - data_), bytes.size()));
    return true;
  }
  bool Day(Days* d) {
    int64_t n = 0;
    // Dates of years 0 to 9999 only: what a store file can spell.
    if (!r_.I64(&n) || n < -719528 || n > 2932896) return false;
    *d = Days(date::days(n));
    return true;
  }
  bool Flag(bool* v) {
    uint8_t b = 0;
    if (!r_.U8(&b) || b > 1) return false;
    *v = b == 1;
    return true;
  }
  bool OptDay(std::optional<Days>* d) {
    bool has = false;
    if (!Flag(&has)) return false;
    if (!has) return true;
    Days day;
    if (!Day(&day)) return false;
    *d = day;
    return true;
  }
  bool Count(uint32_t* n, size_t min_bytes_each) {
    // A count the rest of the data cannot hold is damage, not an allocation.
    return r_.U32(n) && static_cast<uint64_t>(*n) * min_bytes_each <= r_.remaining();
  }
  bool Strs(std::vector<std::string>* v) {
    uint32_t n = 0;
    if (!Count(&n, 4)) return false;
    v->resize(n);
    for (std::string& s : *v) {
      if (!Str(&s)) return false;
    }
    return true;
  }
  bool GetSnooze(Snooze* s) { return OptDay(&s->until) && Str(&s->reason); }
  bool Pos(SourcePos* pos) {
    pos->file = file_;
    return Int(&pos->line) && Int(&pos->column);
  }
  bool GetStatus(Status* s) {
    uint8_t b = 0;
    if (!r_.U8(&b) || b > static_cast<uint8_t>(Status::kCumplido)) return false;
    *s = static_cast<Status>(b);
    return true;
  }

  bool GetPart(Commitment* c) {
    bool has_instant = false;
    uint32_t previous = 0;
    if (!Str(&c->id) || !Int(&c->number) || !Int(&c->part) || !Str(&c->recommendation) ||
        !Str(&c->text) || !Str(&c->verification) || !Day(&c->due.date) || !Flag(&has_instant)) {
      return false;
    }
    if (has_instant) {
      int64_t seconds = 0;
      if (!Int(&seconds)) return false;
      c->due.instant = Instant(std::chrono::seconds(seconds));
    }
    if (!Count(&previous, 8)) return false;
    c->previous_due.resize(previous);
    for (Days& d : c->previous_due) {
      if (!Day(&d)) return false;
    }
    return GetStatus(&c->status) && OptDay(&c->status_date) && Str(&c->observation) &&
           Str(&c->evidence) && OptDay(&c->submitted) && Strs(&c->owners) && Str(&c->schedule) &&
           GetSnooze(&c->snooze) && Int(&c->line) && Int(&c->column);
  }

  bool GetProgram(Program* p) {
    uint8_t rating = 0;
    if (!Str(&p->id) || !Str(&p->name) || !Str(&p->ministry) || !Str(&p->service) ||
        !Int(&p->evaluation_year) || !OptDay(&p->report_date) || !r_.U8(&rating) ||
        rating > static_cast<uint8_t>(Status::kCumplido) + 1) {
      return false;
    }
    if (rating > 0) p->rating = static_cast<Status>(rating - 1);
    uint32_t parts = 0;
    if (!Str(&p->observation) || !Str(&p->schedule) || !GetSnooze(&p->snooze) ||
        !Strs(&p->owners) || !Strs(&p->webhooks) || !Pos(&p->pos) || !Count(&parts, 64) ||
        parts > 65535) {
      return false;
    }
    p->commitments.resize(parts);
    for (Commitment& c : p->commitments) {
      if (!GetPart(&c)) return false;
    }
    return true;
  }

  bool Warnings(std::vector<Diagnostic>* out) {
    uint32_t n = 0;
    if (!Count(&n, 20)) return false;
    out->resize(n);
    for (Diagnostic& d : *out) {
      if (!Pos(&d.pos) || !Str(&d.message)) return false;
    }
    return true;
  }

  bool AtEnd() const { return r_.remaining() == 0; }

 private:
  ByteReader r_;
  const std::string& file_;
  const char* data_;
  const char* text_origin_;
};

// The most a file record's header can take: kind, a path of at most
// PATH_MAX bytes with its size, identity, check time and text hash.
constexpr size_t kMaxEntryHeader = 1 + 4 + 4096 + 6 * 8;

}  // namespace

std::string StoreSnapshotPath(const std::string& state_dir) {
  return state_dir + "/store.snapshot";
}

std::string SnapshotKey(const std::string& store_dir, const std::string& path) {
  return (std::filesystem::path(store_dir) / std::filesystem::path(path).filename()).string();
}

bool IdentityOf(const std::string& path, FileIdentity* out) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  out->device = static_cast<uint64_t>(st.st_dev);
  out->inode = static_cast<uint64_t>(st.st_ino);
  out->size = static_cast<uint64_t>(st.st_size);
  out->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return true;
}

int64_t NowNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t StoreSettingsKey(const Settings& settings) {
  // What ParseStoreFile looks up in the settings: schedule and webhook
  // names. Both maps iterate in order, so equal settings give equal keys.
  uint64_t h = Fnv1a("schedules\n");
  for (const auto& [name, _] : settings.schedules) h = Fnv1a("\n", Fnv1a(name, h));
  h = Fnv1a("webhooks\n", h);
  for (const auto& [name, _] : settings.webhooks) h = Fnv1a("\n", Fnv1a(name, h));
  return h;
}

bool SnapshotEntry::Matches(const FileIdentity& now) const {
  return identity == now && identity.mtime_ns + kRacyNs <= checked_ns;
}

std::string EncodeSnapshotFile(const std::string& path, const FileIdentity& identity,
                               int64_t checked_ns, uint64_t text_hash, const Program& program,
                               const std::vector<Diagnostic>& warnings) {
  Encoder e;
  PutU8(e.out, kFileRecord);
  e.Str(path);
  PutU64(e.out, identity.device);
  PutU64(e.out, identity.inode);
  PutU64(e.out, identity.size);
  PutI64(e.out, identity.mtime_ns);
  PutI64(e.out, checked_ns);
  PutU64(e.out, text_hash);
  // What follows starts at SnapshotEntry::encoded_at.
  PutU32(e.out, static_cast<uint32_t>(warnings.size()));
  for (const Diagnostic& d : warnings) {
    e.Pos(d.pos);
    e.Str(d.message);
  }
  e.PutProgram(program);
  std::string record;
  PutRecord(record, e.out, WordChecksum);
  return record;
}

std::string EncodeSnapshotStart(uint64_t settings_key) {
  std::string body;
  PutU8(body, kKeyRecord);
  PutU64(body, settings_key);
  std::string start = RecordHeader(kMagic, kStoreSnapshotVersion);
  PutRecord(start, body, WordChecksum);
  return start;
}

bool StoreSnapshot::ReadAt(size_t offset, size_t size, std::string* buffer,
                           std::string_view* out) const {
  if (offset > bytes.size() || size > bytes.size() - offset) return false;
  if (fd < 0) {
    *out = bytes.substr(offset, size);
    return true;
  }
  // Grown, never shrunk: a worker reuses one buffer for all its records.
  if (buffer->size() < size) buffer->resize(size);
  for (size_t done = 0; done < size;) {
    ssize_t n = ::pread(fd, buffer->data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  *out = std::string_view(*buffer).substr(0, size);
  return true;
}

bool DecodeEntry(const StoreSnapshot& snapshot, const SnapshotEntry& entry, const std::string& path,
                 Program* out, std::vector<Diagnostic>* warnings, std::string* buffer) {
  std::string_view record;
  if (entry.size < 12 || entry.encoded_at < 5 || entry.encoded_at > entry.size - 8 ||
      !snapshot.ReadAt(entry.offset, entry.size, buffer, &record)) {
    return false;
  }
  ByteReader frame(record);
  uint32_t size = 0;
  uint64_t sum = 0;
  std::string_view body;
  if (!frame.U32(&size) || size != entry.size - 12 || !frame.Raw(size, &body) || !frame.U64(&sum) ||
      WordChecksum(body) != sum) {
    return false;
  }
  std::string_view encoded = record.substr(entry.encoded_at, entry.size - 8 - entry.encoded_at);
  Decoder d(encoded, path, snapshot.bytes.data() + entry.offset + entry.encoded_at);
  Program p;
  std::vector<Diagnostic> w;
  if (!d.Warnings(&w) || !d.GetProgram(&p) || !d.AtEnd()) return false;
  p.text_bytes = snapshot.owner;
  *out = std::move(p);
  *warnings = std::move(w);
  return true;
}

bool ReadRecord(const StoreSnapshot& snapshot, const SnapshotEntry& entry, std::string* out) {
  std::string_view record;
  if (!snapshot.ReadAt(entry.offset, entry.size, out, &record)) return false;
  if (record.data() != out->data()) {
    out->assign(record);
  } else {
    out->resize(record.size());
  }
  return true;
}

bool DecodeStoreSnapshot(std::shared_ptr<const std::string> bytes, StoreSnapshot* out,
                         std::string* error) {
  StoreSnapshot s;
  s.bytes = *bytes;
  s.owner = std::move(bytes);
  if (!DecodeStoreSnapshot(&s, error)) return false;
  *out = std::move(s);
  return true;
}

bool DecodeStoreSnapshot(StoreSnapshot* s, std::string* error) {
  const size_t total = s->bytes.size();
  std::string buffer;
  std::string_view head;
  uint32_t version = 0;
  if (!s->ReadAt(0, std::min(total, kRecordHeaderSize), &buffer, &head) ||
      head.substr(0, kMagic.size()) != kMagic ||
      !ByteReader(head.substr(kMagic.size())).U32(&version)) {
    *error = "not a plazo store snapshot";
    return false;
  }
  if (version != kStoreSnapshotVersion) {
    *error = "version " + std::to_string(version) + ", this plazod reads " +
             std::to_string(kStoreSnapshotVersion);
    return false;
  }
  bool have_key = false;
  // Reads the framing and the header of the record at at; false when it
  // is torn, damaged or out of place.
  auto record = [&](size_t at, size_t* framed) {
    std::string_view bytes;
    uint32_t size = 0;
    // In size_t: a size near 4 GiB must not wrap to a frame of 0 bytes,
    // which would read the same record forever.
    if (total - at < 12 || !s->ReadAt(at, 4, &buffer, &bytes) || !ByteReader(bytes).U32(&size) ||
        size_t{size} + 12 > total - at) {
      return false;
    }
    *framed = size_t{size} + 12;
    uint8_t kind = 0;
    if (!s->ReadAt(at + 4, std::min<size_t>(size, kMaxEntryHeader), &buffer, &bytes) ||
        !ByteReader(bytes).U8(&kind)) {
      return false;
    }
    if (kind == kKeyRecord) {
      // Small, and everything depends on it: checked now.
      uint64_t sum = 0;
      ByteReader r(bytes);
      if (have_key || size != 9 || !r.U8(&kind) || !r.U64(&s->settings_key) ||
          !s->ReadAt(at + 4, size + 8, &buffer, &bytes) ||
          !ByteReader(bytes.substr(size)).U64(&sum) || WordChecksum(bytes.substr(0, size)) != sum) {
        return false;
      }
      have_key = true;
      return true;
    }
    // The header is read unchecked: a damaged one names a file that does
    // not match, or fails DecodeEntry's check like a damaged body.
    ByteReader r(bytes);
    SnapshotEntry e;
    std::string path;
    if (kind != kFileRecord || !have_key || !r.U8(&kind) || !r.String(&path) ||
        !r.U64(&e.identity.device) || !r.U64(&e.identity.inode) || !r.U64(&e.identity.size) ||
        !r.I64(&e.identity.mtime_ns) || !r.I64(&e.checked_ns) || !r.U64(&e.text_hash)) {
      return false;
    }
    e.offset = at;
    e.size = *framed;
    e.encoded_at = 4 + r.at();
    // A later record of a path replaces an earlier one: the daemon appends
    // the record of each file it reloads alone (AppendToStoreSnapshot).
    s->files.insert_or_assign(std::move(path), e);
    return true;
  };
  for (size_t at = kRecordHeaderSize, framed = 0; at < total; at += framed) {
    if (!record(at, &framed)) {
      *error = "a damaged record at byte " + std::to_string(at) + "; the " +
               std::to_string(total - at) + " bytes from there are ignored";
      return false;
    }
  }
  if (!have_key) {
    *error = "no settings record: the snapshot is truncated";
    return false;
  }
  return true;
}

bool ReadStoreSnapshot(const std::string& path, StoreSnapshot* out, std::string* error) {
  *out = StoreSnapshot();
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return true;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxRecordFileSize) {
    *error = path + ": cannot read: " +
             (fd < 0 ? std::strerror(errno) : "not a regular file of a snapshot's size");
    if (fd >= 0) ::close(fd);
    return false;
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* map = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
  if (map == MAP_FAILED) {
    *error = path + ": cannot map: " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  // The daemon replaces the file by rename, never in place, so the mapping
  // and the descriptor keep the bytes they were made from.
  StoreSnapshot s;
  s.owner = std::shared_ptr<const void>(map, [size](const void* p) {
    if (p != nullptr) ::munmap(const_cast<void*>(p), size);
  });
  s.bytes = std::string_view(static_cast<const char*>(map), map != nullptr ? size : 0);
  s.fd = fd;
  s.fd_closer = std::shared_ptr<const void>(nullptr, [fd](const void*) { ::close(fd); });
  if (!DecodeStoreSnapshot(&s, error)) {
    *error = path + ": " + *error;
    return false;
  }
  *out = std::move(s);
  return true;
}

}  // namespace plazo
