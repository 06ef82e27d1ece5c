// The ledger's schema and how a database file gets there: a list of numbered
// migrations, each applied in its own transaction together with the version
// stamp (PRAGMA user_version), so a crash or an error leaves the file at the
// last version that was completely applied, never in between.
#ifndef PLAZO_LEDGER_SCHEMA_H_
#define PLAZO_LEDGER_SCHEMA_H_

#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace plazo {

// One step: the SQL (one or more statements) that takes a database from
// version - 1 to version.
struct Migration {
  int version = 0;
  std::string_view sql;
};

// The ledger's migrations in order, version 1 first. Append new versions;
// never edit one that has shipped, since databases out there are already
// past it.
const std::vector<Migration>& LedgerMigrations();

// The version a database has once every migration is applied.
int LedgerSchemaVersion();

// Written by migration 1 as PRAGMA application_id ("plaz"), so that a plazo
// ledger is recognisable and another program's SQLite file is refused.
inline constexpr int kLedgerApplicationId = 0x706c617a;

// Reads PRAGMA user_version of db into *version.
[[nodiscard]] bool ReadSchemaVersion(sqlite3* db, int* version, std::string* error);

// Brings db to the last version of migrations, which must be numbered 1, 2,
// ... without gaps. Each pending migration runs in its own BEGIN IMMEDIATE
// transaction that also sets user_version, and the version is re-read inside
// it, so two processes opening the same file at once migrate it once.
//
// Errors (return false, *error says why; the file keeps the last version
// that was completely applied):
// - the database's version is newer than the last migration: this binary is
//   older than the file, and writing to it could lose data;
// - the database is at version 0 but already has tables: it is not an empty
//   database but some other program's file;
// - a migration's SQL fails.
[[nodiscard]] bool Migrate(sqlite3* db, const std::vector<Migration>& migrations, std::string* error);

}  // namespace plazo

#endif  // PLAZO_LEDGER_SCHEMA_H_
