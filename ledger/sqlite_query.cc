#include "ledger/sqlite_query.h"

#include <cstring>

namespace plazo::sqlite {

Query::~Query() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::Check(int rc) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::Text(std::string_view v) {
  // SQLITE_STATIC: no copy; the caller keeps v alive (see the header).
  return Check(sqlite3_bind_text64(stmt_, ++index_, v.data(), v.size(), SQLITE_STATIC,
                                   SQLITE_UTF8));
}

Query& Query::TextOrNull(std::string_view v) {
  if (!v.empty()) return Text(v);
  return Check(sqlite3_bind_null(stmt_, ++index_));
}

Query& Query::Blob(std::string_view v) {
  // A null pointer would bind NULL; "" gives the zero-length blob x''.
  const char* data = v.data() != nullptr ? v.data() : "";
  return Check(sqlite3_bind_blob64(stmt_, ++index_, data, v.size(), SQLITE_STATIC));
}

int Query::Step() {
  if (stmt_ == nullptr) return SQLITE_ERROR;
  if (bind_rc_ != SQLITE_OK) return bind_rc_;
  return sqlite3_step(stmt_);
}

std::string Query::ColumnBytes(int i) const {
  const void* p = sqlite3_column_blob(stmt_, i);
  int n = sqlite3_column_bytes(stmt_, i);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), n);
}

Transaction::~Transaction() {
  // A rollback that fails leaves SQLite to roll back when the connection
  // closes; there is nothing more to do here.
  if (open_ && !sqlite3_get_autocommit(db_)) (void)Query(rollback_).Run();
}

bool Transaction::Begin() {
  open_ = Query(begin_).Run();
  return open_;
}

bool Transaction::Commit() {
  if (!Query(commit_).Run()) return false;
  open_ = false;
  return true;
}

std::string ErrorText(sqlite3* db) {
  std::string text = sqlite3_errmsg(db);
  int code = sqlite3_errcode(db) & 0xff;
  int system = sqlite3_system_errno(db);
  if (system != 0 && (code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_FULL)) {
    text += std::string(" (") + std::strerror(system) + ")";
  }
  return text;
}

bool Exec(sqlite3* db, const std::string& sql, std::string* error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return true;
  *error = message != nullptr ? message : ErrorText(db);
  sqlite3_free(message);
  return false;
}

namespace {

// Prepares sql, steps once and hands the first row to read.
template <typename Read>
bool QueryOne(sqlite3* db, const char* sql, std::string* error, Read read) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    *error = ErrorText(db);
    return false;
  }
  bool ok = false;
  {
    Query q(stmt);  // resets stmt before the finalize below
    int rc = q.Step();
    ok = rc == SQLITE_ROW;
    if (ok) read(q);
    if (rc == SQLITE_DONE) *error = std::string("no result from ") + sql;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) *error = ErrorText(db);
  }
  sqlite3_finalize(stmt);
  return ok;
}

}  // namespace

bool QueryInt(sqlite3* db, const char* sql, int64_t* out, std::string* error) {
  return QueryOne(db, sql, error, [out](const Query& q) { *out = q.ColumnInt(0); });
}

bool QueryText(sqlite3* db, const char* sql, std::string* out, std::string* error) {
  return QueryOne(db, sql, error, [out](const Query& q) { *out = q.ColumnBytes(0); });
}

void RollbackIfOpen(sqlite3* db) {
  if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace plazo::sqlite
