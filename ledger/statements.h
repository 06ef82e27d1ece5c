// The SQL the ledger runs, each statement prepared once per connection and
// kept for its life (internal to ledger/). Keeping every statement in one
// table makes the ledger's whole use of the schema readable in one place,
// next to the indexes in schema.cc that serve it.
#ifndef PLAZO_LEDGER_STATEMENTS_H_
#define PLAZO_LEDGER_STATEMENTS_H_

#include <sqlite3.h>

#include <array>
#include <cstddef>

#include "ledger/sqlite_query.h"

namespace plazo {

class LedgerStatements {
 public:
  enum Id : size_t {
    kBegin,               // BEGIN IMMEDIATE
    kBeginRead,           // BEGIN (deferred)
    kCommit,
    kRollback,
    kSelectKeys,          // the delivery keys planned at or after ?1
    kSelectMeta,          // ?1 meta key -> value
    kUpsertMeta,          // ?1 key, ?2 value
    kRecordDelivery,      // ?1 key, ?2 notification id or NULL, ?3 state,
                          // ?4 planned_at, ?5 recorded_at; Record's rule
    kSelectDelivery,      // ?1 key -> key, notification_id, state, planned_at,
                          // recorded_at
    kInsertEntry,         // ?1 id, ?2 channel, ?3 destination, ?4 kind,
                          // ?5 payload, ?6 now; no-op if the id exists
    kSelectDue,           // ?1 now, ?2 limit -> entry columns
    kSelectPending,       // -> entry columns, payload left empty
    kSelectFailing,       // -> entry columns, payload left empty: pending
                          // entries with at least one attempt
    kSelectPayload,       // ?1 id -> payload of a pending entry
    kSelectNextAttempt,   // -> the earliest pending next_attempt_at
    kSelectEntry,         // ?1 id -> entry columns
    kSelectEntryState,    // ?1 id -> state
    kInsertAttempt,       // ?1 id, ?2 at, ?3 ok, ?4 permanent, ?5 detail
    kEntrySent,           // ?1 id, ?2 sent_at; pending entries only
    kEntryGivenUp,        // ?1 id, ?2 last_error; pending entries only
    kEntryRetry,          // ?1 id, ?2 next_attempt_at, ?3 last_error;
                          // pending entries only
    kEntryCountAttempt,   // ?1 id
    kAdvanceDeliveries,   // ?1 notification id, ?2 new state, ?3 recorded_at
    kCountByState,        // -> state, count
    kSelectGivenUp,       // -> entry columns
    kSelectAttempts,      // ?1 id -> at, ok, permanent, detail
    kInsertAck,           // ?1 program, ?2 commitment, ?3 due, ?4 status,
                          // ?5 recipient, ?6 at, ?7 comment, ?8 client;
                          // no-op while an active ack exists
    kSelectActiveAck,     // ?1 program, ?2 commitment, ?3 due -> ack columns
    kSelectLastRevoked,   // ?1 program, ?2 commitment, ?3 due -> max revoked_at
    kSelectAcks,          // ?1 1: revoked ones too -> ack columns
    kRevokeAcks,          // ?1 program, ?2 commitment, ?3 now
    kSelectLastEmailTo,   // ?1 destination -> max created_at of its e-mails
    kSelectDeliveriesIn,  // ?1 first key, ?2 key past the last -> key, state,
                          // planned_at, recorded_at, and of its entry (or
                          // empty) channel, destination, state, attempts,
                          // sent_at, last_error; newest planned first
    kSelectMetaRange,     // ?1 first key, ?2 key past the last -> key, value
    kDeleteMeta,          // ?1 key
    kCount,
  };

  // Statements that return acks ("ack columns") select program,
  // commitment, due, status, recipient, at, comment, client, revoked_at.
  // Statements that return outbox rows ("entry columns" above) select
  // notification_id, channel, destination, kind, payload, state, attempts,
  // created_at, next_attempt_at, last_error, sent_at, in that order. Those
  // marked "payload left empty" select an empty blob in its place: lists
  // that the daemon reads often must not drag every message along.

  explicit LedgerStatements(sqlite3* db) : db_(db) {}
  // Finalizes every prepared statement; must run before the connection
  // closes (sqlite3_close refuses while statements are live).
  ~LedgerStatements();
  LedgerStatements(const LedgerStatements&) = delete;
  LedgerStatements& operator=(const LedgerStatements&) = delete;

  // The statement id, prepared on first use; nullptr when preparing fails,
  // with the reason left in sqlite3_errmsg (a Query on nullptr fails its
  // step, so callers check once, after stepping).
  sqlite3_stmt* Get(Id id);
  sqlite::Query Use(Id id) { return sqlite::Query(Get(id)); }
  // A write transaction. IMMEDIATE takes the write lock at BEGIN, where the
  // busy timeout applies, instead of failing with SQLITE_BUSY halfway
  // through when a read lock cannot be upgraded.
  sqlite::Transaction Write() {
    return sqlite::Transaction(db_, Get(kBegin), Get(kCommit), Get(kRollback));
  }
  // A read transaction: one consistent snapshot across several statements.
  // Left uncommitted, it ends by rollback, which for reads is the same.
  sqlite::Transaction Read() {
    return sqlite::Transaction(db_, Get(kBeginRead), Get(kCommit), Get(kRollback));
  }

 private:
  sqlite3* db_;
  std::array<sqlite3_stmt*, kCount> list_{};
};

}  // namespace plazo

#endif  // PLAZO_LEDGER_STATEMENTS_H_
