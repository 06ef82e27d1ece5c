// The dispatcher: one planning tick, between the pure planner and the
// outbox sender. A tick asks the planner what is due at now (given what the
// ledger has handled), composes each notification, and stores the whole
// tick in one ledger transaction: the new outbox entries with their pending
// deliveries, the stages catch-up skipped, and planned_through. Only then
// does the sender get the new entries. A crash leaves all of a tick or none
// of it, and the next start plans again what was not stored (SPEC 6).
#ifndef PLAZO_DISPATCH_DISPATCHER_H_
#define PLAZO_DISPATCH_DISPATCHER_H_

#include <optional>
#include <string>

#include "config/model.h"

namespace plazo {

class Composer;
class Ledger;
class OutboxSender;
class Planner;

// What one tick did.
struct TickReport {
  size_t queued = 0;   // notifications stored and handed to the sender
  size_t skipped = 0;  // missed stages recorded as skipped
  // When to tick next: the planner's next instant after now (nullopt:
  // nothing ever again), or a minute from now when the ledger failed or a
  // message could not be composed, since the tick must then run again.
  std::optional<Instant> next;
  std::string error;  // why not everything was stored; empty on success
};

class Dispatcher {
 public:
  // ledger and sender must outlive the dispatcher.
  Dispatcher(Ledger& ledger, OutboxSender& sender) : ledger_(ledger), sender_(sender) {}

  // Reads planned_through from the ledger. A ledger that never planned
  // starts at now: what was due before the first start is history, not a
  // backlog to e-mail. False with *error on a ledger error.
  [[nodiscard]] bool Start(Instant now, std::string* error);

  // One tick at now with planner and composer (of the configuration in
  // force). Logs what it queues and skips, and every error.
  TickReport Tick(const Planner& planner, const Composer& composer, Instant now);

  // How far the ledger says planning has gone.
  std::optional<Instant> planned_through() const { return planned_through_; }

 private:
  Ledger& ledger_;
  OutboxSender& sender_;
  std::optional<Instant> planned_through_;
};

}  // namespace plazo

#endif  // PLAZO_DISPATCH_DISPATCHER_H_
