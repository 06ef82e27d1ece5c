#include "notifiers/outbox_folder.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace plazo {
namespace {

bool IsSafeName(std::string_view id) {
  if (id.empty() || id.size() > 200 || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

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

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool SyncDir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

DeliveryResult Result(DeliveryOutcome outcome, std::string detail) {
  return {outcome, std::move(detail)};
}

}  // namespace

OutboxFolder::OutboxFolder(std::string state_dir) : dir_(std::move(state_dir) + "/outbox") {}

std::string OutboxFolder::Describe() const { return "outbox folder " + dir_; }

std::string OutboxFolder::PathFor(std::string_view id) const {
  return dir_ + "/new/" + std::string(id) + ".eml";
}

DeliveryResult OutboxFolder::Send(const OutgoingEmail& mail) {
  if (!IsSafeName(mail.id)) {
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
  // A name no other writer uses: Maildir's rule for tmp/.
  static std::atomic<unsigned long> counter{0};
  const std::string tmp_path = dir_ + "/tmp/" + mail.id + "." + std::to_string(::getpid()) + "." +
                               std::to_string(counter.fetch_add(1));
  int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) {
    return Result(DeliveryOutcome::kRetry,
                  "outbox: cannot create " + tmp_path + ": " + Errno(errno));
  }
  bool ok = WriteAll(fd, mail.message) && ::fsync(fd) == 0;
  int e = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    e = errno;
  }
  if (!ok) {
    ::unlink(tmp_path.c_str());
    return Result(DeliveryOutcome::kRetry, "outbox: cannot write " + tmp_path + ": " + Errno(e));
  }
  // rename replaces a file of the same id that appeared meanwhile; it holds
  // the same bytes (the outbox keeps one message per id), so either is fine.
  if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    e = errno;
    ::unlink(tmp_path.c_str());
    return Result(DeliveryOutcome::kRetry,
                  "outbox: cannot move the message into " + final_path + ": " + Errno(e));
  }
  if (!SyncDir(dir_ + "/new")) {
    return Result(DeliveryOutcome::kRetry, "outbox: cannot sync " + dir_ + "/new: " + Errno(errno));
  }
  return Result(DeliveryOutcome::kDelivered, "written to " + final_path);
}

}  // namespace plazo
