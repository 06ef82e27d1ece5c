// plazod import: a compliance report's text in, one store file out.
#include <algorithm>
#include <filesystem>
#include <ostream>

#include "base/atomic_file.h"
#include "base/ids.h"
#include "base/mailbox.h"
#include "config/file_text.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/time_text.h"
#include "daemon/cli.h"
#include "daemon/commands.h"
#include "import/report_import.h"
#include "import/store_writer.h"

namespace plazo {

namespace fs = std::filesystem;

int RunImport(const Options& options, std::ostream& out, std::ostream& err) {
  if (options.positional.empty()) {
    err << "plazod import: missing REPORT.txt\n"
           "usage: plazod import REPORT.txt [--id SLUG] [--owner EMAIL]... [-o FILE]\n"
           "       plazod import NEWER.txt --update FILE [--dry-run] [--json] [--force]\n";
    return kExitUsage;
  }
  if (options.Has("update")) return RunImportUpdate(options, out, err);
  for (const char* name : {"dry-run", "json", "force"}) {
    if (options.Has(name)) {
      err << "plazod import: --" << name << " goes with --update FILE\n";
      return kExitUsage;
    }
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
    if (!IsQualifiedEmailAddress(owner)) {
      err << "plazod import: --owner \"" << owner << "\" is not an e-mail address\n";
      return kExitUsage;
    }
    if (std::find(owners.begin(), owners.end(), owner) == owners.end()) owners.push_back(owner);
  }

  const std::string& path = options.positional[0];
  std::string output = options.Get("output");
  bool to_stdout = output.empty() || output == "-";
  std::error_code same_ec;
  if (!to_stdout && fs::equivalent(path, output, same_ec)) {
    err << "plazod import: -o " << output << " is the report itself; it would be replaced\n";
    return kExitUsage;
  }
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
  // A hidden temporary file beside the output, which a daemon watching the
  // store ignores; the output keeps the mode of the file it replaces.
  if (!WriteFileAtomically(output, text, AtomicWriteOptions{}, &error)) {
    err << output << ": " << error << "\n";
    return kExitInvalid;
  }
  out << "wrote " << output << ": program '" << program.id << "', "
      << program.commitments.size() << " commitment parts\n";
  return kExitOk;
}

}  // namespace plazo
