// The plazo model: plain data loaded from settings and store files (SPEC 3).
// Everything here is a value; loading and validation live in settings.h and
// store.h, so that a struct found in memory is always one that passed checks.
#ifndef PLAZO_CONFIG_MODEL_H_
#define PLAZO_CONFIG_MODEL_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "config/store_text.h"

namespace date {
class time_zone;
}

namespace plazo {

using Days = date::local_days;              // a calendar date, no zone
using Instant = std::chrono::sys_seconds;   // a point in time, UTC based
using Duration = std::chrono::seconds;

// The rating of a commitment part or of a whole program (SPEC 3.2).
enum class Status {
  kPendiente,
  kEnEvaluacion,
  kParcialmenteCumplido,
  kNoCumplido,
  kCumplido,
};

// "en_evaluacion" etc.; the spelling used in store files and JSON output.
std::string_view StatusName(Status s);
// Parses the store spelling; nullopt for anything else.
[[nodiscard]] std::optional<Status> ParseStatus(std::string_view name);
// Every valid spelling, in declaration order, for hints and error messages.
const std::vector<std::string_view>& StatusNames();

// When a part is due. A date means the end of that day in the part's time
// zone; a date-time is an exact instant (its local date is kept for display).
struct Due {
  Days date{};
  std::optional<Instant> instant;  // set only for offset date-times
};

// A position in an input file. line and column are 1-based; 0 means the
// message is about the whole file (or folder).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

// A reminder schedule (SPEC 3.1 [schedule.NAME]).
struct Schedule {
  std::string name;
  std::string timezone;                  // IANA name; validated
  const date::time_zone* zone = nullptr; // resolved from timezone
  int send_at_minutes = 9 * 60;          // local time of day, minutes after 00:00
  std::vector<Duration> before;          // sorted, largest first, no duplicates
  bool on_due = true;
  Duration overdue_every = std::chrono::days(7);  // 0 = only once
  int overdue_max = 8;
  std::optional<Duration> escalate_after;
  std::vector<std::string> escalate_to;
  uint8_t workdays = 0x1f;               // bit 0 = Monday ... bit 6 = Sunday
  std::set<Days> holidays;
  SourcePos pos;

  [[nodiscard]] bool IsWorkday(Days d) const;
};

// The body a webhook receives: SPEC 5.3's JSON, or a team chat's own
// message format (notifiers/chat_payload.h, issue 16).
enum class WebhookFormat : uint8_t { kJson, kSlack, kMattermost, kTeams, kGoogleChat };

// "json", "slack", "mattermost", "teams" or "googlechat": how settings spell it.
std::string_view WebhookFormatName(WebhookFormat format);
// The format a `format = "..."` setting names; nullopt for anything else.
[[nodiscard]] std::optional<WebhookFormat> WebhookFormatNamed(std::string_view name);
// Every spelling, in declaration order, for hints and error messages.
const std::vector<std::string_view>& WebhookFormatNames();

// A named webhook endpoint (SPEC 3.1 [webhook.NAME]).
struct Webhook {
  std::string name;
  std::string url;
  // Paths of the secret files (secret_file, or secret_files during a key
  // rotation: each signs, the receiver accepts any); the secrets themselves
  // are read at delivery time.
  std::vector<std::string> secret_files;
  std::string secret_env;  // or the name of an environment variable
  WebhookFormat format = WebhookFormat::kJson;
  Duration timeout = std::chrono::seconds(10);
  SourcePos pos;
  // Where url and secret_file(s) are written: what they name is checked outside
  // config/ (notifiers/run_requirements.h), with libcurl and the file system.
  SourcePos url_pos;
  SourcePos secret_file_pos;
};

// The SMTP relay (SPEC 3.1 [email]). Absent: mail goes to <state>/outbox.
struct EmailSettings {
  std::string url;            // smtp://host:port or smtps://host:port
  std::string username;
  std::string password_file;
  std::string password_env;
  std::string from;
  bool starttls = true;       // smtp:// requires STARTTLS unless false
  std::string ca_file;
  bool insecure_skip_verify = false;
  SourcePos pos;
  // Where url and password_file are written (see Webhook::url_pos).
  SourcePos url_pos;
  SourcePos password_file_pos;
};

// [delivery]: retries of failed deliveries (SPEC 6).
struct DeliverySettings {
  Duration first_retry = std::chrono::seconds(30);  // the first retry comes within this
  Duration max_retry = std::chrono::hours(1);       // no wait between attempts is longer
  Duration give_up_after = std::chrono::hours(24);  // from the first attempt
  int max_in_flight = 256;                          // transfers at once
  int per_destination = 16;                         // at once to one relay or endpoint
};

// [http]: the read-only HTTP endpoint, off unless configured.
// The control unit's web users ([http] users_file, config/users_file.h):
// name -> bcrypt hash.
using WebUsers = std::map<std::string, std::string, std::less<>>;

struct HttpSettings {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address literal
  uint16_t port = 9464;
  // Where officers reach the listener (through a reverse proxy), without a
  // trailing '/'; empty: the e-mails carry no links.
  std::string public_url;
  // How long an acknowledgement link works after it is sent.
  Duration link_expiry = std::chrono::hours(24 * 90);
  // A second key that still checks links, during a key rotation; empty:
  // only <state>/link.key.
  std::string previous_link_key;
  // The file of web users, read with the settings; empty: no one may log in
  // and the pages that show officers' addresses answer local clients only.
  std::string users_file;
  WebUsers users;
  SourcePos pos;
};

// [daemon] and the named sections of the settings file.
struct Settings {
  std::string path;  // the settings file, empty for the embedded defaults
  std::string store = "/etc/plazo/store";
  std::string state = "/var/lib/plazo";
  std::string timezone = "America/Santiago";
  const date::time_zone* zone = nullptr;
  std::string language = "es";
  std::string default_schedule = "dipres";
  std::string log_level = "info";
  std::string templates;  // folder of message templates; empty: built-in
  std::optional<EmailSettings> email;
  DeliverySettings delivery;
  std::optional<HttpSettings> http;
  std::map<std::string, Webhook, std::less<>> webhooks;
  std::map<std::string, Schedule, std::less<>> schedules;

  // The schedule called name, or nullptr.
  const Schedule* FindSchedule(std::string_view name) const;
};

// An admin's pause of reminders (snooze_until, snooze_reason on a part or
// its program): no reminder before the day `until`.
struct Snooze {
  std::optional<Days> until;
  StoreText reason;
};

// One commitment part (SPEC 3.2 [[commitment]]).
struct Commitment {
  std::string id;  // c<number> or c<number>-p<part>
  int number = 0;
  int part = 1;
  StoreText recommendation;
  StoreText text;
  StoreText verification;
  Due due;
  // The due dates it had before each rescheduling, in the order it left
  // them (the last one is what it was rescheduled from): what `plazod
  // import --update` keeps when a newer report moves the due date.
  std::vector<Days> previous_due;
  Status status = Status::kPendiente;
  std::optional<Days> status_date;
  StoreText observation;
  StoreText evidence;
  std::optional<Days> submitted;
  std::vector<std::string> owners;  // empty: the program's owners
  StoreText schedule;               // empty: the program's schedule
  Snooze snooze;
  // Where its [[commitment]] table is in the file it was read from (its
  // program's file; PosOf). Not a SourcePos: a store has 100,000 parts,
  // and the file name is its program's.
  int line = 0;
  int column = 0;

  // Open parts still need evidence: not rated cumplido and nothing submitted.
  [[nodiscard]] bool IsOpen() const { return status != Status::kCumplido && !submitted; }
};

// One program report: one store file (SPEC 3.2 [program]).
struct Program {
  std::string id;
  std::string name;
  std::string ministry;
  std::string service;
  int evaluation_year = 0;
  std::optional<Days> report_date;
  std::optional<Status> rating;
  StoreText observation;
  StoreText schedule;  // empty: [daemon] schedule
  Snooze snooze;  // for every part; a part's own later snooze wins
  std::vector<std::string> owners;
  std::vector<std::string> webhooks;
  std::vector<Commitment> commitments;
  SourcePos pos;  // the file and its [program] table
  // Keeps alive the bytes that borrowed texts (StoreText::Borrow) of this
  // program refer to: the mapped store snapshot it was read from. Null
  // when every text is owned. Copies of the program share it.
  std::shared_ptr<const void> text_bytes;
};

// Every program of the store folder, sorted by id.
struct Store {
  std::vector<Program> programs;

  size_t CommitmentCount() const;
  // Parts still open (Commitment::IsOpen).
  size_t OpenCount() const;
};

// What identifies hook's receiver and signing: url, format and where its
// secrets are. A webhook disabled by a 410 Gone stays so until this changes
// (issue 16). A hex string; equal settings give equal fingerprints.
std::string WebhookFingerprint(const Webhook& hook);

// Where part c of program p is: p's file, c's line and column.
SourcePos PosOf(const Program& p, const Commitment& c);

// The snooze in force for part c of program p: the later of the part's and
// the program's; nullopt when neither is set.
std::optional<Snooze> SnoozeOf(const Program& p, const Commitment& c);

// A validated settings file together with the store it names. Immutable once
// built; the daemon swaps whole Config objects on reload.
struct Config {
  Settings settings;
  Store store;

  // The schedule that applies to part c of program p: the part's, else the
  // program's, else [daemon] schedule. Never null in a loaded Config: loading
  // rejects unknown names and always provides the built-in "dipres".
  const Schedule& ScheduleFor(const Program& p, const Commitment& c) const;
  // The part's owners, else the program's.
  const std::vector<std::string>& OwnersFor(const Program& p,
                                            const Commitment& c) const;
};

// The instant a due date expires: the given instant, or the end of the due
// day (the start of the next day) in zone.
Instant DueInstant(const Due& due, const date::time_zone* zone);

// Calendar days from the local date of at to due's date, in zone: 0 on the
// due day, negative after it. A date-time due already past at gives at most
// -1 even on its own day, so that "late" always reads as days_left < 0
// (`status --json`, webhooks) for a part 3 hours past a 15:00 due.
int DaysLeft(const Due& due, Instant at, const date::time_zone* zone);

// For a date-time due: whole hours from at to its instant, rounded down, so
// -1 within the first hour past it and 0 within the hour before. nullopt
// for a date due, whose day is the unit.
std::optional<int> HoursLeft(const Due& due, Instant at);

// Whether c must be named with its part ("Compromiso 8, parte 2") rather
// than as its commitment alone: a part after the first, or a first part
// whose commitment has other parts in p. Part 2 stays "parte 2" when part 1
// is no longer in the store.
bool NamesPart(const Program& p, const Commitment& c);

}  // namespace plazo

#endif  // PLAZO_CONFIG_MODEL_H_
