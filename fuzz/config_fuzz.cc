// libFuzzer target for the TOML loaders of settings and store files
// (config/settings.h, config/store.h): admins write these by hand, so any
// bytes must give diagnostics, never a crash. Besides crashes, leaks and
// undefined behaviour it checks the contract: each loader succeeds exactly
// when it reports no problem, and every problem has a position in the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/settings.h"
#include "config/store.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "config_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void CheckContract(bool ok, const plazo::Diagnostics& diags, const char* loader) {
  if (ok != diags.empty()) Fail(loader, "success and diagnostics disagree:\n" + diags.ToString());
  for (const plazo::Diagnostic& d : diags.list()) {
    if (d.pos.file != "fuzz.toml" || d.pos.line < 1) Fail(loader, "unplaced: " + d.ToString());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plazo;
  static const Settings defaults = DefaultSettings();
  std::string_view text(reinterpret_cast<const char*>(data), size);

  Program program;
  Diagnostics store_diags;
  bool store_ok = ParseStoreFile(text, "fuzz.toml", defaults, &program, &store_diags);
  CheckContract(store_ok, store_diags, "ParseStoreFile");

  Settings settings;
  Diagnostics settings_diags;
  bool settings_ok = ParseSettings(text, "fuzz.toml", &settings, &settings_diags);
  // A holidays_file names another file; its own problems name that file.
  if (text.find("holidays_file") == std::string_view::npos) {
    CheckContract(settings_ok, settings_diags, "ParseSettings");
  }
  return 0;
}
