// Watches the store folder and the settings file for edits with inotify,
// through Asio, and reports them after a short quiet period. Editors that
// save by writing a temporary file and renaming it over the original (vim,
// sed -i, most GUI editors) are seen as a move into the folder, which is why
// the settings file is watched through its folder, not by its own inode.
#ifndef PLAZO_DAEMON_FILE_WATCHER_H_
#define PLAZO_DAEMON_FILE_WATCHER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

namespace boost::asio {
class io_context;
}

namespace plazo {

class FileWatcher {
 public:
  // changed holds the paths of the store files (*.toml) and of the settings
  // file that were written, created, renamed or removed since the last call.
  using Handler = std::function<void(const std::set<std::string>& changed)>;

  // Watches store_dir for *.toml files and settings_path (may be empty) and
  // calls handler debounce after the last event of a burst. Returns an
  // unusable watcher, with *error set, when inotify cannot watch a path.
  FileWatcher(boost::asio::io_context& io, const std::string& store_dir,
              const std::string& settings_path, std::chrono::milliseconds debounce,
              Handler handler);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Empty when every path is watched; else why not (the daemon logs it and
  // still reloads on SIGHUP).
  const std::string& error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plazo

#endif  // PLAZO_DAEMON_FILE_WATCHER_H_
