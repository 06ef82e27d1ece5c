#include "ledger/schema.h"

#include "ledger/sqlite_query.h"

namespace plazo {
namespace {

using sqlite::Exec;
using sqlite::RollbackIfOpen;

// Version 1. STRICT tables make SQLite enforce the column types, and the
// CHECK constraints keep every state a known word, so a bug elsewhere fails
// loudly instead of writing a row the daemon would misread after a restart.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE deliveries (
  key TEXT PRIMARY KEY NOT NULL,
  notification_id TEXT,
  state TEXT NOT NULL
    CHECK (state IN ('pending', 'sent', 'failed', 'given_up', 'skipped')),
  planned_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL
) WITHOUT ROWID, STRICT;

-- RecordAttempt updates the deliveries of one notification.
CREATE INDEX deliveries_by_notification ON deliveries (notification_id)
  WHERE notification_id IS NOT NULL;

CREATE TABLE meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID, STRICT;

CREATE TABLE outbox (
  notification_id TEXT PRIMARY KEY NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  destination TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload BLOB NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'given_up')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  sent_at INTEGER
) STRICT;

-- DueEntries, PendingEntries, NextAttempt and Counts all select by state,
-- the first three ordered by next_attempt_at.
CREATE INDEX outbox_by_state_next ON outbox (state, next_attempt_at);

CREATE TABLE attempts (
  notification_id TEXT NOT NULL
    REFERENCES outbox (notification_id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  permanent INTEGER NOT NULL,
  detail TEXT NOT NULL
) STRICT;

CREATE INDEX attempts_by_notification ON attempts (notification_id, at);

PRAGMA application_id = 1886151034;
)sql";

static_assert(kLedgerApplicationId == 1886151034, "kV1 spells the id in decimal");

std::string NewerError(int version, int latest) {
  return "schema version " + std::to_string(version) + " is newer than this plazod knows (" +
         std::to_string(latest) + "); run a plazod at least as new as the one that wrote it";
}

// The body of Apply, inside its transaction: commits when it applied m.
bool ApplyLocked(sqlite3* db, const Migration& m, int latest, int* version,
                 std::string* error) {
  int current = 0;
  if (!ReadSchemaVersion(db, &current, error)) return false;
  if (current > latest) {
    *error = NewerError(current, latest);
    return false;
  }
  if (current >= m.version) {  // another process got there first
    *version = current;
    return true;
  }
  if (current == 0) {
    int64_t tables = 0;
    if (!sqlite::QueryInt(db, "SELECT count(*) FROM sqlite_master", &tables, error)) {
      return false;
    }
    if (tables > 0) {
      *error = "not a plazo ledger: the database has tables but no schema version";
      return false;
    }
  }
  std::string step_error;
  if (!Exec(db, std::string(m.sql), &step_error) ||
      !Exec(db, "PRAGMA user_version = " + std::to_string(m.version), &step_error) ||
      !Exec(db, "COMMIT", &step_error)) {
    *error = "migration to schema version " + std::to_string(m.version) +
             " failed: " + step_error;
    return false;
  }
  *version = m.version;
  return true;
}

// Applies migration m in one transaction. *version is the database's version
// before and after.
bool Apply(sqlite3* db, const Migration& m, int latest, int* version, std::string* error) {
  if (!Exec(db, "BEGIN IMMEDIATE", error)) return false;
  bool ok = ApplyLocked(db, m, latest, version, error);
  RollbackIfOpen(db);  // a no-op after COMMIT
  return ok;
}

}  // namespace

// Version 2: the daemon reads only the deliveries planned since its last
// run (LoadView's since), which wants an index on planned_at.
constexpr std::string_view kV2 = R"sql(
CREATE INDEX deliveries_by_planned_at ON deliveries (planned_at);
)sql";

// Version 3: DueEntries orders pending entries by (next_attempt_at,
// created_at, notification_id); covering the whole order spares a sort of
// every pending row (payloads included) on each call, which made a burst of
// 10,000 deliveries quadratic.
constexpr std::string_view kV3 = R"sql(
DROP INDEX outbox_by_state_next;
CREATE INDEX outbox_by_state_next ON outbox (state, next_attempt_at, created_at, notification_id);
)sql";

// Version 4: acknowledgements (issue 14), one row per click of an officer's
// "I have sent the evidence" link. At most one active (not revoked) row per
// part and due date; revoked rows stay, as history and because tokens
// issued before a revocation stay refused.
constexpr std::string_view kV4 = R"sql(
CREATE TABLE acks (
  id INTEGER PRIMARY KEY,
  program TEXT NOT NULL,
  commitment TEXT NOT NULL,
  due TEXT NOT NULL,
  status TEXT NOT NULL,
  recipient TEXT NOT NULL,
  at INTEGER NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  client TEXT NOT NULL DEFAULT '',
  revoked_at INTEGER
) STRICT;

CREATE UNIQUE INDEX acks_active ON acks (program, commitment, due) WHERE revoked_at IS NULL;
CREATE INDEX acks_by_part ON acks (program, commitment, due, revoked_at);

-- LastEmailTo: when an escalation contact last heard from plazo.
CREATE INDEX outbox_by_destination ON outbox (destination, created_at);
)sql";

const std::vector<Migration>& LedgerMigrations() {
  static const std::vector<Migration> migrations = {
      {1, kV1},
      {2, kV2},
      {3, kV3},
      {4, kV4},
  };
  return migrations;
}

int LedgerSchemaVersion() { return LedgerMigrations().back().version; }

bool ReadSchemaVersion(sqlite3* db, int* version, std::string* error) {
  int64_t v = 0;
  if (!sqlite::QueryInt(db, "PRAGMA user_version", &v, error)) return false;
  *version = static_cast<int>(v);
  return true;
}

bool Migrate(sqlite3* db, const std::vector<Migration>& migrations, std::string* error) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      *error = "migration list is not numbered 1, 2, ... (entry " + std::to_string(i + 1) +
               " has version " + std::to_string(migrations[i].version) + ")";
      return false;
    }
  }
  const int latest = static_cast<int>(migrations.size());
  int version = 0;
  if (!ReadSchemaVersion(db, &version, error)) return false;
  if (version > latest) {
    *error = NewerError(version, latest);
    return false;
  }
  for (const Migration& m : migrations) {
    if (m.version <= version) continue;
    if (!Apply(db, m, latest, &version, error)) return false;
  }
  return true;
}

}  // namespace plazo
