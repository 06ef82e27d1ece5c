// The webhooks disabled by a 410 Gone (ledger.h), kept in the meta table as
// "gone:<webhook>" -> "<fingerprint>\n<unix seconds>\n<detail>": a handful of
// rows at most, which need no table (and no schema version) of their own.
#include <sqlite3.h>

#include <charconv>

#include "ledger/ledger.h"
#include "ledger/sqlite_query.h"
#include "ledger/statements.h"

namespace plazo {
namespace {

using sqlite::Query;
using sqlite::Transaction;
using enum LedgerStatements::Id;

constexpr std::string_view kPrefix = "gone:";
constexpr std::string_view kPastPrefix = "gone;";  // ';' follows ':'

}  // namespace

bool StillHolds(const GoneWebhook& g, const Settings& settings) {
  auto it = settings.webhooks.find(g.webhook);
  return it != settings.webhooks.end() && WebhookFingerprint(it->second) == g.fingerprint;
}

std::vector<GoneWebhook> StillGone(const std::vector<GoneWebhook>& gone, const Settings& settings) {
  std::vector<GoneWebhook> out;
  for (const GoneWebhook& g : gone) {
    if (StillHolds(g, settings)) out.push_back(g);
  }
  return out;
}

bool Ledger::MarkGone(const GoneWebhook& gone, std::string* error) {
  if (!CheckWritable("cannot disable a webhook", error)) return false;
  std::string value = gone.fingerprint + "\n" + std::to_string(gone.at.time_since_epoch().count()) +
                      "\n" + gone.detail;
  Transaction tx = statements_->Write();
  if (!tx.Begin() ||
      !statements_->Use(kUpsertMeta).Text(std::string(kPrefix) + gone.webhook).Text(value).Run() ||
      !tx.Commit()) {
    *error = Failure("cannot record that webhook " + gone.webhook + " is gone");
    return false;
  }
  return true;
}

bool Ledger::GoneWebhooks(std::vector<GoneWebhook>* out, std::string* error) {
  out->clear();
  Query q = statements_->Use(kSelectMetaRange);
  q.Text(kPrefix).Text(kPastPrefix);
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    GoneWebhook g;
    g.webhook = q.ColumnBytes(0).substr(kPrefix.size());
    std::string value = q.ColumnBytes(1);
    size_t a = value.find('\n');
    size_t b = a == std::string::npos ? a : value.find('\n', a + 1);
    int64_t seconds = 0;
    if (b == std::string::npos ||
        std::from_chars(value.data() + a + 1, value.data() + b, seconds).ec != std::errc()) {
      *error = path_ + ": the mark of gone webhook " + g.webhook + " is malformed";
      return false;
    }
    g.fingerprint = value.substr(0, a);
    g.at = Instant(Duration(seconds));
    g.detail = value.substr(b + 1);
    out->push_back(std::move(g));
  }
  if (rc != SQLITE_DONE) {
    *error = Failure("cannot read the gone webhooks");
    return false;
  }
  return true;
}

bool Ledger::ClearGone(std::string_view webhook, std::string* error) {
  if (!CheckWritable("cannot enable a webhook", error)) return false;
  Transaction tx = statements_->Write();
  if (!tx.Begin() ||
      !statements_->Use(kDeleteMeta).Text(std::string(kPrefix) + std::string(webhook)).Run() ||
      !tx.Commit()) {
    *error = Failure("cannot enable webhook " + std::string(webhook));
    return false;
  }
  return true;
}

}  // namespace plazo
