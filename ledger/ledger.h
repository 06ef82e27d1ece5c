// The ledger: plazo's memory on disk (SPEC 6). One SQLite file, in WAL mode
// with synchronous=FULL, holding
// - every delivery the daemon has dealt with, keyed by the planner's delivery
//   key (one commitment part, due date, stage and destination), so that each
//   is sent exactly once across restarts and reloads;
// - how far the daemon has planned (planned_through), for catch-up;
// - the durable outbox: each notification to send, its rendered message, its
//   retry state, and a log of every attempt.
//
// The rule that makes "kill -9 loses nothing" true: a notification and its
// deliveries are committed to disk in one transaction (Enqueue, or a whole
// planning tick with CommitTick) before any byte goes out, and each
// attempt's outcome is committed in one transaction (RecordAttempts) after. A crash in between leaves the entry pending, so it
// is sent again with the same id: only a delivery in flight may repeat.
//
// The ledger never reads the clock: every time it stores is passed in, so
// tests are deterministic. Times are stored as Unix seconds.
#ifndef PLAZO_LEDGER_LEDGER_H_
#define PLAZO_LEDGER_LEDGER_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/model.h"
#include "planner/ledger_view.h"

struct sqlite3;

namespace plazo {

class LedgerStatements;  // ledger/statements.h

// Where a delivery (one key) stands.
enum class DeliveryState {
  kPending,  // in the outbox, not yet delivered
  kSent,     // delivered
  kFailed,   // the last attempt failed; a retry is scheduled
  kGivenUp,  // failed for good (permanent error or out of time)
  kSkipped,  // a missed stage superseded by a later one (catch-up)
};

// "pending", "sent", "failed", "given_up", "skipped": the stored spelling.
std::string_view DeliveryStateName(DeliveryState state);
// The inverse of DeliveryStateName; nullopt for any other text.
[[nodiscard]] std::optional<DeliveryState> ParseDeliveryState(std::string_view name);

// One delivery key's record.
struct DeliveryRecord {
  std::string key;              // opaque, made by the planner (DeliveryKey)
  std::string notification_id;  // the outbox entry carrying it; empty for skipped
  DeliveryState state = DeliveryState::kPending;
  Instant planned_at{};         // the stage's planned instant
  Instant recorded_at{};        // when last written; set by the ledger on write
};

// Where an outbox entry stands.
enum class OutboxState {
  kPending,  // to be attempted at next_attempt_at
  kSent,
  kGivenUp,
};

// "pending", "sent", "given_up".
std::string_view OutboxStateName(OutboxState state);
[[nodiscard]] std::optional<OutboxState> ParseOutboxState(std::string_view name);

// One notification in the outbox: one message to one destination.
struct OutboxEntry {
  std::string notification_id;  // stable across retries (webhook-id, Message-ID)
  std::string channel;          // "email" or "webhook"
  std::string destination;      // an e-mail address or a webhook name
  std::string kind;             // reminder, due, overdue, escalation, test
  std::string payload;          // the rendered message; bytes, opaque here
  // The fields below are the ledger's to keep: Enqueue ignores them, reads
  // fill them in.
  OutboxState state = OutboxState::kPending;
  int attempts = 0;             // attempts made so far, successful or not
  Instant created_at{};         // when enqueued
  Instant next_attempt_at{};    // when the next attempt is due (pending only)
  std::string last_error;       // detail of the latest failed attempt
  std::optional<Instant> sent_at;
};

// The outcome of one delivery attempt, as the sender saw it.
struct AttemptResult {
  bool ok = false;
  // Retrying cannot help (e.g. a 4xx other than 408/429, a rejected address).
  bool permanent = false;
  std::string detail;  // e.g. "HTTP 503", "connection refused"; never a secret
  // When to try again (see backoff.h); nullopt gives up.
  std::optional<Instant> retry_at;
};

// One line of an entry's attempt log.
struct AttemptRecord {
  Instant at{};
  bool ok = false;
  bool permanent = false;
  std::string detail;
};

// Outbox entries by state, for `plazod status` and the metrics.
struct LedgerCounts {
  int64_t pending = 0;
  int64_t sent = 0;
  int64_t given_up = 0;
};

// An officer's "I have sent the evidence" for one part and due date (issue
// 14): from then on the planner treats that due date as submitted, while
// the part keeps the rating it had (a new rating or due date ends it).
struct Acknowledgement {
  std::string program;     // program id
  std::string commitment;  // part id, "c4-p2"
  std::string due;         // DueKey() of the part when acknowledged
  std::string status;      // the part's rating then (StatusName)
  std::string recipient;   // the address the link was sent to
  Instant at{};
  std::string comment;     // the officer's, bounded by the page
  std::string client;      // the client's network address
  std::optional<Instant> revoked_at;  // set by `plazod ack revoke`
};

// The ledger file inside the state folder ([daemon] state).
std::string LedgerPath(const std::string& state_dir);

// An open ledger. Not thread-safe: use one Ledger from one thread at a time
// (each process or thread that needs the file opens its own; SQLite locking
// keeps them consistent, waiting up to a few seconds for each other).
//
// Every method returns false and sets *error (naming the file) on a database
// error; a failed write changes nothing, since each write is one
// transaction. Methods that write fail on a ledger opened read-only.
// Deliveries that did not (yet) go through, for `plazod status` and the
// HTTP status endpoint (SPEC 6: given-up deliveries are listed), and the
// officers' answers.
// One delivery of a program's part as the control unit's pages show it: the
// stage's record and where its message stands.
struct PartDelivery {
  DeliveryRecord record;
  std::string channel;      // "email" or "webhook"; empty for a skipped stage
  std::string destination;
  std::string entry_state;  // the outbox entry's: pending, sent, given_up; empty when none
  int attempts = 0;
  std::optional<Instant> sent_at;
  std::string last_error;
};

// A webhook disabled because its receiver answered 410 Gone.
struct GoneWebhook {
  std::string webhook;      // its name
  std::string fingerprint;  // of its settings then
  Instant at{};
  std::string detail;       // the attempt's detail, for status
};

// Whether mark g still holds: its webhook is configured with the same
// settings (WebhookFingerprint) as when it answered 410 Gone.
[[nodiscard]] bool StillHolds(const GoneWebhook& g, const Settings& settings);

// The marks of gone that still hold (StillHolds).
std::vector<GoneWebhook> StillGone(const std::vector<GoneWebhook>& gone, const Settings& settings);

struct DeliveryReport {
  int64_t sent = 0;
  int64_t pending = 0;
  std::vector<OutboxEntry> failing;   // pending, with at least one failed attempt
  std::vector<OutboxEntry> given_up;
  std::vector<Acknowledgement> acknowledged;  // active ones, oldest first
  std::vector<GoneWebhook> gone;  // every mark: callers keep StillGone's
};

class Ledger {
 public:
  // Opens the ledger at path for reading and writing, creating the file if
  // needed, and brings its schema up to date (schema.h). The folder holding
  // path must exist: the ledger does not create it (systemd's StateDirectory=
  // or the package does, with the right owner and mode). Returns nullptr and
  // sets *error when the folder is missing, the file is not a plazo ledger,
  // its schema version is newer than this binary knows, or SQLite fails.
  [[nodiscard]] static std::unique_ptr<Ledger> Open(const std::string& path, std::string* error);

  // Opens the ledger at path for reading only (`plazod plan`): creates no
  // file, writes nothing, migrates nothing. When path does not exist, or is
  // an empty file, returns nullptr with *error cleared: the caller treats
  // that as an empty ledger. Returns nullptr with *error set when the file
  // cannot be read, is not a plazo ledger, or has another schema version
  // than this binary's.
  [[nodiscard]] static std::unique_ptr<Ledger> OpenReadOnly(const std::string& path, std::string* error);

  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }

  // Whether path still names the file this ledger has open: false once it
  // was deleted or replaced, when every write would go to a file nobody
  // reads again.
  bool FileInPlace() const;

  // Writes the whole open database to path, which must not exist (the file
  // was deleted while open): what was deleted comes back, committed
  // history and outbox included. Returns false with *error set when path
  // exists or SQLite cannot write it.
  [[nodiscard]] bool RestoreFile(std::string* error);

  // --- Deliveries ---

  // Replaces *out with every delivery key in any state, and planned_through,
  // read in one consistent snapshot.
  [[nodiscard]] bool LoadView(LedgerView* out, std::string* error);
  // LoadView restricted to the keys of deliveries planned at or after since:
  // all the planner's Due needs after a run up to planned_through (it only
  // looks at stages after it), and far cheaper than every key ever recorded.
  [[nodiscard]] bool LoadView(Instant since, LedgerView* out, std::string* error);

  // Writes records in one transaction, stamping recorded_at = now. A key not
  // yet in the ledger is inserted as given. A key already there keeps its
  // first record (notification id and planned_at included) and changes state
  // only forward along
  //     pending -> failed -> sent | given_up
  // (pending may also go straight to sent or given_up). sent, given_up and
  // skipped are final: in particular skipped never overwrites anything, and
  // nothing overwrites sent. A write that does not advance is ignored, not
  // an error, so replaying a batch after a crash is harmless.
  [[nodiscard]] bool Record(const std::vector<DeliveryRecord>& records, Instant now, std::string* error);

  // Finds the record of key; *out is nullopt when the key is not recorded.
  [[nodiscard]] bool FindDelivery(const std::string& key, std::optional<DeliveryRecord>* out,
                    std::string* error);

  // Sets planned_through to t (see LedgerView); read back through LoadView.
  // Plain assignment: the caller decides whether it may move backwards.
  [[nodiscard]] bool SetPlannedThrough(Instant t, std::string* error);

  // --- Outbox ---

  // In one transaction: adds entry as pending, due at now with no attempts,
  // and records each of items under the entry's notification id as pending
  // (by Record's rule, so a key already handled keeps its record; the item's
  // own notification_id and state are ignored). This is the commit that must
  // reach the disk before anything is sent.
  //
  // Idempotent: when an entry with this notification id exists already, in
  // any state, nothing changes and the call succeeds, so a caller that
  // crashed before noting its own progress may enqueue again. Errors: an
  // empty notification id, a channel other than "email" or "webhook", and
  // database errors.
  [[nodiscard]] bool Enqueue(const OutboxEntry& entry, const std::vector<DeliveryRecord>& items, Instant now,
               std::string* error);

  // One entry with its items, for EnqueueAll.
  struct Enqueued {
    OutboxEntry entry;
    std::vector<DeliveryRecord> items;
  };

  // Enqueue for every element, all in one transaction (one sync to disk for
  // a whole burst): either every entry is stored or none is.
  [[nodiscard]] bool EnqueueAll(const std::vector<Enqueued>& batch, Instant now,
                                std::string* error);

  // Everything one planning tick writes (dispatch/dispatcher.h).
  struct Tick {
    std::vector<Enqueued> enqueue;           // as EnqueueAll
    std::vector<DeliveryRecord> skipped;     // as Record: superseded stages
    std::optional<Instant> planned_through;  // as SetPlannedThrough, when set
  };

  // EnqueueAll, Record and SetPlannedThrough of tick in one transaction,
  // one sync to disk: a crash leaves all of a tick or none of it, so the
  // next start plans again exactly what was not stored. Errors as theirs;
  // on error nothing is written.
  [[nodiscard]] bool CommitTick(const Tick& tick, Instant now, std::string* error);

  // Replaces *out with at most limit pending entries whose next_attempt_at
  // is at or before now, longest overdue first (by next_attempt_at, then
  // created_at, then id).
  [[nodiscard]] bool DueEntries(Instant now, size_t limit, std::vector<OutboxEntry>* out, std::string* error);

  // Replaces *out with every pending entry, in DueEntries' order, whenever
  // due: what a restarted daemon still has to deliver. Payloads are left
  // empty (a large outbox is read without its messages): PendingPayload
  // reads one when its transfer starts.
  [[nodiscard]] bool PendingEntries(std::vector<OutboxEntry>* out, std::string* error);

  // Sets *out to the payload of entry notification_id while it is pending;
  // nullopt when there is no such entry or it is sent or given up already
  // (nothing left to deliver).
  [[nodiscard]] bool PendingPayload(const std::string& notification_id,
                                    std::optional<std::string>* out, std::string* error);

  // Sets *out to the earliest next_attempt_at of any pending entry, or
  // nullopt when nothing is pending: when the sender must wake next.
  [[nodiscard]] bool NextAttempt(std::optional<Instant>* out, std::string* error);

  // Finds one entry by id, in any state; *out is nullopt when there is none.
  [[nodiscard]] bool FindEntry(const std::string& notification_id, std::optional<OutboxEntry>* out,
                 std::string* error);

  // Logs one attempt at now and applies its outcome, in one transaction:
  // - ok: the entry becomes sent (sent_at = now) and its deliveries sent;
  // - failed with permanent set, or without retry_at: the entry and its
  //   deliveries become given_up, last_error = detail;
  // - failed otherwise: the entry stays pending with next_attempt_at =
  //   retry_at and last_error = detail; its pending deliveries become failed.
  // attempts grows by one in every case. An entry already sent or given up
  // keeps its state (the attempt is still logged). Error: no entry with this
  // id.
  [[nodiscard]] bool RecordAttempt(const std::string& notification_id, const AttemptResult& result,
                     Instant now, std::string* error);

  // RecordAttempt for each (notification id, result), all in one
  // transaction: one sync to disk for every transfer that finished in one
  // turn of the event loop. Either all are recorded or none.
  [[nodiscard]] bool RecordAttempts(const std::vector<std::pair<std::string, AttemptResult>>& attempts,
                      Instant now, std::string* error);

  // Replaces *out with the attempt log of one entry, oldest first.
  [[nodiscard]] bool Attempts(const std::string& notification_id, std::vector<AttemptRecord>* out,
                std::string* error);

  // Counts outbox entries by state.
  [[nodiscard]] bool Counts(LedgerCounts* out, std::string* error);

  // Replaces *out with every given-up entry, most recently created first,
  // for `plazod status`.
  [[nodiscard]] bool GivenUp(std::vector<OutboxEntry>* out, std::string* error);

  // Fills *out from the outbox (counts, failing and given-up entries, the
  // failing ones without their payloads) and the active acknowledgements.
  [[nodiscard]] bool Report(DeliveryReport* out, std::string* error);

  // Replaces *out with every delivery of program's parts (keys made by
  // DeliveryKey), newest planned first, each with its outbox entry.
  [[nodiscard]] bool DeliveriesOfProgram(std::string_view program, std::vector<PartDelivery>* out,
                                         std::string* error);

  // --- Acknowledgements (ledger/acks.cc) ---

  // In one transaction: records ack (recorded_at = ack.at; revoked_at is
  // ignored) unless an active acknowledgement of the same program, part and
  // due exists, and only then enqueues notify (what tells the program's
  // webhooks) by Enqueue's rule. *existing is that active acknowledgement
  // when there was one (nothing is written), else nullopt. So a second
  // click, or a replayed POST, changes nothing and says when it was first.
  [[nodiscard]] bool Acknowledge(const Acknowledgement& ack, const std::vector<Enqueued>& notify,
                                 Instant now, std::optional<Acknowledgement>* existing,
                                 std::string* error);

  // The active acknowledgement of (program, commitment, due), if any, and
  // the latest time one of them was revoked, if ever: links issued before
  // that are refused.
  [[nodiscard]] bool FindAck(std::string_view program, std::string_view commitment,
                             std::string_view due, std::optional<Acknowledgement>* active,
                             std::optional<Instant>* revoked, std::string* error);

  // Every active acknowledgement (and the revoked ones with with_revoked),
  // oldest first.
  [[nodiscard]] bool Acks(bool with_revoked, std::vector<Acknowledgement>* out,
                          std::string* error);

  // When the last e-mail to destination was enqueued; nullopt when none
  // ever was.
  [[nodiscard]] bool LastEmailTo(std::string_view destination, std::optional<Instant>* out,
                                 std::string* error);

  // Revokes the active acknowledgements of one part, whatever their due, at
  // now; *count says how many there were (0 is not an error).
  // Webhooks that answered 410 Gone (issue 16): each stays disabled until
  // its settings change, which fingerprint (WebhookFingerprint) tells.
  // MarkGone replaces the webhook's mark; ClearGone removes it (no error
  // when there is none).
  [[nodiscard]] bool MarkGone(const GoneWebhook& gone, std::string* error);
  [[nodiscard]] bool GoneWebhooks(std::vector<GoneWebhook>* out, std::string* error);
  [[nodiscard]] bool ClearGone(std::string_view webhook, std::string* error);

  [[nodiscard]] bool RevokeAcks(std::string_view program, std::string_view commitment,
                                Instant now, int* count, std::string* error);

 private:
  Ledger(sqlite3* db, std::string path, bool read_only);

  // The error text for a failed SQLite call while doing what.
  std::string Failure(std::string_view what) const;
  // Sets *error and returns false when the ledger is read-only.
  [[nodiscard]] bool CheckWritable(std::string_view what, std::string* error) const;

  // The steps of the writes above, each run inside the caller's
  // transaction; false on a database error (the caller rolls back).
  [[nodiscard]] bool CheckEnqueue(const std::vector<Enqueued>& batch, std::string* error) const;
  [[nodiscard]] bool InsertEntries(const std::vector<Enqueued>& batch, Instant now);
  [[nodiscard]] bool InsertRecords(const std::vector<DeliveryRecord>& records, Instant now);
  [[nodiscard]] bool WritePlannedThrough(Instant t);

  sqlite3* db_;
  std::string path_;
  bool read_only_;
  std::unique_ptr<LedgerStatements> statements_;
  dev_t device_ = 0;  // of the file opened at path
  ino_t inode_ = 0;
};

}  // namespace plazo

#endif  // PLAZO_LEDGER_LEDGER_H_
