// Loading store files (SPEC 3.2): one program report per *.toml file in the
// store folder, validated against the settings (schedule and webhook names).
#ifndef PLAZO_CONFIG_STORE_H_
#define PLAZO_CONFIG_STORE_H_

#include <string>
#include <string_view>

#include "config/diagnostics.h"
#include "config/model.h"

namespace plazo {

// Parses one store file's text as if read from file name. Adds every problem
// to diags; returns true when there was none (then *out is valid).
bool ParseStoreFile(std::string_view text, const std::string& name,
                    const Settings& settings, Program* out, Diagnostics* diags);

// Reads every "*.toml" file of folder dir (hidden files are editor scratch and
// are ignored; other names are not store files). A missing or unreadable
// folder, a folder without store files and a program id used twice are errors.
// Programs come out sorted by id. Returns true when there was no problem.
bool LoadStore(const std::string& dir, const Settings& settings, Store* out,
               Diagnostics* diags);

// The canonical commitment id: "c4" for part 1, "c4-p2" otherwise.
std::string CommitmentId(int number, int part);

}  // namespace plazo

#endif  // PLAZO_CONFIG_STORE_H_
