#include "ledger/statements.h"

namespace plazo {
namespace {

// Record's rule (ledger.h) as SQL: may a delivery in state `old` move to
// state `next`? Used by both statements that change a delivery's state.
#define PLAZO_ADVANCES(old, next)                                          \
  "((" old " = 'pending' AND " next " IN ('failed', 'sent', 'given_up'))" \
  " OR (" old " = 'failed' AND " next " IN ('sent', 'given_up')))"

#define PLAZO_ENTRY_COLUMNS_WITH(payload)                                         \
  "SELECT notification_id, channel, destination, kind, " payload ", state, attempts," \
  " created_at, next_attempt_at, last_error, sent_at FROM outbox "
#define PLAZO_ENTRY_COLUMNS PLAZO_ENTRY_COLUMNS_WITH("payload")
#define PLAZO_ENTRY_HEADS PLAZO_ENTRY_COLUMNS_WITH("x''")
#define PLAZO_ACK_COLUMNS \
  "SELECT program, commitment, due, status, recipient, at, comment, client, revoked_at FROM acks "

constexpr std::array<const char*, LedgerStatements::kCount> kSqlText = {
    "BEGIN IMMEDIATE",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SELECT key FROM deliveries WHERE planned_at >= ?1",
    "SELECT value FROM meta WHERE key = ?1",
    "INSERT INTO meta (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    "INSERT INTO deliveries (key, notification_id, state, planned_at, recorded_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (key) DO UPDATE SET state = excluded.state, recorded_at = excluded.recorded_at"
    " WHERE " PLAZO_ADVANCES("deliveries.state", "excluded.state"),
    "SELECT key, notification_id, state, planned_at, recorded_at FROM deliveries WHERE key = ?1",
    "INSERT INTO outbox (notification_id, channel, destination, kind, payload, state, attempts,"
    " created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6)"
    " ON CONFLICT (notification_id) DO NOTHING",
    PLAZO_ENTRY_COLUMNS "WHERE state = 'pending' AND next_attempt_at <= ?1"
                        " ORDER BY next_attempt_at, created_at, notification_id LIMIT ?2",
    PLAZO_ENTRY_HEADS "WHERE state = 'pending'"
                      " ORDER BY next_attempt_at, created_at, notification_id",
    PLAZO_ENTRY_HEADS "WHERE state = 'pending' AND attempts > 0"
                      " ORDER BY next_attempt_at, created_at, notification_id",
    "SELECT payload FROM outbox WHERE notification_id = ?1 AND state = 'pending'",
    "SELECT next_attempt_at FROM outbox WHERE state = 'pending'"
    " ORDER BY next_attempt_at LIMIT 1",
    PLAZO_ENTRY_COLUMNS "WHERE notification_id = ?1",
    "SELECT state FROM outbox WHERE notification_id = ?1",
    "INSERT INTO attempts (notification_id, at, ok, permanent, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    "UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1"
    " WHERE notification_id = ?1 AND state = 'pending'",
    "UPDATE outbox SET state = 'given_up', last_error = ?2, attempts = attempts + 1"
    " WHERE notification_id = ?1 AND state = 'pending'",
    "UPDATE outbox SET next_attempt_at = ?2, last_error = ?3, attempts = attempts + 1"
    " WHERE notification_id = ?1 AND state = 'pending'",
    "UPDATE outbox SET attempts = attempts + 1 WHERE notification_id = ?1",
    "UPDATE deliveries SET state = ?2, recorded_at = ?3"
    " WHERE notification_id = ?1 AND " PLAZO_ADVANCES("state", "?2"),
    "SELECT state, count(*) FROM outbox GROUP BY state",
    PLAZO_ENTRY_COLUMNS "WHERE state = 'given_up' ORDER BY created_at DESC, notification_id",
    "SELECT at, ok, permanent, detail FROM attempts WHERE notification_id = ?1"
    " ORDER BY at, rowid",
    "INSERT INTO acks (program, commitment, due, status, recipient, at, comment, client)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT (program, commitment, due) WHERE revoked_at IS NULL DO NOTHING",
    PLAZO_ACK_COLUMNS "WHERE program = ?1 AND commitment = ?2 AND due = ?3 AND revoked_at IS NULL",
    "SELECT max(revoked_at) FROM acks WHERE program = ?1 AND commitment = ?2 AND due = ?3",
    PLAZO_ACK_COLUMNS "WHERE ?1 OR revoked_at IS NULL ORDER BY at, id",
    "UPDATE acks SET revoked_at = ?3 WHERE program = ?1 AND commitment = ?2 AND revoked_at IS NULL",
    "SELECT max(created_at) FROM outbox WHERE destination = ?1 AND channel = 'email'",
    "SELECT d.key, d.state, d.planned_at, d.recorded_at, coalesce(o.channel, ''),"
    " coalesce(o.destination, ''), coalesce(o.state, ''), coalesce(o.attempts, 0),"
    " coalesce(o.sent_at, 0), coalesce(o.last_error, '')"
    " FROM deliveries d LEFT JOIN outbox o ON o.notification_id = d.notification_id"
    " WHERE d.key >= ?1 AND d.key < ?2 ORDER BY d.planned_at DESC, d.key",
    "SELECT key, value FROM meta WHERE key >= ?1 AND key < ?2 ORDER BY key",
    "DELETE FROM meta WHERE key = ?1",
};

#undef PLAZO_ADVANCES
#undef PLAZO_ENTRY_COLUMNS
#undef PLAZO_ENTRY_HEADS
#undef PLAZO_ACK_COLUMNS
#undef PLAZO_ENTRY_COLUMNS_WITH

}  // namespace

LedgerStatements::~LedgerStatements() {
  for (sqlite3_stmt* s : list_) sqlite3_finalize(s);
}

sqlite3_stmt* LedgerStatements::Get(Id id) {
  sqlite3_stmt*& s = list_[id];
  if (s == nullptr) {
    sqlite3_prepare_v3(db_, kSqlText[id], -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  }
  return s;
}

}  // namespace plazo
