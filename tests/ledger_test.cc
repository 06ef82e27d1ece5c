// The ledger on a real SQLite file in a temporary folder: schema and
// migrations, the Record rule, the outbox's transactions, read-only use by
// `plazod plan`, and durability across a real kill -9.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "ledger/ledger.h"
#include "ledger/schema.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// A fresh folder, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "plazo-ledger-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  std::set<std::string> List() const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.insert(e.path().filename());
    return names;
  }

 private:
  fs::path path_;
};

Instant T(int64_t s) { return Instant(seconds(s)); }

std::unique_ptr<Ledger> OpenOrFail(const std::string& path) {
  std::string error;
  std::unique_ptr<Ledger> ledger = Ledger::Open(path, &error);
  INFO(error);
  REQUIRE(ledger);
  return ledger;
}

OutboxEntry Entry(const std::string& id, const std::string& payload = "body") {
  OutboxEntry e;
  e.notification_id = id;
  e.channel = "webhook";
  e.destination = "equipo-pil";
  e.kind = "reminder";
  e.payload = payload;
  return e;
}

DeliveryRecord Item(const std::string& key, int64_t planned_at = 1000) {
  DeliveryRecord r;
  r.key = key;
  r.planned_at = T(planned_at);
  return r;
}

DeliveryRecord Rec(const std::string& key, DeliveryState state, const std::string& id = "") {
  DeliveryRecord r = Item(key);
  r.state = state;
  r.notification_id = id;
  return r;
}

// Runs sql on path through a separate plain SQLite connection; returns the
// first column of the first row as text ("" without rows).
std::string Raw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  std::string result;
  char* message = nullptr;
  int rc = sqlite3_exec(
      db, sql.c_str(),
      [](void* out, int, char** values, char**) {
        auto* s = static_cast<std::string*>(out);
        if (s->empty() && values[0] != nullptr) *s = values[0];
        return 0;
      },
      &result, &message);
  std::string error = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  INFO(sql << ": " << error);
  REQUIRE(rc == SQLITE_OK);
  return result;
}

DeliveryState StateOf(Ledger& ledger, const std::string& key) {
  std::optional<DeliveryRecord> r;
  std::string error;
  REQUIRE(ledger.FindDelivery(key, &r, &error));
  REQUIRE(r);
  return r->state;
}

OutboxEntry EntryOf(Ledger& ledger, const std::string& id) {
  std::optional<OutboxEntry> e;
  std::string error;
  REQUIRE(ledger.FindEntry(id, &e, &error));
  REQUIRE(e);
  return *e;
}

std::vector<std::string> Ids(const std::vector<OutboxEntry>& entries) {
  std::vector<std::string> ids;
  for (const OutboxEntry& e : entries) ids.push_back(e.notification_id);
  return ids;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_CASE("a new ledger is in WAL mode at the current schema and keeps its data", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::string error;
  {
    auto ledger = OpenOrFail(path);
    CHECK_FALSE(ledger->read_only());
    REQUIRE(ledger->Record({Rec("p/c1/2025-06-30/due/email:a@x", DeliveryState::kSkipped)},
                           T(50), &error));
    REQUIRE(ledger->SetPlannedThrough(T(2000), &error));
    REQUIRE(ledger->Enqueue(Entry("n1"), {Item("p/c2/2025-06-30/due/email:a@x")}, T(60), &error));
  }
  CHECK(Raw(path, "PRAGMA journal_mode") == "wal");
  CHECK(Raw(path, "PRAGMA user_version") == std::to_string(LedgerSchemaVersion()));
  CHECK(LedgerSchemaVersion() == 4);
  CHECK(Raw(path, "PRAGMA application_id") == std::to_string(kLedgerApplicationId));
  CHECK(Raw(path, "PRAGMA integrity_check") == "ok");

  auto ledger = OpenOrFail(path);
  LedgerView view;
  REQUIRE(ledger->LoadView(&view, &error));
  CHECK(view.handled == std::unordered_set<std::string>{"p/c1/2025-06-30/due/email:a@x",
                                                        "p/c2/2025-06-30/due/email:a@x"});
  CHECK(view.planned_through == T(2000));
  CHECK(EntryOf(*ledger, "n1").state == OutboxState::kPending);
  REQUIRE(ledger->SetPlannedThrough(T(1500), &error));  // plain assignment
  REQUIRE(ledger->LoadView(&view, &error));
  CHECK(view.planned_through == T(1500));
}

TEST_CASE("an empty ledger has no keys and no planned_through", "[ledger]") {
  TempDir dir;
  auto ledger = OpenOrFail(dir.File("ledger.db"));
  LedgerView view;
  view.handled.insert("stale");
  view.planned_through = T(1);
  std::string error;
  REQUIRE(ledger->LoadView(&view, &error));
  CHECK(view.handled.empty());
  CHECK_FALSE(view.planned_through);
  std::optional<Instant> next;
  REQUIRE(ledger->NextAttempt(&next, &error));
  CHECK_FALSE(next);
  CHECK(LedgerPath("/var/lib/plazo") == "/var/lib/plazo/ledger.db");
}

TEST_CASE("Open needs the folder to exist and does not create it", "[ledger]") {
  TempDir dir;
  std::string error;
  CHECK_FALSE(Ledger::Open(dir.File("missing/ledger.db"), &error));
  CHECK_THAT(error, Catch::Contains("does not exist"));
  CHECK_THAT(error, Catch::Contains("missing"));
  CHECK(dir.List().empty());
}

TEST_CASE("an empty database file is migrated to the current version", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::ofstream(path).close();  // zero bytes: SQLite's empty database
  REQUIRE(fs::file_size(path) == 0);
  {
    auto ledger = OpenOrFail(path);
    std::string error;
    REQUIRE(ledger->Enqueue(Entry("n1"), {Item("k")}, T(1), &error));
  }
  CHECK(Raw(path, "PRAGMA user_version") == "4");
  CHECK(Raw(path, "SELECT count(*) FROM outbox") == "1");
}

TEST_CASE("a version 1 ledger is migrated to the current version and keeps its data", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  {
    // What a plazod of schema 1 left behind: v1 tables, one sent delivery.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    std::string error;
    REQUIRE(Migrate(db, {LedgerMigrations()[0]}, &error));
    REQUIRE(sqlite3_exec(db,
                         "INSERT INTO deliveries VALUES ('p/c1/2025-06-30/due/email:a@x', 'n0',"
                         " 'sent', 100, 101)",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  CHECK(Raw(path, "PRAGMA user_version") == "1");
  auto ledger = OpenOrFail(path);
  CHECK(Raw(path, "PRAGMA user_version") == "4");
  CHECK(Raw(path, "SELECT count(*) FROM sqlite_master WHERE name = 'deliveries_by_planned_at'") ==
        "1");
  // DueEntries reads the outbox in index order, without sorting.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* plan = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "EXPLAIN QUERY PLAN SELECT notification_id FROM outbox"
                             " WHERE state = 'pending' AND next_attempt_at <= 5"
                             " ORDER BY next_attempt_at, created_at, notification_id",
                             -1, &plan, nullptr) == SQLITE_OK);
  std::string details;
  while (sqlite3_step(plan) == SQLITE_ROW) {
    details += reinterpret_cast<const char*>(sqlite3_column_text(plan, 3));
    details += ";";
  }
  sqlite3_finalize(plan);
  sqlite3_close(db);
  CHECK_THAT(details, Catch::Contains("outbox_by_state_next"));
  CHECK(details.find("TEMP B-TREE") == std::string::npos);
  LedgerView view;
  std::string error;
  REQUIRE(ledger->LoadView(&view, &error));
  CHECK(view.handled.count("p/c1/2025-06-30/due/email:a@x") == 1);
}

TEST_CASE("LoadView since an instant reads only the keys planned from then on", "[ledger]") {
  TempDir dir;
  auto ledger = OpenOrFail(dir.File("ledger.db"));
  std::string error;
  DeliveryRecord old = Rec("p/c1/2025-06-30/before-7d/email:a@x", DeliveryState::kSent);
  old.planned_at = T(100);
  DeliveryRecord recent = Rec("p/c1/2025-06-30/due/email:a@x", DeliveryState::kSent);
  recent.planned_at = T(200);
  REQUIRE(ledger->Record({old, recent}, T(300), &error));
  REQUIRE(ledger->SetPlannedThrough(T(250), &error));
  LedgerView view;
  REQUIRE(ledger->LoadView(T(200), &view, &error));
  CHECK(view.handled == std::unordered_set<std::string>{"p/c1/2025-06-30/due/email:a@x"});
  CHECK(view.planned_through == T(250));
  REQUIRE(ledger->LoadView(Instant::max(), &view, &error));
  CHECK(view.handled.empty());
  CHECK(view.planned_through == T(250));
}

TEST_CASE("a ledger from a newer plazod is refused and left alone", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  OpenOrFail(path).reset();
  Raw(path, "PRAGMA user_version = 7");
  std::string error;
  CHECK_FALSE(Ledger::Open(path, &error));
  CHECK_THAT(error, Catch::Contains(path));
  CHECK_THAT(error, Catch::Contains("schema version 7 is newer than this plazod knows (4)"));
  error.clear();
  CHECK_FALSE(Ledger::OpenReadOnly(path, &error));
  CHECK_THAT(error, Catch::Contains("schema version 7 is newer than this plazod knows (4)"));
  CHECK(Raw(path, "PRAGMA user_version") == "7");
}

TEST_CASE("files that are not plazo ledgers are refused", "[ledger]") {
  TempDir dir;
  std::string error;

  const std::string other = dir.File("other.db");
  Raw(other, "CREATE TABLE photos (id INTEGER)");
  CHECK_FALSE(Ledger::Open(other, &error));
  CHECK_THAT(error, Catch::Contains("not a plazo ledger"));
  CHECK(Raw(other, "SELECT count(*) FROM sqlite_master WHERE name = 'outbox'") == "0");

  const std::string tagged = dir.File("tagged.db");
  Raw(tagged, "PRAGMA application_id = 42");
  CHECK_FALSE(Ledger::Open(tagged, &error));
  CHECK_THAT(error, Catch::Contains("not a plazo ledger (application_id 42"));
  CHECK_FALSE(Ledger::OpenReadOnly(tagged, &error));
  CHECK_THAT(error, Catch::Contains("not a plazo ledger"));

  const std::string text = dir.File("notes.txt");
  std::ofstream(text) << "this is not a database, just some text that is long enough\n";
  CHECK_FALSE(Ledger::Open(text, &error));
  CHECK_THAT(error, Catch::Contains(text));
  CHECK_THAT(error, Catch::Contains("not a database"));
}

TEST_CASE("Migrate applies successive migrations, one transaction each", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("m.db");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  std::string error;
  int version = -1;

  std::vector<Migration> broken = {
      {1, "CREATE TABLE a (x INTEGER)"},
      {2, "CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (2)"},
      {3, "CREATE TABLE c (x INTEGER); INSERT INTO nowhere VALUES (3)"},
  };
  CHECK_FALSE(Migrate(db, broken, &error));
  CHECK_THAT(error, Catch::Contains("migration to schema version 3 failed"));
  CHECK_THAT(error, Catch::Contains("nowhere"));
  REQUIRE(ReadSchemaVersion(db, &version, &error));
  CHECK(version == 2);  // 1 and 2 stay applied; 3 is rolled back whole
  CHECK(Raw(path, "SELECT count(*) FROM a") == "1");
  CHECK(Raw(path, "SELECT count(*) FROM sqlite_master WHERE name = 'c'") == "0");

  std::vector<Migration> fixed = broken;
  fixed[2].sql = "CREATE TABLE c (x INTEGER); INSERT INTO c VALUES (3)";
  fixed.push_back({4, "INSERT INTO c VALUES (4)"});
  REQUIRE(Migrate(db, fixed, &error));
  REQUIRE(ReadSchemaVersion(db, &version, &error));
  CHECK(version == 4);
  CHECK(Raw(path, "SELECT count(*) FROM c") == "2");
  REQUIRE(Migrate(db, fixed, &error));  // nothing left to do
  CHECK(Raw(path, "SELECT count(*) FROM c") == "2");

  fixed.pop_back();
  CHECK_FALSE(Migrate(db, fixed, &error));
  CHECK_THAT(error, Catch::Contains("schema version 4 is newer than this plazod knows (3)"));

  std::vector<Migration> gap = {{1, "SELECT 1"}, {3, "SELECT 1"}};
  CHECK_FALSE(Migrate(db, gap, &error));
  CHECK_THAT(error, Catch::Contains("not numbered"));
  sqlite3_close(db);
}

TEST_CASE("Record keeps the first record unless the state advances", "[ledger]") {
  TempDir dir;
  auto ledger = OpenOrFail(dir.File("ledger.db"));
  std::string error;
  using S = DeliveryState;
  REQUIRE(ledger->Record({Rec("pending", S::kPending, "n1"), Rec("failed", S::kFailed, "n2"),
                          Rec("sent", S::kSent, "n3"), Rec("given_up", S::kGivenUp, "n4"),
                          Rec("skipped", S::kSkipped)},
                         T(10), &error));

  SECTION("a replayed or lesser write changes nothing") {
    REQUIRE(ledger->Record({Rec("pending", S::kPending, "other"), Rec("failed", S::kPending),
                            Rec("sent", S::kSkipped), Rec("sent", S::kPending),
                            Rec("sent", S::kFailed), Rec("sent", S::kGivenUp),
                            Rec("given_up", S::kSent), Rec("skipped", S::kSent),
                            Rec("pending", S::kSkipped)},
                           T(20), &error));
    CHECK(StateOf(*ledger, "pending") == S::kPending);
    CHECK(StateOf(*ledger, "failed") == S::kFailed);
    CHECK(StateOf(*ledger, "sent") == S::kSent);
    CHECK(StateOf(*ledger, "given_up") == S::kGivenUp);
    CHECK(StateOf(*ledger, "skipped") == S::kSkipped);
    std::optional<DeliveryRecord> r;
    REQUIRE(ledger->FindDelivery("pending", &r, &error));
    CHECK(r->notification_id == "n1");
    CHECK(r->recorded_at == T(10));
  }
  SECTION("pending moves to failed, then to sent; the first record's id stays") {
    DeliveryRecord later = Rec("pending", S::kFailed, "other");
    later.planned_at = T(999999);
    REQUIRE(ledger->Record({later}, T(20), &error));
    CHECK(StateOf(*ledger, "pending") == S::kFailed);
    REQUIRE(ledger->Record({Rec("pending", S::kSent), Rec("failed", S::kGivenUp)}, T(30),
                           &error));
    std::optional<DeliveryRecord> r;
    REQUIRE(ledger->FindDelivery("pending", &r, &error));
    CHECK(r->state == S::kSent);
    CHECK(r->notification_id == "n1");
    CHECK(r->planned_at == T(1000));
    CHECK(r->recorded_at == T(30));
    CHECK(StateOf(*ledger, "failed") == S::kGivenUp);
  }
  SECTION("pending may go straight to given_up; within one batch, later rows win") {
    REQUIRE(ledger->Record({Rec("pending", S::kGivenUp), Rec("new", S::kPending),
                            Rec("new", S::kSent)},
                           T(20), &error));
    CHECK(StateOf(*ledger, "pending") == S::kGivenUp);
    CHECK(StateOf(*ledger, "new") == S::kSent);
  }
  SECTION("an unknown key reads as absent; an empty id reads as empty") {
    std::optional<DeliveryRecord> r;
    REQUIRE(ledger->FindDelivery("nope", &r, &error));
    CHECK_FALSE(r);
    REQUIRE(ledger->FindDelivery("skipped", &r, &error));
    CHECK(r->notification_id.empty());
    CHECK(Raw(dir.File("ledger.db"),
              "SELECT count(*) FROM deliveries WHERE key = 'skipped' AND "
              "notification_id IS NULL") == "1");
  }
}

TEST_CASE("Record writes all of a batch or none of it", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  auto ledger = OpenOrFail(path);
  // A trigger makes the second row fail, the way a full disk would.
  Raw(path,
      "CREATE TRIGGER boom BEFORE INSERT ON deliveries WHEN NEW.key = 'boom'"
      " BEGIN SELECT RAISE(ABORT, 'boom refused'); END");
  std::string error;
  CHECK_FALSE(ledger->Record({Rec("fine", DeliveryState::kSkipped),
                              Rec("boom", DeliveryState::kSkipped)},
                             T(1), &error));
  CHECK_THAT(error, Catch::Contains("boom refused"));
  CHECK_THAT(error, Catch::Contains(path));
  LedgerView view;
  REQUIRE(ledger->LoadView(&view, &error));
  CHECK(view.handled.empty());
  // The ledger is still usable after the failed transaction.
  REQUIRE(ledger->Record({Rec("fine", DeliveryState::kSkipped)}, T(2), &error));
}

TEST_CASE("Enqueue stores the entry and its items as pending in one transaction",
          "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  auto ledger = OpenOrFail(path);
  std::string error;
  const std::string payload("binary\0payload\xff", 15);
  DeliveryRecord odd = Item("k2", 1200);
  odd.state = DeliveryState::kSent;  // ignored: items go in pending
  odd.notification_id = "elsewhere";  // ignored: the entry's id
  REQUIRE(ledger->Enqueue(Entry("n1", payload), {Item("k1", 1100), odd}, T(5000), &error));

  OutboxEntry e = EntryOf(*ledger, "n1");
  CHECK(e.channel == "webhook");
  CHECK(e.destination == "equipo-pil");
  CHECK(e.kind == "reminder");
  CHECK(e.payload == payload);
  CHECK(e.state == OutboxState::kPending);
  CHECK(e.attempts == 0);
  CHECK(e.created_at == T(5000));
  CHECK(e.next_attempt_at == T(5000));
  CHECK(e.last_error.empty());
  CHECK_FALSE(e.sent_at);
  for (const char* key : {"k1", "k2"}) {
    std::optional<DeliveryRecord> r;
    REQUIRE(ledger->FindDelivery(key, &r, &error));
    REQUIRE(r);
    CHECK(r->state == DeliveryState::kPending);
    CHECK(r->notification_id == "n1");
    CHECK(r->recorded_at == T(5000));
  }
  std::optional<DeliveryRecord> r;
  REQUIRE(ledger->FindDelivery("k2", &r, &error));
  CHECK(r->planned_at == T(1200));

  SECTION("enqueueing the same id again changes nothing") {
    REQUIRE(ledger->Enqueue(Entry("n1", "other"), {Item("k3")}, T(6000), &error));
    CHECK(EntryOf(*ledger, "n1").payload == payload);
    CHECK(EntryOf(*ledger, "n1").created_at == T(5000));
    REQUIRE(ledger->FindDelivery("k3", &r, &error));
    CHECK_FALSE(r);
    LedgerCounts counts;
    REQUIRE(ledger->Counts(&counts, &error));
    CHECK(counts.pending == 1);
  }
  SECTION("an item already handled keeps its record") {
    REQUIRE(ledger->Record({Rec("done", DeliveryState::kSent, "n0")}, T(1), &error));
    REQUIRE(ledger->Enqueue(Entry("n2"), {Item("done"), Item("k4")}, T(6000), &error));
    REQUIRE(ledger->FindDelivery("done", &r, &error));
    CHECK(r->state == DeliveryState::kSent);
    CHECK(r->notification_id == "n0");
    CHECK(StateOf(*ledger, "k4") == DeliveryState::kPending);
  }
  SECTION("an empty payload is stored as an empty blob") {
    REQUIRE(ledger->Enqueue(Entry("empty", ""), {}, T(6000), &error));
    CHECK(EntryOf(*ledger, "empty").payload.empty());
    CHECK(Raw(path, "SELECT typeof(payload) FROM outbox WHERE notification_id = 'empty'") ==
          "blob");
  }
  SECTION("a failing item leaves neither the entry nor any item") {
    Raw(path,
        "CREATE TRIGGER boom BEFORE INSERT ON deliveries WHEN NEW.key = 'boom'"
        " BEGIN SELECT RAISE(ABORT, 'boom refused'); END");
    CHECK_FALSE(ledger->Enqueue(Entry("n3"), {Item("k5"), Item("boom")}, T(6000), &error));
    CHECK_THAT(error, Catch::Contains("boom refused"));
    std::optional<OutboxEntry> none;
    REQUIRE(ledger->FindEntry("n3", &none, &error));
    CHECK_FALSE(none);
    REQUIRE(ledger->FindDelivery("k5", &r, &error));
    CHECK_FALSE(r);
  }
  SECTION("bad entries are refused before touching the file") {
    OutboxEntry bad = Entry("n4");
    bad.channel = "sms";
    CHECK_FALSE(ledger->Enqueue(bad, {Item("k6")}, T(6000), &error));
    CHECK_THAT(error, Catch::Contains("unknown channel \"sms\""));
    CHECK_FALSE(ledger->Enqueue(Entry(""), {Item("k6")}, T(6000), &error));
    CHECK_THAT(error, Catch::Contains("without an id"));
    REQUIRE(ledger->FindDelivery("k6", &r, &error));
    CHECK_FALSE(r);
  }
}

TEST_CASE("RecordAttempt: success, retry, and giving up", "[ledger]") {
  TempDir dir;
  auto ledger = OpenOrFail(dir.File("ledger.db"));
  std::string error;
  REQUIRE(ledger->Enqueue(Entry("n1"), {Item("a1"), Item("a2")}, T(100), &error));
  REQUIRE(ledger->Enqueue(Entry("n2"), {Item("b1")}, T(100), &error));
  REQUIRE(ledger->Enqueue(Entry("n3"), {Item("c1")}, T(100), &error));

  // n1: a transient failure, then success.
  REQUIRE(ledger->RecordAttempt("n1", {false, false, "HTTP 503", T(130)}, T(100), &error));
  OutboxEntry e = EntryOf(*ledger, "n1");
  CHECK(e.state == OutboxState::kPending);
  CHECK(e.attempts == 1);
  CHECK(e.next_attempt_at == T(130));
  CHECK(e.last_error == "HTTP 503");
  CHECK(StateOf(*ledger, "a1") == DeliveryState::kFailed);
  CHECK(StateOf(*ledger, "a2") == DeliveryState::kFailed);

  REQUIRE(ledger->RecordAttempt("n1", {true, false, "HTTP 200", std::nullopt}, T(131), &error));
  e = EntryOf(*ledger, "n1");
  CHECK(e.state == OutboxState::kSent);
  CHECK(e.attempts == 2);
  CHECK(e.sent_at == T(131));
  CHECK(StateOf(*ledger, "a1") == DeliveryState::kSent);
  CHECK(StateOf(*ledger, "a2") == DeliveryState::kSent);

  // n2: a permanent failure gives up at once, even with a retry time.
  REQUIRE(ledger->RecordAttempt("n2", {false, true, "HTTP 404", T(500)}, T(102), &error));
  e = EntryOf(*ledger, "n2");
  CHECK(e.state == OutboxState::kGivenUp);
  CHECK(e.attempts == 1);
  CHECK(e.last_error == "HTTP 404");
  CHECK(StateOf(*ledger, "b1") == DeliveryState::kGivenUp);

  // n3: a transient failure without a retry time (out of time) gives up too.
  REQUIRE(ledger->RecordAttempt("n3", {false, false, "timeout", std::nullopt}, T(103), &error));
  CHECK(EntryOf(*ledger, "n3").state == OutboxState::kGivenUp);
  CHECK(StateOf(*ledger, "c1") == DeliveryState::kGivenUp);

  // A finished entry keeps its state; the attempt is still logged.
  REQUIRE(ledger->RecordAttempt("n1", {false, false, "late echo", T(900)}, T(200), &error));
  e = EntryOf(*ledger, "n1");
  CHECK(e.state == OutboxState::kSent);
  CHECK(e.attempts == 3);
  CHECK(e.last_error == "HTTP 503");
  CHECK(StateOf(*ledger, "a1") == DeliveryState::kSent);

  std::vector<AttemptRecord> log;
  REQUIRE(ledger->Attempts("n1", &log, &error));
  REQUIRE(log.size() == 3);
  CHECK(log[0].at == T(100));
  CHECK_FALSE(log[0].ok);
  CHECK(log[0].detail == "HTTP 503");
  CHECK(log[1].ok);
  CHECK(log[2].detail == "late echo");
  REQUIRE(ledger->Attempts("n2", &log, &error));
  REQUIRE(log.size() == 1);
  CHECK(log[0].permanent);

  CHECK_FALSE(ledger->RecordAttempt("nope", {true, false, "", std::nullopt}, T(1), &error));
  CHECK_THAT(error, Catch::Contains("no such outbox entry"));

  LedgerCounts counts;
  REQUIRE(ledger->Counts(&counts, &error));
  CHECK(counts.pending == 0);
  CHECK(counts.sent == 1);
  CHECK(counts.given_up == 2);
  std::vector<OutboxEntry> given_up;
  REQUIRE(ledger->GivenUp(&given_up, &error));
  CHECK(Ids(given_up) == std::vector<std::string>{"n2", "n3"});

  // Every key stays handled, whatever became of it.
  LedgerView view;
  REQUIRE(ledger->LoadView(&view, &error));
  CHECK(view.handled.size() == 4);
}

TEST_CASE("RecordAttempt is one transaction", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  auto ledger = OpenOrFail(path);
  std::string error;
  REQUIRE(ledger->Enqueue(Entry("n1"), {Item("a1")}, T(100), &error));
  Raw(path,
      "CREATE TRIGGER boom BEFORE UPDATE ON deliveries"
      " BEGIN SELECT RAISE(ABORT, 'boom refused'); END");
  CHECK_FALSE(ledger->RecordAttempt("n1", {true, false, "HTTP 200", std::nullopt}, T(101),
                                    &error));
  CHECK_THAT(error, Catch::Contains("boom refused"));
  OutboxEntry e = EntryOf(*ledger, "n1");
  CHECK(e.state == OutboxState::kPending);
  CHECK(e.attempts == 0);
  std::vector<AttemptRecord> log;
  REQUIRE(ledger->Attempts("n1", &log, &error));
  CHECK(log.empty());
}

TEST_CASE("DueEntries: pending and due only, longest overdue first", "[ledger]") {
  TempDir dir;
  auto ledger = OpenOrFail(dir.File("ledger.db"));
  std::string error;
  REQUIRE(ledger->Enqueue(Entry("a"), {}, T(100), &error));
  REQUIRE(ledger->Enqueue(Entry("d"), {}, T(50), &error));
  REQUIRE(ledger->Enqueue(Entry("b"), {}, T(50), &error));
  REQUIRE(ledger->Enqueue(Entry("c"), {}, T(200), &error));
  REQUIRE(ledger->Enqueue(Entry("sent"), {}, T(10), &error));
  REQUIRE(ledger->Enqueue(Entry("gone"), {}, T(10), &error));
  REQUIRE(ledger->RecordAttempt("sent", {true, false, "", std::nullopt}, T(11), &error));
  REQUIRE(ledger->RecordAttempt("gone", {false, true, "404", std::nullopt}, T(11), &error));

  std::vector<OutboxEntry> due;
  REQUIRE(ledger->DueEntries(T(150), 10, &due, &error));
  CHECK(Ids(due) == std::vector<std::string>{"b", "d", "a"});
  REQUIRE(ledger->DueEntries(T(150), 2, &due, &error));
  CHECK(Ids(due) == std::vector<std::string>{"b", "d"});
  REQUIRE(ledger->DueEntries(T(49), 10, &due, &error));
  CHECK(due.empty());
  REQUIRE(ledger->DueEntries(T(50), 0, &due, &error));
  CHECK(due.empty());

  // A retry moves an entry back in line.
  REQUIRE(ledger->RecordAttempt("b", {false, false, "503", T(300)}, T(150), &error));
  REQUIRE(ledger->DueEntries(T(250), 10, &due, &error));
  CHECK(Ids(due) == std::vector<std::string>{"d", "a", "c"});
  REQUIRE(ledger->PendingEntries(&due, &error));
  CHECK(Ids(due) == std::vector<std::string>{"d", "a", "c", "b"});

  std::optional<Instant> next;
  REQUIRE(ledger->NextAttempt(&next, &error));
  CHECK(next == T(50));
  for (const char* id : {"d", "a", "c", "b"}) {
    REQUIRE(ledger->RecordAttempt(id, {true, false, "", std::nullopt}, T(400), &error));
  }
  REQUIRE(ledger->NextAttempt(&next, &error));
  CHECK_FALSE(next);
  REQUIRE(ledger->PendingEntries(&due, &error));
  CHECK(due.empty());
}

TEST_CASE("OpenReadOnly on a missing file creates nothing", "[ledger]") {
  TempDir dir;
  std::string error = "previous";
  CHECK_FALSE(Ledger::OpenReadOnly(dir.File("ledger.db"), &error));
  CHECK(error.empty());
  CHECK_FALSE(Ledger::OpenReadOnly(dir.File("missing/ledger.db"), &error));
  CHECK(error.empty());
  CHECK(dir.List().empty());
  // A zero-byte file is an empty ledger too.
  std::ofstream(dir.File("ledger.db")).close();
  CHECK_FALSE(Ledger::OpenReadOnly(dir.File("ledger.db"), &error));
  CHECK(error.empty());
  CHECK(dir.List() == std::set<std::string>{"ledger.db"});
  CHECK(fs::file_size(dir.File("ledger.db")) == 0);
}

TEST_CASE("OpenReadOnly reads a ledger and writes nothing", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::string error;
  {
    auto ledger = OpenOrFail(path);
    REQUIRE(ledger->Enqueue(Entry("n1"), {Item("k1")}, T(100), &error));
    REQUIRE(ledger->SetPlannedThrough(T(100), &error));
  }
  const std::set<std::string> files = dir.List();
  CHECK(files == std::set<std::string>{"ledger.db"});  // closed cleanly: no -wal
  const std::string bytes = ReadBytes(path);
  const auto mtime = fs::last_write_time(path);

  {
    std::unique_ptr<Ledger> ledger = Ledger::OpenReadOnly(path, &error);
    INFO(error);
    REQUIRE(ledger);
    CHECK(ledger->read_only());
    LedgerView view;
    REQUIRE(ledger->LoadView(&view, &error));
    CHECK(view.Handled("k1"));
    CHECK(view.planned_through == T(100));
    std::vector<OutboxEntry> pending;
    REQUIRE(ledger->PendingEntries(&pending, &error));
    CHECK(pending.size() == 1);
    CHECK_FALSE(ledger->Record({Rec("k2", DeliveryState::kSkipped)}, T(1), &error));
    CHECK_THAT(error, Catch::Contains("read-only"));
    CHECK_FALSE(ledger->Enqueue(Entry("n2"), {}, T(1), &error));
    CHECK_FALSE(ledger->SetPlannedThrough(T(1), &error));
    CHECK_FALSE(ledger->RecordAttempt("n1", {true, false, "", std::nullopt}, T(1), &error));
    CHECK(dir.List() == files);
  }
  CHECK(dir.List() == files);
  CHECK(ReadBytes(path) == bytes);
  CHECK(fs::last_write_time(path) == mtime);
}

TEST_CASE("OpenReadOnly sees what a running daemon has committed", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::string error;
  auto writer = OpenOrFail(path);
  REQUIRE(writer->Enqueue(Entry("n1"), {Item("k1")}, T(100), &error));
  REQUIRE(fs::exists(path + "-wal"));

  std::unique_ptr<Ledger> reader = Ledger::OpenReadOnly(path, &error);
  INFO(error);
  REQUIRE(reader);
  LedgerView view;
  REQUIRE(reader->LoadView(&view, &error));
  CHECK(view.Handled("k1"));
  REQUIRE(writer->Enqueue(Entry("n2"), {Item("k2")}, T(101), &error));
  REQUIRE(reader->LoadView(&view, &error));
  CHECK(view.Handled("k2"));
}

// Waits for child and checks that SIGKILL ended it.
void ExpectKilled(pid_t child) {
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}

TEST_CASE("an entry enqueued right before kill -9 is there afterwards", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child: no Catch2 here, and no clean exit, only SIGKILL.
    std::string error;
    std::unique_ptr<Ledger> ledger = Ledger::Open(path, &error);
    if (!ledger || !ledger->Enqueue(Entry("n1", "payload"), {Item("k1"), Item("k2")}, T(100),
                                    &error)) {
      _exit(1);
    }
    raise(SIGKILL);
    _exit(2);
  }
  ExpectKilled(child);
  CHECK(fs::exists(path + "-wal"));  // died without the checkpoint of a clean close

  auto ledger = OpenOrFail(path);
  OutboxEntry e = EntryOf(*ledger, "n1");
  CHECK(e.state == OutboxState::kPending);
  CHECK(e.payload == "payload");
  CHECK(StateOf(*ledger, "k1") == DeliveryState::kPending);
  CHECK(StateOf(*ledger, "k2") == DeliveryState::kPending);
}

TEST_CASE("kill -9 at an arbitrary moment loses no acknowledged entry", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  int acks[2];
  REQUIRE(pipe(acks) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Enqueues without end, reporting each number once Enqueue has returned.
    close(acks[0]);
    std::string error;
    std::unique_ptr<Ledger> ledger = Ledger::Open(path, &error);
    if (!ledger) _exit(1);
    // Bounded, so that it cannot outlive a parent that failed.
    for (uint32_t i = 0; i < 1'000'000; ++i) {
      std::string id = "n" + std::to_string(i);
      if (!ledger->Enqueue(Entry(id), {Item(id + "/a"), Item(id + "/b")}, T(i), &error)) _exit(1);
      if (write(acks[1], &i, sizeof i) != sizeof i) _exit(1);
    }
    _exit(0);
  }
  close(acks[1]);
  std::vector<uint32_t> acked;
  uint32_t i = 0;
  while (acked.size() < 40 && read(acks[0], &i, sizeof i) == sizeof i) acked.push_back(i);
  kill(child, SIGKILL);
  while (read(acks[0], &i, sizeof i) == sizeof i) acked.push_back(i);
  close(acks[0]);
  REQUIRE(acked.size() >= 40);  // else the child failed
  ExpectKilled(child);

  CHECK(Raw(path, "PRAGMA integrity_check") == "ok");
  auto ledger = OpenOrFail(path);
  std::string error;
  for (uint32_t n : acked) {
    std::optional<OutboxEntry> e;
    REQUIRE(ledger->FindEntry("n" + std::to_string(n), &e, &error));
    CHECK(e);
  }
  // Whatever got in, got in whole: two items per entry, none without one.
  const std::string entries = Raw(path, "SELECT count(*) FROM outbox");
  CHECK(std::stoul(entries) >= acked.size());
  CHECK(Raw(path, "SELECT count(*) FROM deliveries") == std::to_string(2 * std::stoul(entries)));
  CHECK(Raw(path,
            "SELECT count(*) FROM deliveries d LEFT JOIN outbox o"
            " ON o.notification_id = d.notification_id WHERE o.notification_id IS NULL") ==
        "0");
}

TEST_CASE("a webhook gone with 410 stays disabled until its settings change", "[ledger]") {
  TempDir dir;
  std::unique_ptr<Ledger> ledger = OpenOrFail(dir.File("ledger.db"));
  Settings settings;
  Webhook hook;
  hook.name = "equipo";
  hook.url = "https://hooks.example.gob.cl/T1";
  hook.secret_files = {"/etc/plazo/secrets/equipo"};
  settings.webhooks["equipo"] = hook;
  std::string error;
  REQUIRE(ledger->MarkGone(GoneWebhook{"equipo", WebhookFingerprint(hook), T(1000),
                                       "webhook equipo: HTTP 410 Gone"},
                           &error));
  REQUIRE(ledger->MarkGone(GoneWebhook{"removed", "0", T(900), "x"}, &error));
  std::vector<GoneWebhook> marks;
  REQUIRE(ledger->GoneWebhooks(&marks, &error));
  REQUIRE(marks.size() == 2);
  CHECK(marks[0].webhook == "equipo");
  CHECK(marks[0].at == T(1000));
  CHECK(marks[0].detail == "webhook equipo: HTTP 410 Gone");

  // Only the configured webhook with the same settings is still gone.
  std::vector<GoneWebhook> still = StillGone(marks, settings);
  REQUIRE(still.size() == 1);
  CHECK(still[0].webhook == "equipo");
  settings.webhooks["equipo"].url = "https://hooks.example.gob.cl/T2";
  CHECK(StillGone(marks, settings).empty());
  settings.webhooks["equipo"] = hook;
  settings.webhooks["equipo"].format = WebhookFormat::kSlack;
  CHECK(StillGone(marks, settings).empty());

  // The mark survives reopening; ClearGone removes one.
  ledger.reset();
  ledger = OpenOrFail(dir.File("ledger.db"));
  REQUIRE(ledger->ClearGone("removed", &error));
  REQUIRE(ledger->GoneWebhooks(&marks, &error));
  REQUIRE(marks.size() == 1);
  CHECK(marks[0].webhook == "equipo");
  DeliveryReport report;
  REQUIRE(ledger->Report(&report, &error));
  CHECK(report.gone.size() == 1);
}

}  // namespace
}  // namespace plazo
