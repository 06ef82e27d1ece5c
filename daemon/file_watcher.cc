#include "daemon/file_watcher.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace plazo {

namespace fs = std::filesystem;

struct FileWatcher::Impl {
  Impl(boost::asio::io_context& io) : fd(io), quiet(io) {}

  boost::asio::posix::stream_descriptor fd;
  boost::asio::steady_timer quiet;
  std::chrono::milliseconds debounce{0};
  Handler handler;
  std::string store_dir, settings_dir, settings_name, error;
  std::map<int, std::string> dirs;  // watch descriptor -> folder
  std::set<std::string> pending;
  alignas(inotify_event) char buffer[16 * 1024];

  void Watch(const std::string& dir) {
    if (dir.empty()) return;
    for (auto& [wd, d] : dirs) {
      if (d == dir) return;
    }
    constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                               IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF;
    int wd = ::inotify_add_watch(fd.native_handle(), dir.c_str(), kMask);
    if (wd < 0) {
      error = "cannot watch " + dir + ": " + std::strerror(errno);
      return;
    }
    dirs[wd] = dir;
  }

  void Read() {
    fd.async_read_some(boost::asio::buffer(buffer), [this](const boost::system::error_code& ec,
                                                           size_t n) {
      if (ec) return;
      for (size_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
        at += sizeof(inotify_event) + e->len;
        auto dir = dirs.find(e->wd);
        if (dir == dirs.end()) continue;
        std::string name = e->len ? std::string(e->name) : std::string();
        if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
          pending.insert(dir->second);  // the folder itself went away
          continue;
        }
        if (dir->second == store_dir && name.size() > 5 && name[0] != '.' &&
            name.compare(name.size() - 5, 5, ".toml") == 0) {
          pending.insert((fs::path(store_dir) / name).string());
        }
        if (dir->second == settings_dir && name == settings_name) {
          pending.insert((fs::path(settings_dir) / name).string());
        }
      }
      if (!pending.empty()) Arm();
      Read();
    });
  }

  void Arm() {
    quiet.expires_after(debounce);
    quiet.async_wait([this](const boost::system::error_code& ec) {
      if (ec || pending.empty()) return;
      std::set<std::string> changed;
      changed.swap(pending);
      handler(changed);
    });
  }
};

FileWatcher::FileWatcher(boost::asio::io_context& io, const std::string& store_dir,
                         const std::string& settings_path, std::chrono::milliseconds debounce,
                         Handler handler)
    : impl_(std::make_unique<Impl>(io)) {
  impl_->debounce = debounce;
  impl_->handler = std::move(handler);
  impl_->store_dir = fs::path(store_dir).lexically_normal().string();
  if (!impl_->store_dir.empty() && impl_->store_dir.back() == '/') impl_->store_dir.pop_back();
  if (!settings_path.empty()) {
    fs::path p = fs::absolute(settings_path).lexically_normal();
    impl_->settings_dir = p.parent_path().string();
    impl_->settings_name = p.filename().string();
  }
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    impl_->error = std::string("inotify: ") + std::strerror(errno);
    return;
  }
  impl_->fd.assign(fd);
  impl_->Watch(impl_->store_dir);
  impl_->Watch(impl_->settings_dir);
  impl_->Read();
}

FileWatcher::~FileWatcher() = default;

const std::string& FileWatcher::error() const { return impl_->error; }

}  // namespace plazo
