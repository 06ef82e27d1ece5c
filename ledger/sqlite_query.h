// Small RAII helpers over the sqlite3 C API, for the files of ledger/ only
// (the ledger's public header keeps SQLite out of sight): a Query is one use
// of a prepared statement, a Transaction rolls back unless committed.
#ifndef PLAZO_LEDGER_SQLITE_QUERY_H_
#define PLAZO_LEDGER_SQLITE_QUERY_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "config/model.h"

namespace plazo::sqlite {

// One use of a prepared statement, which the Query does not own (the
// statement cache or the caller finalizes it, after the Query is gone):
// binds parameters in order, steps, reads columns, and on scope exit resets
// the statement and clears its bindings. The reset matters beyond reuse: a
// statement left mid-result keeps its read transaction open and pins the WAL.
//
// A failed bind or a null statement (preparing failed) makes Step return the
// error, so a chain of binds needs one check, at the end; the message is on
// the connection (sqlite3_errmsg) until the next call on it.
class Query {
 public:
  explicit Query(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& Int(int64_t v) { return Check(sqlite3_bind_int64(stmt_, ++index_, v)); }
  // Unix seconds.
  Query& Time(Instant t) { return Int(t.time_since_epoch().count()); }
  // Text and blobs are bound without copying: they must outlive the Query.
  // An empty string binds '' (or x''), never NULL.
  Query& Text(std::string_view v);
  Query& TextOrNull(std::string_view v);  // NULL for an empty string
  Query& Blob(std::string_view v);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  // Runs a statement that returns no rows.
  [[nodiscard]] bool Run() { return Step() == SQLITE_DONE; }

  int64_t ColumnInt(int i) const { return sqlite3_column_int64(stmt_, i); }
  Instant ColumnTime(int i) const { return Instant(Duration(ColumnInt(i))); }
  [[nodiscard]] bool ColumnIsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  // A text or blob column's bytes; NULL reads as "".
  std::string ColumnBytes(int i) const;

 private:
  Query& Check(int rc);

  sqlite3_stmt* stmt_;
  int index_ = 0;
  int bind_rc_ = SQLITE_OK;
};

// A transaction on db that rolls back on scope exit unless committed. The
// three statements (BEGIN ..., COMMIT, ROLLBACK) come from the caller's
// cache.
class Transaction {
 public:
  Transaction(sqlite3* db, sqlite3_stmt* begin, sqlite3_stmt* commit, sqlite3_stmt* rollback)
      : db_(db), begin_(begin), commit_(commit), rollback_(rollback) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // False on error (e.g. the database stayed locked past the busy timeout).
  [[nodiscard]] bool Begin();
  // False on error; the transaction then stays open until rolled back.
  [[nodiscard]] bool Commit();

 private:
  sqlite3* db_;
  sqlite3_stmt* begin_;
  sqlite3_stmt* commit_;
  sqlite3_stmt* rollback_;
  bool open_ = false;
};

// SQLite's message for db's last error, with the operating system's reason
// when there is one: "disk I/O error (File too large)" says what to fix.
[[nodiscard]] std::string ErrorText(sqlite3* db);

// Runs sql, one or more statements without parameters or results.
// Returns false and sets *error (SQLite's message) on failure.
[[nodiscard]] bool Exec(sqlite3* db, const std::string& sql, std::string* error);

// Runs sql, a statement whose first row holds an integer, into *out.
// Returns false and sets *error on failure or when there is no row.
[[nodiscard]] bool QueryInt(sqlite3* db, const char* sql, int64_t* out, std::string* error);

// Runs sql, a statement whose first row holds a text, into *out.
// Returns false and sets *error on failure or when there is no row.
[[nodiscard]] bool QueryText(sqlite3* db, const char* sql, std::string* out, std::string* error);

// Rolls back the open transaction of db, if there is one. After some errors
// (SQLITE_FULL, I/O errors) SQLite has rolled back already.
void RollbackIfOpen(sqlite3* db);

}  // namespace plazo::sqlite

#endif  // PLAZO_LEDGER_SQLITE_QUERY_H_
