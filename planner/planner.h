// The planner: which notifications are due, to whom, with which items
// (SPEC 5). A pure function of the configuration, the ledger (as data) and
// instants passed in; it never reads the clock, the disk or the network.
#ifndef PLAZO_PLANNER_PLANNER_H_
#define PLAZO_PLANNER_PLANNER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"
#include "planner/ledger_view.h"
#include "planner/stages.h"

namespace plazo {

enum class Channel : uint8_t { kEmail, kWebhook };

// "email" or "webhook".
std::string_view ChannelName(Channel channel);

// A notification's kind for its most urgent stage: "reminder", "due",
// "overdue" or "escalation" (SPEC 5.3).
std::string_view KindName(StageKind kind);

// A stage sent this long after its instant counts as late.
inline constexpr Duration kLateAfter = std::chrono::minutes(1);

// One part at one stage for one destination, inside a notification.
// Pointers refer into the Config the Planner was built from.
struct PlannedItem {
  const Program* program = nullptr;
  const Commitment* commitment = nullptr;
  const Schedule* schedule = nullptr;
  Stage stage;
  std::string stage_name;  // StageName()
  Instant stage_at;        // the stage's own instant
  int days_left = 0;       // DaysLeft() at the notification's instant
  // The destination gets this item only as one of the schedule's
  // escalate_to, not as an owner: the e-mail tells it why it receives it.
  bool escalation_contact = false;
  bool late = false;       // sent after its instant (catch-up)
  std::string key;         // DeliveryKey(): the unit of exactly-once
};

// A part whose officer said the evidence is sent, as news for an escalation
// contact (issue 14). Pointers refer into the Config.
struct AcknowledgedPart {
  const Program* program = nullptr;
  const Commitment* commitment = nullptr;
  std::string by;  // the officer's address
  Instant at{};
  std::string comment;
};

// One message to one destination carrying every item due for it at one
// instant (SPEC 5.2).
struct Notification {
  std::string id;  // stable: derived from destination, instant and item keys
  Instant at;
  Channel channel = Channel::kEmail;
  std::string destination;  // an e-mail address or a webhook name
  std::string kind;         // reminder, due, overdue or escalation: the most urgent item
  std::vector<PlannedItem> items;  // overdue and escalation first, then by due date
  // For an escalation contact's e-mail: acknowledgements since the last
  // message to it. Filled by the dispatcher, not the planner.
  std::vector<AcknowledgedPart> acknowledged;
};

// The result of asking what is due now.
struct DuePlan {
  std::vector<Notification> notifications;
  // Older missed stages of the same part and destination, superseded by a
  // later one in this plan: to be recorded as skipped when it is sent.
  std::vector<PlannedItem> skipped;
  // Stages that fall before the day their part is snoozed until (SnoozeOf):
  // recorded as skipped, never sent.
  std::vector<PlannedItem> snoozed;
};

// Whether item's stage falls in its part's snooze: before the start of the
// snooze_until day in the schedule's zone.
bool InSnooze(const PlannedItem& item);

// The due date of c as keys spell it: "2026-12-31" for a date, Unix seconds
// for a date-time. A new due date is a new key, so it is planned anew.
std::string DueKey(const Commitment& c);

// "program/commitment/due/stage/channel:destination": exactly once per
// (commitment part, due date, stage, destination), SPEC 6.
std::string DeliveryKey(const Program& p, const Commitment& c, std::string_view stage_name,
                        Channel channel, std::string_view destination);

// An index of every stage of every open part of one Config, sorted by
// instant, so that queries cost a binary search plus their result. Build one
// per loaded Config (the Config must outlive it); it is immutable after.
class Planner {
 public:
  explicit Planner(const Config& config);

  // An index of only the stages with instant in [from, until]: enough for a
  // Window within that range, or a Due(until) whose ledger was planned
  // through from or later, built in a fraction of the full index's time
  // and memory (`plazod plan`; the daemon, for the next months). Queries
  // see no stage outside the range (Covers).
  Planner(const Config& config, Instant from, Instant until);

  // The index for config built from previous, the index of the configuration
  // config replaces, when only some programs changed (store.h UpdateStore),
  // over previous's range:
  // previous's events are kept for every program whose old index maps to a
  // new one in old_to_new, and the stages of the programs in fresh are
  // computed anew. A pass over the index instead of every stage of every
  // part. config's settings must equal those previous was built with.
  Planner(const Config& config, const Planner& previous, const std::vector<int>& old_to_new,
          const std::vector<uint32_t>& fresh);

  // Every unhandled stage with instant in [from, until], each sent at its own
  // instant, grouped per destination and instant (and per program for a
  // googlechat webhook, whose messages are threaded by program). Sorted by instant, then
  // channel and destination. Here and in Due, the stages of a part whose due
  // date is acknowledged (ledger.acknowledged) are left out, as if its
  // evidence were submitted; here, stages in a snooze are left out too (and
  // added to *snoozed when given).
  std::vector<Notification> Window(Instant from, Instant until, const LedgerView& ledger,
                                   std::vector<PlannedItem>* snoozed = nullptr) const;

  // What the daemon sends when it wakes at now: unhandled stages after
  // ledger.planned_through (or exactly at now, when the ledger has none or
  // it is not before now). Per part and destination only the most recent such
  // stage is sent, marked late when now is more than kLateAfter past it;
  // older ones come back in skipped, and stages in a snooze in snoozed. All
  // notifications are at now.
  DuePlan Due(Instant now, const LedgerView& ledger) const;

  // The earliest stage instant strictly after t, if any: when to wake next.
  // An index of a range knows nothing after it: nullopt past its last
  // stage, and its owner must wake before its end to index further.
  [[nodiscard]] std::optional<Instant> NextInstant(Instant t) const;

  // Whether the index holds every stage in [from, until].
  [[nodiscard]] bool Covers(Instant from, Instant until) const {
    return from_ <= from && until <= until_;
  }

  // The configuration the index was built from.
  const Config& config() const { return config_; }

  // How many (part, stage) instants the index holds.
  size_t size() const { return events_.size(); }

 private:
  // 16 bytes: a store of 100,000 parts has about 1.5 million of these.
  struct Event {
    Instant at;
    uint32_t program;
    uint16_t commitment;  // a store file holds at most 65,535 parts
    Stage stage;
  };

  // Appends one PlannedItem per destination of event e, skipping handled
  // keys, through add(channel, destination, item).
  template <typename Add>
  void Expand(const Event& e, Instant send_at, const LedgerView& ledger, Add add) const;

  // The order of a full build: by instant, then program and part, so the
  // index does not depend on how the store was read.
  [[nodiscard]] static bool InIndexOrder(const Event& a, const Event& b);

  // Appends the stages of program pi of config_ with instant in [from,
  // until] to out.
  void AddProgram(uint32_t pi, std::vector<Event>& out, Instant from = Instant::min(),
                  Instant until = Instant::max()) const;

  const Config& config_;
  std::vector<Event> events_;
  Instant from_ = Instant::min();  // the range indexed
  Instant until_ = Instant::max();
};

}  // namespace plazo

#endif  // PLAZO_PLANNER_PLANNER_H_
