// Writing a Program as a store file (SPEC 3.2): what `plazod import`
// produces and admins then edit by hand, so the output is meant for people as
// much as for ParseStoreFile, which reads it back unchanged.
#ifndef PLAZO_IMPORT_STORE_WRITER_H_
#define PLAZO_IMPORT_STORE_WRITER_H_

#include <string>
#include <string_view>

#include "config/model.h"

namespace plazo {

// The store file for program: an optional comment (each of its lines written
// as "# line"), then [program] and one [[commitment]] per part in the order
// given, each key in the order of SPEC 3.2. Always written: the program's id,
// name and owners (an empty list is a visible place to fill in), and each
// part's id (from its number and part), number, part, recommendation, text,
// verification, due, status, observation and evidence. Other keys only when
// set. Deterministic: the same Program gives the same bytes.
std::string FormatStoreFile(const Program& program, std::string_view comment = {});

// text as a TOML basic string, quotes included: one line, with '"', '\\' and
// control characters escaped and everything else, accents included, kept as
// UTF-8 so it stays readable. Invalid UTF-8 becomes U+FFFD.
std::string TomlString(std::string_view text);

}  // namespace plazo

#endif  // PLAZO_IMPORT_STORE_WRITER_H_
