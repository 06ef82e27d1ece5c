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

// One [[commitment]] table: its header line and its keys, each line ending
// in "\n", as FormatStoreFile writes each part (without the blank line that
// separates tables there). Also what `plazod import --update` appends for a
// part new in the report.
std::string FormatCommitmentTable(const Commitment& c);

// The TOML text of values as the store writer writes them; `plazod import
// --update` uses the same to rewrite single values in place.
// A date: 2025-06-30.
std::string TomlDate(Days date);
// A due: a date, or an offset date-time in UTC (2025-06-30T12:00:00Z).
std::string TomlDue(const Due& due);
// A status: "en_evaluacion".
std::string TomlStatus(Status status);
// An array of dates on one line: [2025-06-30, 2025-12-31].
std::string TomlDates(const std::vector<Days>& dates);
// An array of strings on one line: ["a", "b"].
std::string TomlStrings(const std::vector<std::string>& list);

// text as a TOML basic string, quotes included: one line, with '"', '\\' and
// control characters escaped and everything else, accents included, kept as
// UTF-8 so it stays readable. Invalid UTF-8 becomes U+FFFD.
std::string TomlString(std::string_view text);

}  // namespace plazo

#endif  // PLAZO_IMPORT_STORE_WRITER_H_
