// The acknowledgements of ledger.h, apart from deliveries and the outbox.
#include <sqlite3.h>

#include "ledger/ledger.h"
#include "ledger/sqlite_query.h"
#include "ledger/statements.h"

namespace plazo {
namespace {

using sqlite::Query;
using sqlite::Transaction;
using enum LedgerStatements::Id;

Acknowledgement ReadAck(const Query& q) {
  Acknowledgement a;
  a.program = q.ColumnBytes(0);
  a.commitment = q.ColumnBytes(1);
  a.due = q.ColumnBytes(2);
  a.status = q.ColumnBytes(3);
  a.recipient = q.ColumnBytes(4);
  a.at = q.ColumnTime(5);
  a.comment = q.ColumnBytes(6);
  a.client = q.ColumnBytes(7);
  if (!q.ColumnIsNull(8)) a.revoked_at = q.ColumnTime(8);
  return a;
}

}  // namespace

bool Ledger::Acknowledge(const Acknowledgement& ack, const std::vector<Enqueued>& notify,
                         Instant now, std::optional<Acknowledgement>* existing,
                         std::string* error) {
  existing->reset();
  if (!CheckWritable("cannot record an acknowledgement", error) || !CheckEnqueue(notify, error)) {
    return false;
  }
  Transaction tx = statements_->Write();
  auto fail = [&] {
    *error = Failure("cannot record the acknowledgement of " + ack.program + "/" + ack.commitment);
    return false;
  };
  if (!tx.Begin()) return fail();
  {
    Query q = statements_->Use(kSelectActiveAck);
    q.Text(ack.program).Text(ack.commitment).Text(ack.due);
    int rc = q.Step();
    if (rc == SQLITE_ROW) {
      *existing = ReadAck(q);
      return true;  // the transaction rolls back: nothing to write
    }
    if (rc != SQLITE_DONE) return fail();
  }
  bool ok = statements_->Use(kInsertAck)
                .Text(ack.program)
                .Text(ack.commitment)
                .Text(ack.due)
                .Text(ack.status)
                .Text(ack.recipient)
                .Time(ack.at)
                .Text(ack.comment)
                .Text(ack.client)
                .Run();
  if (!ok || !InsertEntries(notify, now) || !tx.Commit()) return fail();
  return true;
}

bool Ledger::FindAck(std::string_view program, std::string_view commitment, std::string_view due,
                     std::optional<Acknowledgement>* active, std::optional<Instant>* revoked,
                     std::string* error) {
  active->reset();
  revoked->reset();
  Transaction tx = statements_->Read();
  auto fail = [&] {
    *error = Failure("cannot read acknowledgements");
    return false;
  };
  if (!tx.Begin()) return fail();
  {
    Query q = statements_->Use(kSelectActiveAck);
    q.Text(program).Text(commitment).Text(due);
    int rc = q.Step();
    if (rc == SQLITE_ROW)
      *active = ReadAck(q);
    else if (rc != SQLITE_DONE)
      return fail();
  }
  Query q = statements_->Use(kSelectLastRevoked);
  q.Text(program).Text(commitment).Text(due);
  if (q.Step() != SQLITE_ROW) return fail();
  if (!q.ColumnIsNull(0)) *revoked = q.ColumnTime(0);
  return true;
}

bool Ledger::Acks(bool with_revoked, std::vector<Acknowledgement>* out, std::string* error) {
  out->clear();
  Query q = statements_->Use(kSelectAcks);
  q.Int(with_revoked ? 1 : 0);
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out->push_back(ReadAck(q));
  if (rc != SQLITE_DONE) {
    *error = Failure("cannot read acknowledgements");
    return false;
  }
  return true;
}

bool Ledger::LastEmailTo(std::string_view destination, std::optional<Instant>* out,
                         std::string* error) {
  out->reset();
  Query q = statements_->Use(kSelectLastEmailTo);
  q.Text(destination);
  if (q.Step() != SQLITE_ROW) {
    *error = Failure("cannot read the outbox");
    return false;
  }
  if (!q.ColumnIsNull(0)) *out = q.ColumnTime(0);
  return true;
}

bool Ledger::RevokeAcks(std::string_view program, std::string_view commitment, Instant now,
                        int* count, std::string* error) {
  if (!CheckWritable("cannot revoke acknowledgements", error)) return false;
  Transaction tx = statements_->Write();
  bool ok =
      tx.Begin() && statements_->Use(kRevokeAcks).Text(program).Text(commitment).Time(now).Run();
  *count = ok ? sqlite3_changes(db_) : 0;
  if (!ok || !tx.Commit()) {
    *error = Failure("cannot revoke the acknowledgements of " + std::string(program) + "/" +
                     std::string(commitment));
    return false;
  }
  return true;
}

}  // namespace plazo
