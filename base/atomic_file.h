// Replacing a file so that readers see either the old one or the whole new
// one, never a part, also across a crash: write a temporary file, fsync it,
// rename it over the target, fsync the folder. Used for the store file that
// `plazod import` writes and for the outbox folder's messages.
#ifndef PLAZO_BASE_ATOMIC_FILE_H_
#define PLAZO_BASE_ATOMIC_FILE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace plazo {

struct AtomicWriteOptions {
  // The folder of the temporary file, which must be on the same file system
  // as the target (rename does not cross file systems): e.g. a Maildir's
  // tmp/. Empty: the target's own folder.
  std::string temp_dir;
  // The new file's mode, exactly (the umask does not apply). nullopt: the
  // mode of the file being replaced, else 0666 less the umask; reading the
  // umask sets it twice, which races with other threads creating files, so
  // multi-threaded callers give a mode.
  std::optional<mode_t> mode;
  // The new file's owner and group (fchown): an admin updating a file as
  // root must not take it away from the group the daemon reads it through.
  // nullopt: the writer's. Not being allowed to set them is an error.
  std::optional<uid_t> owner;
  std::optional<gid_t> group;
  // Whether a folder that refuses fsync after the rename is an error. The
  // file is complete either way (some file systems refuse); only a crash
  // right then could lose the rename.
  bool require_dir_sync = false;
};

// Writes all of data to fd, again after a short write or EINTR. False on
// any other error, with errno set.
[[nodiscard]] bool WriteAll(int fd, std::string_view data);

// Writes data to a fresh temporary file in options.temp_dir (hidden:
// ".<name>.XXXXXX", so that folder watchers skip it), fsyncs it, renames it
// to path, replacing any file there, and fsyncs path's folder. Returns false
// with *error set to one sentence naming the step and the reason ("cannot
// create a temporary file in D: ...", "cannot write T: ...", "cannot rename
// T to P: ...", "cannot sync the folder D: ...") when a step fails; the
// temporary file is then removed, so nothing is left behind, and path is
// unchanged unless only the folder sync failed.
[[nodiscard]] bool WriteFileAtomically(const std::string& path, std::string_view data,
                                       const AtomicWriteOptions& options, std::string* error);

// WriteFileAtomically with the data in pieces: next() returns each piece in
// turn and nullopt after the last, so that a large file is never held whole
// in memory. Errors as for WriteFileAtomically.
[[nodiscard]] bool WriteFileAtomically(const std::string& path,
                                       const std::function<std::optional<std::string>()>& next,
                                       const AtomicWriteOptions& options, std::string* error);

// fsync of a folder, which makes renames and new names in it durable.
// Returns false, with errno set, when it cannot be opened or synced.
[[nodiscard]] bool SyncFolder(const std::string& path);

}  // namespace plazo

#endif  // PLAZO_BASE_ATOMIC_FILE_H_
