// plazod import NEWER.txt --update FILE: a newer report folded into a store
// file an admin has edited (import/store_update.h), the change report on out.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>

#include <boost/json.hpp>

#include "base/atomic_file.h"
#include "config/file_text.h"
#include "config/time_text.h"
#include "daemon/cli.h"
#include "daemon/commands.h"
#include "import/folded_text.h"
#include "import/report_import.h"
#include "import/store_update.h"

namespace plazo {
namespace {

std::string DateOrDash(const std::optional<Days>& d) { return d ? FormatIsoDate(*d) : "-"; }

boost::json::value DateJson(const std::optional<Days>& d) {
  if (!d) return nullptr;
  return boost::json::value(FormatIsoDate(*d));
}

boost::json::array IdsJson(const std::vector<std::string>& ids) {
  boost::json::array a;
  for (const std::string& id : ids) a.emplace_back(id);
  return a;
}

void PrintJson(const std::string& file, const StoreUpdateResult& r, bool written,
               std::ostream& out) {
  boost::json::object o;
  o["file"] = file;
  boost::json::object dates;
  dates["from"] = DateJson(r.report_date_from);
  dates["to"] = DateJson(r.report_date_to);
  o["report_date"] = std::move(dates);
  boost::json::array changes;
  for (const FieldChange& c : r.changes) {
    boost::json::object change;
    change["commitment"] =
        c.commitment.empty() ? boost::json::value(nullptr) : boost::json::value(c.commitment);
    change["field"] = c.field;
    change["from"] = c.from ? boost::json::value(*c.from) : boost::json::value(nullptr);
    change["to"] = c.to;
    changes.push_back(std::move(change));
  }
  o["changes"] = std::move(changes);
  o["added"] = IdsJson(r.added);
  o["not_in_report"] = IdsJson(r.not_in_report);
  o["written"] = written;
  out << boost::json::serialize(o) << "\n";
}

void PrintTable(const std::string& file, const StoreUpdateResult& r, std::ostream& out) {
  out << file << ": report_date " << DateOrDash(r.report_date_from) << " -> "
      << DateOrDash(r.report_date_to) << "\n";
  if (r.changes.empty()) {
    out << "no value changes\n";
  } else {
    size_t id_width = 10, field_width = 5;
    for (const FieldChange& c : r.changes) {
      id_width = std::max(id_width, c.commitment.size());
      field_width = std::max(field_width, c.field.size());
    }
    auto pad = [](const std::string& s, size_t n) {
      return s + std::string(n > s.size() ? n - s.size() : 0, ' ');
    };
    out << pad("commitment", id_width) << "  " << pad("field", field_width) << "  from -> to\n";
    for (const FieldChange& c : r.changes) {
      out << pad(c.commitment.empty() ? "[program]" : c.commitment, id_width) << "  "
          << pad(c.field, field_width) << "  "
          << (c.from ? "\"" + Excerpt(*c.from, 40) + "\"" : "(absent)") << " -> \""
          << Excerpt(c.to, 40) << "\"\n";
    }
  }
  auto list = [&](const char* title, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    out << title;
    for (const std::string& id : ids) out << " " << id;
    out << "\n";
  };
  list("added:", r.added);
  list("not in the report (kept):", r.not_in_report);
}

}  // namespace

int RunImportUpdate(const Options& options, std::ostream& out, std::ostream& err) {
  for (const char* name : {"owner", "output"}) {
    if (options.Has(name)) {
      err << "plazod import: --" << (std::string_view(name) == "output" ? "output (-o)" : name)
          << " cannot be used with --update: the file keeps its own\n";
      return kExitUsage;
    }
  }
  const std::string& path = options.positional[0];
  const std::string file_name = options.Get("update");
  if (file_name.empty()) {
    err << "plazod import: --update needs the store file to update\n";
    return kExitUsage;
  }
  FileText report_text = ReadFileText(path);
  if (!report_text.error.empty()) {
    err << path << ": " << report_text.error << "\n";
    return kExitInvalid;
  }
  FileText file_text = ReadFileText(file_name);
  if (!file_text.error.empty()) {
    err << file_name << ": " << file_text.error << "\n";
    return kExitInvalid;
  }
  ImportedReport report;
  Diagnostics diags;
  StoreUpdateResult result;
  StoreUpdateOptions update_options;
  update_options.force = options.Has("force");
  update_options.id = options.Get("id");
  if (!ParseReport(report_text.text, path, &report, &diags) ||
      !UpdateStoreText(file_text.text, file_name, report.program, path, update_options, &result,
                       &diags)) {
    diags.Sort();
    err << diags.ToString();
    err << "plazod import: " << diags.size() << (diags.size() == 1 ? " error" : " errors")
        << ", nothing written\n";
    return kExitInvalid;
  }

  bool dry_run = options.Has("dry-run");
  bool written = false;
  if (result.changed && !dry_run) {
    // The old file is kept beside it as FILE~ (not a *.toml file, so the
    // daemon does not load it), with its mode, owner and group; then the new
    // one replaces it. A symbolic link (a store kept under git elsewhere)
    // stays a link: its target is what is replaced.
    std::error_code ec;
    std::string target = file_name;
    if (std::filesystem::is_symlink(file_name, ec)) {
      target = std::filesystem::canonical(file_name, ec).string();
    }
    AtomicWriteOptions write_options;
    struct stat st;
    if (ec || stat(target.c_str(), &st) != 0) {
      err << file_name << ": cannot find the file to replace: "
          << (ec ? ec.message() : std::string(std::strerror(errno)))
          << "\nplazod import: nothing updated\n";
      return kExitInvalid;
    }
    write_options.mode = st.st_mode & 07777;
    if (geteuid() == 0) {  // only root may give files away; others save as editors do
      write_options.owner = st.st_uid;
      write_options.group = st.st_gid;
    }
    std::string error;
    if (!WriteFileAtomically(target + "~", file_text.text, write_options, &error) ||
        !WriteFileAtomically(target, result.text, write_options, &error)) {
      err << file_name << ": " << error << "\nplazod import: nothing updated\n";
      return kExitInvalid;
    }
    written = true;
  }
  if (options.Has("json")) {
    PrintJson(file_name, result, written, out);
  } else {
    PrintTable(file_name, result, out);
    if (!result.changed) {
      out << file_name << " is up to date: nothing written\n";
    } else if (dry_run) {
      out << "dry run: nothing written\n";
    } else {
      out << "updated " << file_name << " (the previous version is " << file_name << "~)\n";
    }
  }
  return kExitOk;
}

}  // namespace plazo
