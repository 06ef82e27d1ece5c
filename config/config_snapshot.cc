#include "config/config_snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/atomic_file.h"
#include "base/hash.h"
#include "config/file_text.h"
#include "config/record_file.h"

namespace plazo {
namespace {

constexpr std::string_view kMagic = "PLAZOCFG";

std::string Header() { return RecordHeader(kMagic, kConfigSnapshotVersion); }

void PutTextRecord(std::string& out, const std::string& path, const AcceptedText* accepted) {
  std::string body;
  PutU64(body, static_cast<uint64_t>(accepted ? accepted->accepted_at : 0));
  PutU8(body, accepted ? 0 : 1);
  PutBytes(body, path);
  PutBytes(body, accepted ? std::string_view(accepted->text) : std::string_view());
  plazo::PutRecord(out, body);
}

// Applies one record's body to texts; false when the body is malformed.
bool ApplyBody(std::string_view body, AcceptedTexts* texts) {
  ByteReader r(body);
  uint64_t at = 0;
  uint8_t removed = 0;
  std::string_view path, text;
  if (!r.U64(&at) || !r.U8(&removed) || removed > 1 || !r.Bytes(&path) || !r.Bytes(&text) ||
      r.remaining() != 0) {
    return false;
  }
  if (removed) {
    texts->erase(std::string(path));
  } else {
    (*texts)[std::string(path)] = AcceptedText{std::string(text), static_cast<int64_t>(at)};
  }
  return true;
}

}  // namespace

std::string ConfigSnapshotPath(const std::string& state_dir) {
  return state_dir + "/last-good.config";
}

std::string EncodeConfigSnapshot(const AcceptedTexts& texts) {
  std::string out = Header();
  for (const auto& [path, accepted] : texts) PutTextRecord(out, path, &accepted);
  return out;
}

std::string EncodeSnapshotEdits(const std::vector<SnapshotEdit>& edits) {
  std::string out;
  for (const SnapshotEdit& e : edits)
    PutTextRecord(out, e.path, e.accepted ? &*e.accepted : nullptr);
  return out;
}

bool DecodeConfigSnapshot(std::string_view data, AcceptedTexts* out, std::string* damage,
                          std::string* error) {
  AcceptedTexts texts;
  if (!ScanRecords(
          data, kMagic, kConfigSnapshotVersion, "configuration snapshot",
          [&](std::string_view body) { return ApplyBody(body, &texts); }, damage, error)) {
    return false;
  }
  *out = std::move(texts);
  return true;
}

bool ConfigSnapshotFile::Read(AcceptedTexts* out, std::string* warning, std::string* error) const {
  out->clear();
  warning->clear();
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0 && errno == ENOENT) return true;
  FileText file = ReadFileTextUpTo(path_, kMaxRecordFileSize);
  if (!file.error.empty()) {
    *error = path_ + ": " + file.error;
    return false;
  }
  std::string damage, why;
  if (!DecodeConfigSnapshot(file.text, out, &damage, &why)) {
    *error = path_ + ": " + why;
    return false;
  }
  if (!damage.empty()) *warning = path_ + ": " + damage;
  return true;
}

bool ConfigSnapshotFile::Replace(const AcceptedTexts& texts, std::string* error) {
  std::vector<std::string> paths;
  for (const auto& [path, _] : texts) paths.push_back(path);
  return Replace(
      paths, [&](const std::string& path) { return std::optional(texts.at(path)); }, error);
}

bool ConfigSnapshotFile::Replace(
    const std::vector<std::string>& paths,
    const std::function<std::optional<AcceptedText>(const std::string& path)>& text_of,
    std::string* error) {
  std::map<std::string, uint64_t> records, hashes;
  uint64_t bytes = 0;
  size_t next = 0;
  bool header = false;
  auto piece = [&]() -> std::optional<std::string> {
    if (!header) {
      header = true;
      bytes = kRecordHeaderSize;
      return Header();
    }
    while (next < paths.size()) {
      const std::string& path = paths[next++];
      std::optional<AcceptedText> accepted = text_of(path);
      if (!accepted) continue;
      std::string record;
      PutTextRecord(record, path, &*accepted);
      records[path] = record.size();
      hashes[path] = Fnv1a(accepted->text);
      bytes += record.size();
      return record;
    }
    return std::nullopt;
  };
  AtomicWriteOptions options;
  options.mode = 0640;
  written_ = WriteFileAtomically(path_, piece, options, error);
  if (!written_) return false;
  file_bytes_ = bytes;
  record_bytes_ = std::move(records);
  text_hashes_ = std::move(hashes);
  return true;
}

bool ConfigSnapshotFile::Apply(const std::vector<SnapshotEdit>& edits, std::string* error) {
  if (edits.empty()) return true;
  std::map<std::string, uint64_t> live = record_bytes_, hashes = text_hashes_;
  uint64_t live_bytes = kRecordHeaderSize;
  std::string records;
  for (const SnapshotEdit& e : edits) {
    size_t start = records.size();
    PutTextRecord(records, e.path, e.accepted ? &*e.accepted : nullptr);
    if (e.accepted) {
      live[e.path] = records.size() - start;
      hashes[e.path] = Fnv1a(e.accepted->text);
    } else {
      live.erase(e.path);
      hashes.erase(e.path);
    }
  }
  for (const auto& [_, bytes] : live) live_bytes += bytes;
  if (!written_ || file_bytes_ + records.size() > 2 * live_bytes + (1 << 20)) {
    AcceptedTexts texts;
    std::string warning, unreadable;
    // What cannot be read is lost from the copy, not from the daemon, which
    // runs on what it holds; the rewrite makes the file whole again.
    if (!Read(&texts, &warning, &unreadable)) texts.clear();
    for (const SnapshotEdit& e : edits) {
      if (e.accepted) {
        texts[e.path] = *e.accepted;
      } else {
        texts.erase(e.path);
      }
    }
    return Replace(texts, error);
  }
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    *error = path_ + ": cannot append: " + std::strerror(errno);
    written_ = false;  // the next edit rewrites it whole
    return false;
  }
  size_t done = 0;
  while (done < records.size()) {
    ssize_t n = ::write(fd, records.data() + done, records.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  int saved = errno;
  bool ok = done == records.size() && ::fdatasync(fd) == 0;
  if (!ok) {
    if (done == records.size()) saved = errno;
    // Cut the partial records off so that later appends stay reachable.
    if (::ftruncate(fd, static_cast<off_t>(file_bytes_)) != 0) written_ = false;
    ::close(fd);
    *error = path_ + ": cannot append: " + std::strerror(saved);
    return false;
  }
  ::close(fd);
  file_bytes_ += records.size();
  record_bytes_ = std::move(live);
  text_hashes_ = std::move(hashes);
  return true;
}

}  // namespace plazo
