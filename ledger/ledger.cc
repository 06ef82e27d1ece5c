#include "ledger/ledger.h"

#include <sys/stat.h>

#include <sqlite3.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <utility>

#include "ledger/schema.h"
#include "ledger/sqlite_query.h"
#include "ledger/statements.h"

namespace plazo {
namespace {

using sqlite::Query;
using sqlite::Transaction;
using enum LedgerStatements::Id;

// Other connections (plazod plan, a second daemon by mistake) hold locks
// only briefly; wait rather than fail.
constexpr int kBusyTimeoutMs = 5000;

constexpr std::array<std::string_view, 5> kDeliveryStateNames = {
    "pending", "sent", "failed", "given_up", "skipped"};
constexpr std::array<std::string_view, 3> kOutboxStateNames = {"pending", "sent", "given_up"};

// "file:" URI for path, escaping what a URI would misread.
std::string FileUri(const std::string& path) {
  std::string uri = path.size() > 0 && path[0] == '/' ? "file://" : "file:";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 0xf];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri;
}

// Opens db at uri_or_path, or sets *error; closes whatever SQLite allocated
// on failure.
sqlite3* OpenDb(const std::string& name, const std::string& uri_or_path, int flags,
                std::string* error) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(uri_or_path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    *error = name + ": cannot open: " + (db ? sqlite::ErrorText(db) : std::string(sqlite3_errstr(rc)));
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return db;
}

// What an opened file holds, learnt before the ledger changes anything.
struct Identity {
  int version = 0;     // PRAGMA user_version
  bool empty = false;  // no schema and no marks at all: a new or zero-byte file
};

// Reads db's identity and refuses another program's file: one marked with
// another application_id, or one with a schema but without plazo's mark.
bool CheckIdentity(sqlite3* db, const std::string& name, Identity* out, std::string* error) {
  int64_t app_id = 0;
  int64_t tables = 0;
  std::string why;
  if (!sqlite::QueryInt(db, "PRAGMA application_id", &app_id, &why) ||
      !ReadSchemaVersion(db, &out->version, &why) ||
      !sqlite::QueryInt(db, "SELECT count(*) FROM sqlite_master", &tables, &why)) {
    *error = name + ": cannot read: " + why;
    return false;
  }
  out->empty = app_id == 0 && out->version == 0 && tables == 0;
  if (app_id != kLedgerApplicationId && !out->empty) {
    *error = name + ": not a plazo ledger (application_id " + std::to_string(app_id) +
             ", user_version " + std::to_string(out->version) + ")";
    return false;
  }
  return true;
}

}  // namespace

std::string_view DeliveryStateName(DeliveryState state) {
  return kDeliveryStateNames[static_cast<size_t>(state)];
}

std::optional<DeliveryState> ParseDeliveryState(std::string_view name) {
  for (size_t i = 0; i < kDeliveryStateNames.size(); ++i) {
    if (kDeliveryStateNames[i] == name) return static_cast<DeliveryState>(i);
  }
  return std::nullopt;
}

std::string_view OutboxStateName(OutboxState state) {
  return kOutboxStateNames[static_cast<size_t>(state)];
}

std::optional<OutboxState> ParseOutboxState(std::string_view name) {
  for (size_t i = 0; i < kOutboxStateNames.size(); ++i) {
    if (kOutboxStateNames[i] == name) return static_cast<OutboxState>(i);
  }
  return std::nullopt;
}

std::string LedgerPath(const std::string& state_dir) {
  return (std::filesystem::path(state_dir) / "ledger.db").string();
}

Ledger::Ledger(sqlite3* db, std::string path, bool read_only)
    : db_(db),
      path_(std::move(path)),
      read_only_(read_only),
      statements_(std::make_unique<LedgerStatements>(db)) {}

Ledger::~Ledger() {
  statements_.reset();  // sqlite3_close refuses while statements are live
  sqlite3_close(db_);
}

std::string Ledger::Failure(std::string_view what) const {
  return path_ + ": " + std::string(what) + ": " + sqlite::ErrorText(db_);
}

bool Ledger::CheckWritable(std::string_view what, std::string* error) const {
  if (!read_only_) return true;
  *error = path_ + ": " + std::string(what) + ": the ledger is open read-only";
  return false;
}

std::unique_ptr<Ledger> Ledger::Open(const std::string& path, std::string* error) {
  namespace fs = std::filesystem;
  fs::path folder = fs::path(path).parent_path();
  if (folder.empty()) folder = ".";
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    *error = path + ": folder " + folder.string() +
             " does not exist (the state folder must be created first)";
    return nullptr;
  }
  sqlite3* db = OpenDb(path, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (db == nullptr) return nullptr;
  std::unique_ptr<Ledger> ledger(new Ledger(db, path, /*read_only=*/false));
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    ledger->device_ = st.st_dev;
    ledger->inode_ = st.st_ino;
  }

  // Identity first, so that another program's file is refused untouched.
  Identity identity;
  if (!CheckIdentity(db, path, &identity, error)) return nullptr;

  // journal_mode answers with the mode in force, which stays the old one
  // when WAL is impossible (e.g. a file system without shared memory).
  // Durability rests on WAL, so that is an error. FULL: in WAL mode, NORMAL
  // may lose the last commits on power loss, and a lost commit is a
  // notification sent twice.
  std::string mode;
  std::string why;
  if (!sqlite::QueryText(db, "PRAGMA journal_mode = WAL", &mode, &why) ||
      !sqlite::Exec(db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", &why)) {
    *error = path + ": cannot configure: " + why;
    return nullptr;
  }
  if (mode != "wal") {
    *error = path + ": cannot use WAL mode (journal mode stays " + mode + ")";
    return nullptr;
  }
  if (!Migrate(db, LedgerMigrations(), &why)) {
    *error = path + ": " + why;
    return nullptr;
  }
  return ledger;
}

bool Ledger::FileInPlace() const {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) return false;
  return st.st_dev == device_ && st.st_ino == inode_;
}

bool Ledger::RestoreFile(std::string* error) {
  struct stat st;
  if (::stat(path_.c_str(), &st) == 0) {
    *error = path_ + ": exists; not overwritten";
    return false;
  }
  // VACUUM INTO writes a complete, consistent copy and refuses an existing
  // target; quoting doubles any ' in the path.
  std::string target;
  for (char c : path_) target += c == '\'' ? std::string("''") : std::string(1, c);
  std::string why;
  if (!sqlite::Exec(db_, "VACUUM INTO '" + target + "'", &why)) {
    *error = path_ + ": cannot restore: " + why;
    return false;
  }
  return true;
}

std::unique_ptr<Ledger> Ledger::OpenReadOnly(const std::string& path, std::string* error) {
  namespace fs = std::filesystem;
  error->clear();
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) return nullptr;
  if (ec) {
    *error = path + ": " + ec.message();
    return nullptr;
  }
  // A running daemon keeps a -wal file next to the ledger, and its newest
  // commits may be only there: read through it, sharing its -shm index.
  // Without one the whole ledger is in the main file, and immutable=1 reads
  // it without creating the -wal and -shm files a WAL reader otherwise
  // would. (If a daemon starts meanwhile, its first commits go to a new WAL
  // and this reader simply does not see them: a dry run may be that stale.)
  bool live = fs::exists(path + "-wal", ec);
  std::string uri = FileUri(path) + (live ? "?mode=ro" : "?mode=ro&immutable=1");
  sqlite3* db = OpenDb(path, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error);
  if (db == nullptr) return nullptr;
  std::unique_ptr<Ledger> ledger(new Ledger(db, path, /*read_only=*/true));

  Identity identity;
  if (!CheckIdentity(db, path, &identity, error)) return nullptr;
  if (identity.empty) return nullptr;  // created but never written
  const int version = identity.version;
  const int latest = LedgerSchemaVersion();
  if (version > latest) {
    *error = path + ": schema version " + std::to_string(version) +
             " is newer than this plazod knows (" + std::to_string(latest) +
             "); run a plazod at least as new as the one that wrote it";
    return nullptr;
  }
  if (version < latest) {
    *error = path + ": schema version " + std::to_string(version) +
             " is older than this plazod's (" + std::to_string(latest) +
             "); the daemon upgrades it when it next starts";
    return nullptr;
  }
  return ledger;
}

bool Ledger::LoadView(LedgerView* out, std::string* error) {
  return LoadView(Instant(Duration(INT64_MIN)), out, error);
}

bool Ledger::LoadView(Instant since, LedgerView* out, std::string* error) {
  out->handled.clear();
  out->acknowledged.clear();
  out->planned_through.reset();
  Transaction tx = statements_->Read();
  if (!tx.Begin()) {
    *error = Failure("cannot read deliveries");
    return false;
  }
  {
    Query q = statements_->Use(kSelectKeys);
    q.Time(since);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out->handled.insert(q.ColumnBytes(0));
    if (rc != SQLITE_DONE) {
      *error = Failure("cannot read deliveries");
      return false;
    }
  }
  {
    Query q = statements_->Use(kSelectAcks);
    q.Int(0);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out->acknowledged.insert(
          AckKey(q.ColumnBytes(0), q.ColumnBytes(1), q.ColumnBytes(2), q.ColumnBytes(3)));
    }
    if (rc != SQLITE_DONE) {
      *error = Failure("cannot read acknowledgements");
      return false;
    }
  }
  Query q = statements_->Use(kSelectMeta);
  q.Text("planned_through");
  int rc = q.Step();
  if (rc == SQLITE_ROW) {
    std::string text = q.ColumnBytes(0);
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size()) {
      *error = path_ + ": planned_through is not a number of seconds: \"" + text + "\"";
      return false;
    }
    out->planned_through = Instant(Duration(seconds));
  } else if (rc != SQLITE_DONE) {
    *error = Failure("cannot read planned_through");
    return false;
  }
  return true;
}

bool Ledger::InsertRecords(const std::vector<DeliveryRecord>& records, Instant now) {
  for (const DeliveryRecord& r : records) {
    bool ok = statements_->Use(kRecordDelivery)
                  .Text(r.key)
                  .TextOrNull(r.notification_id)
                  .Text(DeliveryStateName(r.state))
                  .Time(r.planned_at)
                  .Time(now)
                  .Run();
    if (!ok) return false;
  }
  return true;
}

bool Ledger::Record(const std::vector<DeliveryRecord>& records, Instant now, std::string* error) {
  if (!CheckWritable("cannot record deliveries", error)) return false;
  if (records.empty()) return true;
  Transaction tx = statements_->Write();
  if (!tx.Begin() || !InsertRecords(records, now) || !tx.Commit()) {
    *error = Failure("cannot record deliveries");
    return false;
  }
  return true;
}

bool Ledger::FindDelivery(const std::string& key, std::optional<DeliveryRecord>* out,
                          std::string* error) {
  out->reset();
  Query q = statements_->Use(kSelectDelivery);
  int rc = q.Text(key).Step();
  if (rc == SQLITE_ROW) {
    DeliveryRecord r;
    r.key = q.ColumnBytes(0);
    r.notification_id = q.ColumnBytes(1);
    r.state = ParseDeliveryState(q.ColumnBytes(2)).value_or(DeliveryState::kPending);
    r.planned_at = q.ColumnTime(3);
    r.recorded_at = q.ColumnTime(4);
    *out = std::move(r);
  } else if (rc != SQLITE_DONE) {
    *error = Failure("cannot read delivery " + key);
    return false;
  }
  return true;
}

bool Ledger::WritePlannedThrough(Instant t) {
  std::string value = std::to_string(t.time_since_epoch().count());
  return statements_->Use(kUpsertMeta).Text("planned_through").Text(value).Run();
}

bool Ledger::SetPlannedThrough(Instant t, std::string* error) {
  if (!CheckWritable("cannot set planned_through", error)) return false;
  if (!WritePlannedThrough(t)) {
    *error = Failure("cannot set planned_through");
    return false;
  }
  return true;
}

}  // namespace plazo
