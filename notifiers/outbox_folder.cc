#include "notifiers/outbox_folder.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>

#include "base/atomic_file.h"
#include "base/ids.h"

namespace plazo {
namespace {

std::string Errno(int e) { return std::strerror(e); }

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// mkdir that accepts an existing folder.
bool MakeDir(const std::string& path, std::string* error) {
  if (::mkdir(path.c_str(), 0750) == 0) return true;
  int e = errno;
  struct stat st;
  if (e == EEXIST && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return true;
  *error = "cannot create " + path + ": " + Errno(e == EEXIST ? ENOTDIR : e);
  return false;
}

// Whether a Maildir reader has moved message name to cur/, where it is
// called name or name:2,<flags>.
bool InCur(const std::string& cur, const std::string& name) {
  DIR* d = ::opendir(cur.c_str());
  if (d == nullptr) return false;
  bool found = false;
  while (dirent* entry = ::readdir(d)) {
    std::string_view n = entry->d_name;
    if (n == name ||
        (n.size() > name.size() && n.substr(0, name.size()) == name && n[name.size()] == ':')) {
      found = true;
      break;
    }
  }
  ::closedir(d);
  return found;
}

DeliveryResult Result(DeliveryOutcome outcome, std::string detail) {
  return {outcome, std::move(detail)};
}

}  // namespace

OutboxFolder::OutboxFolder(std::string state_dir) : dir_(std::move(state_dir) + "/outbox") {}

size_t OutboxFolder::RemoveStaleTemporaries(std::filesystem::file_time_type cutoff) const {
  namespace fs = std::filesystem;
  size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir_ + "/tmp", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec) || it->last_write_time(entry_ec) >= cutoff || entry_ec) {
      continue;
    }
    if (fs::remove(it->path(), entry_ec)) ++removed;
  }
  return removed;
}

std::string OutboxFolder::Describe() const { return "outbox folder " + dir_; }

std::string OutboxFolder::PathFor(std::string_view id) const {
  return dir_ + "/new/" + std::string(id) + ".eml";
}

DeliveryResult OutboxFolder::Send(const OutgoingEmail& mail) {
  if (!IsSafeFileName(mail.id)) {
    return Result(DeliveryOutcome::kPermanent,
                  "outbox: delivery id is not a safe file name: letters, digits, '.', '_', '-'");
  }
  const std::string name = mail.id + ".eml";
  const std::string final_path = PathFor(mail.id);
  if (Exists(final_path) || InCur(dir_ + "/cur", name)) {
    return Result(DeliveryOutcome::kDelivered, "already in " + dir_);
  }
  std::string error;
  for (const std::string& d : {dir_, dir_ + "/tmp", dir_ + "/new", dir_ + "/cur"}) {
    if (!MakeDir(d, &error)) return Result(DeliveryOutcome::kRetry, "outbox: " + error);
  }
  // Maildir's rule: a fresh file in tmp/, moved into new/ once complete. rename
  // replaces a file of the same id that appeared meanwhile; it holds the same
  // bytes (the outbox keeps one message per id), so either is fine. The mode
  // is given: the sender threads must not read the umask (atomic_file.h).
  AtomicWriteOptions write;
  write.temp_dir = dir_ + "/tmp";
  write.mode = 0640;
  write.require_dir_sync = true;
  if (!WriteFileAtomically(final_path, mail.message, write, &error)) {
    return Result(DeliveryOutcome::kRetry, "outbox: " + error);
  }
  return Result(DeliveryOutcome::kDelivered, "written to " + final_path);
}

}  // namespace plazo
