#include "base/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace plazo {
namespace {

std::string Reason(int e) { return std::strerror(e); }

mode_t ModeFor(const std::string& path, const AtomicWriteOptions& options) {
  if (options.mode) return *options.mode;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return st.st_mode & 07777;
  mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool SyncFolder(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  int e = errno;
  ::close(fd);
  errno = e;
  return ok;
}

namespace {

// The steps around write(fd), which writes the whole content: a temporary
// file with the mode, fsync, rename over path, fsync of the folder.
bool ReplaceWith(const std::string& path, const AtomicWriteOptions& options,
                 const std::function<bool(int fd)>& write, std::string* error) {
  size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty()) {
    *error = "not a file name: " + path;
    return false;
  }
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  std::string temp_dir = options.temp_dir.empty() ? dir : options.temp_dir;
  std::string temp = temp_dir + "/." + name + ".XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot create a temporary file in " + temp_dir + ": " + Reason(errno);
    return false;
  }
  std::string problem;
  if (::fchmod(fd, ModeFor(path, options)) != 0) {
    problem = "cannot set the mode of " + temp + ": " + Reason(errno);
  } else if ((options.owner || options.group) &&
             ::fchown(fd, options.owner.value_or(static_cast<uid_t>(-1)),
                      options.group.value_or(static_cast<gid_t>(-1))) != 0) {
    problem = "cannot set the owner of " + temp + ": " + Reason(errno);
  } else if (!write(fd)) {
    problem = "cannot write " + temp + ": " + Reason(errno);
  } else if (::fsync(fd) != 0) {
    problem = "cannot flush " + temp + " to disk: " + Reason(errno);
  }
  if (::close(fd) != 0 && problem.empty()) problem = "cannot write " + temp + ": " + Reason(errno);
  if (problem.empty() && ::rename(temp.c_str(), path.c_str()) != 0) {
    problem = "cannot rename " + temp + " to " + path + ": " + Reason(errno);
  }
  if (!problem.empty()) {
    ::unlink(temp.c_str());
    *error = problem;
    return false;
  }
  if (!SyncFolder(dir) && options.require_dir_sync) {
    *error = "cannot sync the folder " + dir + ": " + Reason(errno);
    return false;
  }
  return true;
}

}  // namespace

bool WriteFileAtomically(const std::string& path, std::string_view data,
                         const AtomicWriteOptions& options, std::string* error) {
  return ReplaceWith(path, options, [&](int fd) { return WriteAll(fd, data); }, error);
}

bool WriteFileAtomically(const std::string& path,
                         const std::function<std::optional<std::string>()>& next,
                         const AtomicWriteOptions& options, std::string* error) {
  auto write = [&](int fd) {
    while (std::optional<std::string> piece = next()) {
      if (!WriteAll(fd, *piece)) return false;
    }
    return true;
  };
  return ReplaceWith(path, options, write, error);
}

}  // namespace plazo
