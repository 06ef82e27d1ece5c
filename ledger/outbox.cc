// The outbox half of the Ledger (ledger.h): entries, attempts, counts.
#include "ledger/ledger.h"

#include <sqlite3.h>

#include <cstdint>
#include <utility>

#include "ledger/sqlite_query.h"
#include "ledger/statements.h"

namespace plazo {
namespace {

using sqlite::Query;
using sqlite::Transaction;
using enum LedgerStatements::Id;

// Reads one row of the entry columns (statements.h).
OutboxEntry ReadEntry(const Query& q) {
  OutboxEntry e;
  e.notification_id = q.ColumnBytes(0);
  e.channel = q.ColumnBytes(1);
  e.destination = q.ColumnBytes(2);
  e.kind = q.ColumnBytes(3);
  e.payload = q.ColumnBytes(4);
  // The CHECK constraint admits only known states.
  e.state = ParseOutboxState(q.ColumnBytes(5)).value_or(OutboxState::kPending);
  e.attempts = static_cast<int>(q.ColumnInt(6));
  e.created_at = q.ColumnTime(7);
  e.next_attempt_at = q.ColumnTime(8);
  e.last_error = q.ColumnBytes(9);
  if (!q.ColumnIsNull(10)) e.sent_at = q.ColumnTime(10);
  return e;
}

bool ReadEntries(Query& q, std::vector<OutboxEntry>* out) {
  out->clear();
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out->push_back(ReadEntry(q));
  return rc == SQLITE_DONE;
}

}  // namespace

bool Ledger::Enqueue(const OutboxEntry& entry, const std::vector<DeliveryRecord>& items,
                     Instant now, std::string* error) {
  return EnqueueAll({Enqueued{entry, items}}, now, error);
}

bool Ledger::CheckEnqueue(const std::vector<Enqueued>& batch, std::string* error) const {
  for (const Enqueued& e : batch) {
    if (e.entry.notification_id.empty()) {
      *error = path_ + ": cannot enqueue a notification without an id";
      return false;
    }
    if (e.entry.channel != "email" && e.entry.channel != "webhook") {
      *error = path_ + ": cannot enqueue " + e.entry.notification_id + ": unknown channel \"" +
               e.entry.channel + "\" (email or webhook)";
      return false;
    }
  }
  return true;
}

bool Ledger::InsertEntries(const std::vector<Enqueued>& batch, Instant now) {
  for (const Enqueued& e : batch) {
    const OutboxEntry& entry = e.entry;
    bool ok = statements_->Use(kInsertEntry)
                  .Text(entry.notification_id)
                  .Text(entry.channel)
                  .Text(entry.destination)
                  .Text(entry.kind)
                  .Blob(entry.payload)
                  .Time(now)
                  .Run();
    if (!ok) return false;
    // No change: the entry was there already, and with it its items.
    if (sqlite3_changes(db_) != 1) continue;
    for (const DeliveryRecord& item : e.items) {
      ok = statements_->Use(kRecordDelivery)
               .Text(item.key)
               .Text(entry.notification_id)
               .Text(DeliveryStateName(DeliveryState::kPending))
               .Time(item.planned_at)
               .Time(now)
               .Run();
      if (!ok) return false;
    }
  }
  return true;
}

bool Ledger::EnqueueAll(const std::vector<Enqueued>& batch, Instant now, std::string* error) {
  if (!CheckWritable("cannot enqueue", error) || !CheckEnqueue(batch, error)) return false;
  Transaction tx = statements_->Write();
  if (!tx.Begin() || !InsertEntries(batch, now) || !tx.Commit()) {
    *error = Failure(batch.size() == 1 ? "cannot enqueue " + batch[0].entry.notification_id
                                       : "cannot enqueue " + std::to_string(batch.size()) +
                                             " notifications");
    return false;
  }
  return true;
}

bool Ledger::CommitTick(const Tick& tick, Instant now, std::string* error) {
  if (!CheckWritable("cannot store a tick", error) || !CheckEnqueue(tick.enqueue, error)) {
    return false;
  }
  Transaction tx = statements_->Write();
  bool ok = tx.Begin() && InsertEntries(tick.enqueue, now) && InsertRecords(tick.skipped, now) &&
            (!tick.planned_through || WritePlannedThrough(*tick.planned_through)) && tx.Commit();
  if (!ok) {
    *error = Failure("cannot store " + std::to_string(tick.enqueue.size()) +
                     " notification(s) and " + std::to_string(tick.skipped.size()) +
                     " skipped stage(s)");
    return false;
  }
  return true;
}

bool Ledger::DueEntries(Instant now, size_t limit, std::vector<OutboxEntry>* out,
                        std::string* error) {
  const int64_t max = INT64_MAX;
  Query q = statements_->Use(kSelectDue);
  q.Time(now).Int(limit > static_cast<uint64_t>(max) ? max : static_cast<int64_t>(limit));
  if (!ReadEntries(q, out)) {
    *error = Failure("cannot read the outbox");
    return false;
  }
  return true;
}

bool Ledger::PendingEntries(std::vector<OutboxEntry>* out, std::string* error) {
  Query q = statements_->Use(kSelectPending);
  if (!ReadEntries(q, out)) {
    *error = Failure("cannot read the outbox");
    return false;
  }
  return true;
}

bool Ledger::PendingPayload(const std::string& notification_id, std::optional<std::string>* out,
                            std::string* error) {
  out->reset();
  Query q = statements_->Use(kSelectPayload);
  int rc = q.Text(notification_id).Step();
  if (rc == SQLITE_ROW) *out = q.ColumnBytes(0);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    *error = Failure("cannot read the message of " + notification_id);
    return false;
  }
  return true;
}

bool Ledger::NextAttempt(std::optional<Instant>* out, std::string* error) {
  out->reset();
  Query q = statements_->Use(kSelectNextAttempt);
  int rc = q.Step();
  if (rc == SQLITE_ROW) *out = q.ColumnTime(0);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    *error = Failure("cannot read the outbox");
    return false;
  }
  return true;
}

bool Ledger::FindEntry(const std::string& notification_id, std::optional<OutboxEntry>* out,
                       std::string* error) {
  out->reset();
  Query q = statements_->Use(kSelectEntry);
  int rc = q.Text(notification_id).Step();
  if (rc == SQLITE_ROW) *out = ReadEntry(q);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    *error = Failure("cannot read outbox entry " + notification_id);
    return false;
  }
  return true;
}

bool Ledger::RecordAttempt(const std::string& notification_id, const AttemptResult& result,
                           Instant now, std::string* error) {
  return RecordAttempts({{notification_id, result}}, now, error);
}

bool Ledger::RecordAttempts(const std::vector<std::pair<std::string, AttemptResult>>& attempts,
                            Instant now, std::string* error) {
  if (attempts.empty()) return true;
  const std::string what = attempts.size() == 1
                               ? "cannot record an attempt of " + attempts[0].first
                               : "cannot record " + std::to_string(attempts.size()) + " attempts";
  if (!CheckWritable(what, error)) return false;
  Transaction tx = statements_->Write();
  if (!tx.Begin()) {
    *error = Failure(what);
    return false;
  }
  for (const auto& [notification_id, result] : attempts) {
    // Where a pending entry and its deliveries go. The UPDATE touches only
    // a pending entry, so the usual case costs no read of its state.
    DeliveryState deliveries = DeliveryState::kFailed;
    bool advance = true;  // the entry was pending: its deliveries follow it
    bool ok;
    if (result.ok) {
      ok = statements_->Use(kEntrySent).Text(notification_id).Time(now).Run();
      deliveries = DeliveryState::kSent;
    } else if (result.permanent || !result.retry_at) {
      ok = statements_->Use(kEntryGivenUp).Text(notification_id).Text(result.detail).Run();
      deliveries = DeliveryState::kGivenUp;
    } else {
      ok = statements_->Use(kEntryRetry)
               .Text(notification_id)
               .Time(*result.retry_at)
               .Text(result.detail)
               .Run();
      deliveries = DeliveryState::kFailed;
    }
    if (ok && sqlite3_changes(db_) == 0) {
      // Not pending: a finished entry stays put (the attempt is still
      // counted and logged), and an unknown id is an error.
      advance = false;
      std::optional<OutboxState> state;
      Query q = statements_->Use(kSelectEntryState);
      int rc = q.Text(notification_id).Step();
      if (rc == SQLITE_ROW) state = ParseOutboxState(q.ColumnBytes(0));
      ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
      if (ok && !state) {
        *error =
            path_ + ": cannot record an attempt of " + notification_id + ": no such outbox entry";
        return false;
      }
      ok = ok && statements_->Use(kEntryCountAttempt).Text(notification_id).Run();
    }
    ok = ok && statements_->Use(kInsertAttempt)
                   .Text(notification_id)
                   .Time(now)
                   .Int(result.ok)
                   .Int(result.permanent)
                   .Text(result.detail)
                   .Run();
    if (ok && advance) {
      ok = statements_->Use(kAdvanceDeliveries)
               .Text(notification_id)
               .Text(DeliveryStateName(deliveries))
               .Time(now)
               .Run();
    }
    if (!ok) {
      *error = Failure(what);
      return false;
    }
  }
  if (!tx.Commit()) {
    *error = Failure(what);
    return false;
  }
  return true;
}

bool Ledger::Attempts(const std::string& notification_id, std::vector<AttemptRecord>* out,
                      std::string* error) {
  out->clear();
  Query q = statements_->Use(kSelectAttempts);
  q.Text(notification_id);
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    out->push_back({q.ColumnTime(0), q.ColumnInt(1) != 0, q.ColumnInt(2) != 0, q.ColumnBytes(3)});
  }
  if (rc != SQLITE_DONE) {
    *error = Failure("cannot read the attempts of " + notification_id);
    return false;
  }
  return true;
}

bool Ledger::Counts(LedgerCounts* out, std::string* error) {
  *out = LedgerCounts{};
  Query q = statements_->Use(kCountByState);
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    std::optional<OutboxState> state = ParseOutboxState(q.ColumnBytes(0));
    int64_t n = q.ColumnInt(1);
    if (state == OutboxState::kPending) out->pending = n;
    if (state == OutboxState::kSent) out->sent = n;
    if (state == OutboxState::kGivenUp) out->given_up = n;
  }
  if (rc != SQLITE_DONE) {
    *error = Failure("cannot count the outbox");
    return false;
  }
  return true;
}

bool Ledger::GivenUp(std::vector<OutboxEntry>* out, std::string* error) {
  Query q = statements_->Use(kSelectGivenUp);
  if (!ReadEntries(q, out)) {
    *error = Failure("cannot read the outbox");
    return false;
  }
  return true;
}

bool Ledger::DeliveriesOfProgram(std::string_view program, std::vector<PartDelivery>* out, std::string* error) {
  out->clear();
  // Keys are "program/...": every key from "program/" up to "program0",
  // '0' being the byte after '/'.
  std::string first = std::string(program) + "/", past = std::string(program) + "0";
  Query q = statements_->Use(kSelectDeliveriesIn);
  q.Text(first).Text(past);
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    PartDelivery d;
    d.record.key = q.ColumnBytes(0);
    d.record.state = ParseDeliveryState(q.ColumnBytes(1)).value_or(DeliveryState::kPending);
    d.record.planned_at = q.ColumnTime(2);
    d.record.recorded_at = q.ColumnTime(3);
    d.channel = q.ColumnBytes(4);
    d.destination = q.ColumnBytes(5);
    d.entry_state = q.ColumnBytes(6);
    d.attempts = static_cast<int>(q.ColumnInt(7));
    if (q.ColumnInt(8) != 0) d.sent_at = q.ColumnTime(8);
    d.last_error = q.ColumnBytes(9);
    out->push_back(std::move(d));
  }
  if (rc != SQLITE_DONE) {
    *error = Failure("cannot read the deliveries of " + std::string(program));
    return false;
  }
  return true;
}

bool Ledger::Report(DeliveryReport* out, std::string* error) {
  *out = DeliveryReport{};
  LedgerCounts counts;
  if (!Counts(&counts, error) || !GivenUp(&out->given_up, error)) return false;
  out->pending = counts.pending;
  out->sent = counts.sent;
  {
    Query q = statements_->Use(kSelectFailing);
    if (!ReadEntries(q, &out->failing)) {
      *error = Failure("cannot read the outbox");
      return false;
    }
  }
  return Acks(false, &out->acknowledged, error) && GoneWebhooks(&out->gone, error);
}

}  // namespace plazo
