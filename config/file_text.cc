#include "config/file_text.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace plazo {

FileText ReadFileText(const std::string& path) { return ReadFileTextUpTo(path, kMaxFileSize); }

FileText ReadFileTextUpTo(const std::string& path, long long max_size) {
  FileText out;
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
  // below as not a regular file. Reads of regular files ignore the flag.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    out.error = std::string("cannot read: ") + std::strerror(errno);
    return out;
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    out.error = "cannot read: is a folder, not a file";
    return out;
  }
  // A FIFO or a device (holidays_file = "/dev/zero") would block or never
  // end: only regular files are input.
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    out.error = "cannot read: not a regular file";
    return out;
  }
  if (st.st_size > max_size) {
    ::close(fd);
    out.error = "cannot read: larger than " + std::to_string(max_size >> 20) + " MiB";
    return out;
  }
  if (st.st_size > 0) out.text.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      out.error = std::string("cannot read: ") + std::strerror(errno);
      out.text.clear();
      break;
    }
    out.text.append(buf, static_cast<size_t>(n));
    if (out.text.size() > static_cast<size_t>(max_size)) {  // grew while we read
      out.text.clear();
      out.error = "cannot read: larger than " + std::to_string(max_size >> 20) + " MiB";
      break;
    }
  }
  ::close(fd);
  return out;
}

}  // namespace plazo
