// plazod import: a compliance report's text in, one store file out.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <ostream>
#include <sys/stat.h>
#include <unistd.h>

#include "config/file_text.h"
#include "config/report_import.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/store_writer.h"
#include "config/table_reader.h"
#include "config/time_text.h"
#include "daemon/cli.h"
#include "daemon/commands.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

std::string Errno(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Replaces path with text so that readers see either the old file or the
// whole new one, never a part: the text goes to a temporary file in the same
// folder (hidden, so a daemon watching the store ignores it), is flushed to
// disk, then renamed over path; the folder is synced so that the rename
// survives a crash. The file keeps the mode of the one it replaces, else gets
// the usual 0666 less the umask. On failure nothing is left behind.
bool WriteFileAtomically(const std::string& path, std::string_view text, std::string* error) {
  fs::path target(path);
  if (!target.has_filename()) {
    *error = "not a file name";
    return false;
  }
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    *error = Errno("cannot create a temporary file in " + dir.string());
    return false;
  }
  mode_t mode;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  std::string problem;
  if (::fchmod(fd, mode) != 0) {
    problem = Errno("cannot set the file mode");
  } else if (!WriteAll(fd, text)) {
    problem = Errno("cannot write");
  } else if (::fsync(fd) != 0) {
    problem = Errno("cannot flush to disk");
  }
  if (::close(fd) != 0 && problem.empty()) problem = Errno("cannot write");
  if (problem.empty() && ::rename(temp.c_str(), path.c_str()) != 0) {
    problem = Errno("cannot replace the file");
  }
  if (!problem.empty()) {
    ::unlink(temp.c_str());
    *error = problem;
    return false;
  }
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    // The file is complete either way; a folder that cannot be synced (some
    // file systems refuse) only weakens crash safety, so it is not an error.
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return true;
}

}  // namespace

int RunImport(const Options& options, std::ostream& out, std::ostream& err) {
  if (options.positional.empty()) {
    err << "plazod import: missing REPORT.txt\n"
           "usage: plazod import REPORT.txt [--id SLUG] [--owner EMAIL]... [-o FILE]\n";
    return kExitUsage;
  }
  std::string id = options.Get("id");
  if (options.Has("id") && !IsSlug(id)) {
    err << "plazod import: --id \"" << id
        << "\" is not a slug: lowercase letters, digits, '-', '_' or '.', starting with a "
           "letter or digit\n";
    return kExitUsage;
  }
  std::vector<std::string> owners;
  for (const std::string& owner : options.All("owner")) {
    if (!IsEmailAddress(owner)) {
      err << "plazod import: --owner \"" << owner << "\" is not an e-mail address\n";
      return kExitUsage;
    }
    if (std::find(owners.begin(), owners.end(), owner) == owners.end()) owners.push_back(owner);
  }

  const std::string& path = options.positional[0];
  FileText file = ReadFileText(path);
  if (!file.error.empty()) {
    err << path << ": " << file.error << "\n";
    return kExitInvalid;
  }
  ImportedReport report;
  Diagnostics diags;
  if (!ParseReport(file.text, path, &report, &diags)) {
    diags.Sort();
    err << diags.ToString();
    err << "plazod import: " << diags.size() << (diags.size() == 1 ? " error" : " errors")
        << ", nothing written\n";
    return kExitInvalid;
  }
  Program& program = report.program;
  if (!id.empty()) program.id = id;
  if (program.id.empty()) {
    err << program.pos.file << ":" << program.pos.line
        << ": cannot make a program id from the name \"" << program.name
        << "\"; give one with --id SLUG\n";
    return kExitInvalid;
  }
  program.owners = owners;

  std::string comment = program.name + "\nImported by `plazod import` from " +
                        fs::path(path).filename().string();
  if (program.report_date) comment += " (cut-off " + FormatIsoDate(*program.report_date) + ")";
  comment += ".\nEdit freely; `plazod check` validates the store.";
  std::string text = FormatStoreFile(program, comment);

  // What is written must load as it is: parse it back as `plazod check`
  // would. The program names no schedule or webhook, so the embedded
  // defaults are the right settings to check it against.
  std::string output = options.Get("output");
  bool to_stdout = output.empty() || output == "-";
  Program check;
  Diagnostics check_diags;
  if (!ParseStoreFile(text, to_stdout ? "<output>" : output, DefaultSettings(), &check,
                      &check_diags) ||
      check.commitments.size() != program.commitments.size()) {
    err << "plazod import: internal error: the store file made from " << path
        << " does not load back:\n"
        << check_diags.ToString() << "nothing written\n";
    return kExitInvalid;
  }

  if (to_stdout) {
    out << text;
    return kExitOk;
  }
  std::string error;
  if (!WriteFileAtomically(output, text, &error)) {
    err << output << ": " << error << "\n";
    return kExitInvalid;
  }
  out << "wrote " << output << ": program '" << program.id << "', "
      << program.commitments.size() << " commitment parts\n";
  return kExitOk;
}

}  // namespace plazo
