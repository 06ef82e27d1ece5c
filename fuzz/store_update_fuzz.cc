// libFuzzer target for `plazod import --update` (import/store_update.h): a
// random report folded into a fixed store file that an admin has edited
// (comments, multi-line values, an array over several lines, a date-time due,
// admin-only keys), with "\n" and with "\r\n" line ends. Besides crashes,
// leaks and undefined behaviour it checks the update's contract: whatever it
// accepts is a store file that `plazod check` accepts, with the admin's
// values untouched, and a second run with the same report changes nothing;
// whatever it refuses is a problem of the report, never an internal error.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/settings.h"
#include "config/store.h"
#include "import/report_import.h"
#include "import/store_update.h"

namespace {

constexpr std::string_view kStore = R"(# Programa de Intermediación Laboral, kept by hand.

[program]
id = "pil"
name = "Programa de Intermediación Laboral"  # as in the report
report_date = 2024-12-31
rating = "parcialmente_cumplido"
observation = """
Una observación
en dos líneas"""
schedule = "dipres"
owners = [
  "encargado.pil@example.gob.cl",  # jefa
  "otra@example.gob.cl",
]

[[commitment]]
id = "c1"
number = 1
part = 1
text = 'texto literal'
due = 2025-06-30T18:00:00-04:00
previous_due = [2024-12-31]
status = "en_evaluacion"
owners = ["c1@example.gob.cl"]
submitted = 2025-06-20

[[commitment]]
number = 1
part = 2
due = 2025-12-31   # fin de año
status = "en_evaluacion"
evidence = "x"

[[commitment]]
id = "c4-p3"
number = 4
part = 3
due = 2025-12-31
# nada más
[[commitment]]
number = 99
due = 2030-01-01
schedule = "dipres")";

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "store_update_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const plazo::Commitment* Find(const plazo::Program& p, int number, int part) {
  for (const plazo::Commitment& c : p.commitments) {
    if (c.number == number && c.part == part) return &c;
  }
  return nullptr;
}

void Check(const std::string& store, const plazo::Program& report, bool force) {
  using namespace plazo;
  static const Settings settings = DefaultSettings();
  StoreUpdateOptions options;
  options.id = "pil";
  options.force = force;
  StoreUpdateResult result;
  Diagnostics diags;
  if (!UpdateStoreText(store, "pil.toml", report, "fuzz.txt", options, &result, &diags)) {
    if (diags.empty()) Fail("refused without a problem", store);
    std::string text = diags.ToString();
    if (text.find("internal error") != std::string::npos) Fail("internal error", text);
    return;
  }
  Program back;
  Diagnostics back_diags;
  if (!ParseStoreFile(result.text, "pil.toml", settings, &back, &back_diags)) {
    Fail("the updated file fails check", back_diags.ToString() + result.text);
  }
  // The admin's values.
  const Commitment* c1 = Find(back, 1, 1);
  const Commitment* c99 = Find(back, 99, 1);
  if (back.owners.size() != 2 || back.schedule != "dipres" || c1 == nullptr ||
      c1->owners.size() != 1 || !c1->submitted || c99 == nullptr || c99->schedule != "dipres" ||
      result.text.find("# jefa") == std::string::npos) {
    Fail("an admin's value changed", result.text);
  }
  StoreUpdateResult again;
  Diagnostics again_diags;
  if (!UpdateStoreText(result.text, "pil.toml", report, "fuzz.txt", options, &again,
                       &again_diags)) {
    Fail("a second run is refused", again_diags.ToString() + result.text);
  }
  if (again.changed || !again.changes.empty() || !again.added.empty()) {
    Fail("a second run changes the file", result.text + "\n----\n" + again.text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plazo;
  static const std::string lf(kStore);
  static const std::string crlf = Crlf(kStore);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ImportedReport report;
  Diagnostics diags;
  if (!ParseReport(text, "fuzz.txt", &report, &diags)) return 0;
  Check(lf, report.program, /*force=*/false);
  Check(crlf, report.program, /*force=*/true);
  return 0;
}
