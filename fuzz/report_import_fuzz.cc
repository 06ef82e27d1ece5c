// libFuzzer target for the compliance report parser (import/report_import.h).
// Besides crashes, leaks and undefined behaviour it checks the parser's
// contract: it succeeds exactly when it reports no problem, every problem
// names a line of the input, and whatever it accepts becomes a store file
// that ParseStoreFile loads back unchanged.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/settings.h"
#include "config/store.h"
#include "import/report_import.h"
#include "import/store_writer.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "report_import_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plazo;
  static const Settings settings = DefaultSettings();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ImportedReport report;
  Diagnostics diags;
  bool ok = ParseReport(text, "fuzz.txt", &report, &diags);
  if (ok != diags.empty()) Fail("success and diagnostics disagree", diags.ToString());
  if (!ok) {
    size_t lines = 1;
    for (char c : text) lines += c == '\n';
    for (const Diagnostic& d : diags.list()) {
      if (d.pos.file != "fuzz.txt" || d.pos.line < 1 || static_cast<size_t>(d.pos.line) > lines ||
          d.pos.column != 0 || d.message.empty()) {
        Fail("diagnostic outside the input", d.ToString());
      }
    }
    return 0;
  }
  Program& program = report.program;
  if (program.id.empty()) program.id = "fuzz";
  std::string file = FormatStoreFile(program, "fuzz");
  Program back;
  Diagnostics back_diags;
  if (!ParseStoreFile(file, "fuzz.toml", settings, &back, &back_diags)) {
    Fail("the store file does not load", back_diags.ToString() + file);
  }
  if (back.commitments.size() != program.commitments.size() ||
      FormatStoreFile(back, "fuzz") != file) {
    Fail("the store file does not load back unchanged", file);
  }
  return 0;
}
