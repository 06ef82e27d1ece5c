// Reading the budget office's "Informe de cumplimiento de compromisos" (SPEC 2)
// as extracted from its PDF, for `plazod import`. Pure: text in, a Program or
// diagnostics out; no files, no clock.
//
// The input is UTF-8 text. A header of labelled lines (the title with the
// report's cut-off date, "Programa/Institución:", "Ministerio", "Servicio",
// "Año", "Calificación", "Observación") is followed by a table whose rows are
// three tab-separated cells, Recomendación, Compromiso and Cumplimiento, each
// a run of HTML fragments. A blank line is a PDF page break: the row after it
// either starts a new commitment part (its Compromiso cell opens with a label
// such as "COMPROMISO 4:", "CONTINUACIÓN COMPROMISO 1" or "Tercera parte
// Compromiso 4") or continues the row before the break, each of its non-empty
// cells appended to the same cell of that row with one space. Labels match in
// any case and with or without accents.
#ifndef PLAZO_IMPORT_REPORT_IMPORT_H_
#define PLAZO_IMPORT_REPORT_IMPORT_H_

#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostics.h"
#include "config/model.h"
#include "import/plain_text.h"  // HtmlToText, used by callers of the parser

namespace plazo {

// What one report holds.
struct ImportedReport {
  // The [program] header and one Commitment per part, sorted by number and
  // part. program.id is SlugFromName(program.name), which may be empty;
  // owners, webhooks and schedule are left empty for the caller to fill in.
  // Every commitment carries the due date, status and status_date the report
  // states (status_date is the rating's own date, else the cut-off date), and
  // its pos is the line where its row starts.
  Program program;
};

// Parses report text read from file name (used only in messages). Every
// problem is added to diags as "name:line: message"; returns true when there
// was none, and only then is *out replaced. Fields are plain text: tags
// stripped, entities decoded, whitespace folded to single spaces.
//
// How a part's cells become fields:
// - recommendation: the Recomendación cell (an empty cell repeats the
//   previous row's, as a merged cell would);
// - text: the Compromiso cell without its label and without the due date
//   ("Fecha de Vencimiento: Junio 2025", which gives due = 2025-06-30);
// - verification: the words after "Medio(s) de verificación:" in text;
// - status and status_date: from "Calificación: Cumplido (30-06-2024)";
// - evidence: the words after "Medios de Verificación:" in the Cumplimiento
//   cell;
// - observation: the words after "Observación:" in the Cumplimiento cell. The
//   service's own account that some cells open with (text before the first
//   label) is kept too: observation is then that account, followed by
//   "Observación: " and the budget office's words, so that both voices stay
//   apart and nothing of the cell is lost.
[[nodiscard]] bool ParseReport(std::string_view text, const std::string& name,
                 ImportedReport* out, Diagnostics* diags);

// A program id from its name: accents dropped, lowercase, every run of other
// characters turned into one '-', at most 64 characters (cut at a '-').
// "Programa de Intermediación Laboral" -> "programa-de-intermediacion-laboral".
// Empty when the name has no letters or digits.
std::string SlugFromName(std::string_view name);

}  // namespace plazo

#endif  // PLAZO_IMPORT_REPORT_IMPORT_H_
