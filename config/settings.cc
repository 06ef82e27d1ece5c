#include "config/settings.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <date/tz.h>
#include <toml++/toml.h>

#include "base/ids.h"
#include "config/users_file.h"
#include "base/mailbox.h"
#include "config/duration.h"
#include "config/file_text.h"
#include "config/table_reader.h"
#include "config/time_text.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kWeekdays[] = {"mon", "tue", "wed", "thu",
                                          "fri", "sat", "sun"};

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

std::vector<std::string_view> ZoneNames() {
  std::vector<std::string_view> names;
  for (const date::time_zone& z : date::get_tzdb().zones) names.push_back(z.name());
  return names;
}

// Sets *zone from name, or reports an unknown zone at pos.
bool ReadZone(const std::string& name, SourcePos pos, const date::time_zone** zone,
              Diagnostics& diags) {
  *zone = FindZone(name);
  if (*zone) return true;
  diags.Add(std::move(pos), "unknown time zone '" + name + "'" +
                                DidYouMean(name, ZoneNames()));
  return false;
}

// "HH:MM" -> minutes after midnight.
std::optional<int> ParseClock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(s[0]) || !digit(s[1]) || !digit(s[3]) || !digit(s[4])) return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

void ReadDaemon(const toml::table& t, const std::string& file,
                const std::string& base_dir, Settings& s, Diagnostics& diags) {
  TableReader r(t, file, "[daemon]", diags);
  if (auto v = r.String("store")) s.store = Resolve(base_dir, *v);
  if (auto v = r.String("state")) s.state = Resolve(base_dir, *v);
  if (auto v = r.String("timezone")) {
    ReadZone(*v, r.Pos("timezone"), &s.zone, diags);
    s.timezone = *v;
  }
  if (auto v = r.String("language")) {
    if (*v == "es" || *v == "en") {
      s.language = *v;
    } else {
      diags.Add(r.Pos("language"), "'language' must be \"es\" or \"en\", not \"" + *v + "\"");
    }
  }
  if (auto v = r.String("schedule")) s.default_schedule = *v;
  if (auto v = r.String("templates")) s.templates = Resolve(base_dir, *v);
  if (auto v = r.String("log_level")) {
    static const std::vector<std::string_view> levels = {"debug", "info", "warning", "error"};
    if (std::find(levels.begin(), levels.end(), *v) == levels.end()) {
      diags.Add(r.Pos("log_level"), "'log_level' must be debug, info, warning or error, not \"" +
                                        *v + "\"" + DidYouMean(*v, levels));
    } else {
      s.log_level = *v;
    }
  }
  r.Finish();
}

void ReadEmail(const toml::table& t, const std::string& file,
               const std::string& base_dir, Settings& s, Diagnostics& diags) {
  TableReader r(t, file, "[email]", diags);
  EmailSettings e;
  e.pos = r.Pos();
  if (r.Get("password")) {
    diags.Add(r.Pos("password"),
              "passwords are never written inline: use password_file or password_env");
  }
  r.Require("url");
  e.url_pos = r.Pos("url");
  if (auto v = r.String("url")) {
    bool smtp = v->rfind("smtp://", 0) == 0, smtps = v->rfind("smtps://", 0) == 0;
    size_t host_at = smtp ? 7 : 8;
    if (!smtp && !smtps) {
      diags.Add(r.Pos("url"), "'url' must start with smtp:// or smtps://, got \"" + *v + "\"");
    } else if (v->size() <= host_at || (*v)[host_at] == ':' || (*v)[host_at] == '/') {
      diags.Add(r.Pos("url"), "'url' has no host: \"" + *v + "\"");
    } else {
      // Kept only when valid here, so the libcurl check of what remains
      // (notifiers/run_requirements.h) never reports a URL a second time.
      e.url = *v;
    }
  }
  if (auto v = r.String("username")) e.username = *v;
  e.password_file_pos = r.Pos("password_file");
  if (auto v = r.String("password_file")) e.password_file = Resolve(base_dir, *v);
  if (auto v = r.String("password_env")) e.password_env = *v;
  if (!e.username.empty() && e.password_file.empty() && e.password_env.empty()) {
    diags.Add(r.Pos("username"),
              "'username' needs a password: set password_file or password_env");
  }
  if (!e.password_file.empty() && !e.password_env.empty()) {
    diags.Add(r.Pos("password_env"), "set password_file or password_env, not both");
  }
  // Without from, mail comes from plazo at the host's name (DefaultFrom,
  // notifiers/mailer.h).
  if (auto v = r.String("from")) {
    // The syntax the SMTP transport reads it with, and a dotted domain as for
    // every address an admin writes.
    if (Mailbox from; !ParseMailbox(*v, &from) || !IsQualifiedEmailAddress(from.address)) {
      diags.Add(r.Pos("from"), "'from' is not an e-mail address: \"" + *v + "\"");
    }
    e.from = *v;
  }
  if (auto v = r.Bool("starttls")) e.starttls = *v;
  if (auto v = r.String("ca_file")) e.ca_file = Resolve(base_dir, *v);
  if (auto v = r.Bool("insecure_skip_verify")) e.insecure_skip_verify = *v;
  r.Finish();
  s.email = std::move(e);
}

void ReadDelivery(const toml::table& t, const std::string& file, Settings& s,
                  Diagnostics& diags) {
  TableReader r(t, file, "[delivery]", diags);
  DeliverySettings& d = s.delivery;
  if (auto v = r.DurationValue("first_retry", false)) d.first_retry = *v;
  if (auto v = r.DurationValue("max_retry", false)) d.max_retry = *v;
  if (auto v = r.DurationValue("give_up_after", false)) d.give_up_after = *v;
  if (auto v = r.Integer("max_in_flight", 1, 10000)) d.max_in_flight = static_cast<int>(*v);
  if (auto v = r.Integer("per_destination", 1, 1000)) d.per_destination = static_cast<int>(*v);
  if (d.max_retry < d.first_retry) {
    diags.Add(r.Pos("max_retry"), "'max_retry' is shorter than 'first_retry'");
  }
  r.Finish();
}

// "127.0.0.1:9464", "[::1]:9464" or ":9464" (loopback). The host is an
// address literal, as the listener binds it without a name lookup; inet_pton
// is the judge, so "999.1.1.1" or "cafe" never reach bind() at run time.
bool ParseListen(std::string_view text, HttpSettings* out) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string host(text.substr(0, colon));
  std::string_view port = text.substr(colon + 1);
  int family = AF_INET;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    family = AF_INET6;
  } else if (host.find(':') != std::string::npos) {
    return false;  // IPv6 needs brackets
  }
  if (host.empty()) host = "127.0.0.1";
  unsigned char address[sizeof(in6_addr)];
  if (inet_pton(family, host.c_str(), address) != 1) return false;
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value > 65535) return false;  // 0: any free port, logged at start
  out->host = std::move(host);
  out->port = static_cast<uint16_t>(value);
  return true;
}

void ReadHttp(const toml::table& t, const std::string& file, const std::string& base_dir,
              Settings& s, Diagnostics& diags) {
  TableReader r(t, file, "[http]", diags);
  HttpSettings h;
  h.pos = r.Pos();
  if (auto v = r.String("listen")) {
    if (!ParseListen(*v, &h)) {
      diags.Add(r.Pos("listen"), "'listen' must be an address and port such as \"127.0.0.1:9464\""
                                 " or \"[::1]:9464\", not \"" + *v + "\"");
    }
  }
  // The address officers reach through the reverse proxy: links in the
  // e-mails are built on it, so it must be absolute and end without '/'.
  if (auto v = r.String("public_url")) {
    std::string url = *v;
    while (!url.empty() && url.back() == '/') url.pop_back();
    bool http = url.rfind("http://", 0) == 0, https = url.rfind("https://", 0) == 0;
    size_t host_at = https ? 8 : 7;
    if (!http && !https) {
      diags.Add(r.Pos("public_url"),
                "'public_url' must start with https:// (or http://), got \"" + *v + "\"");
    } else if (url.size() <= host_at || url[host_at] == '/' ||
               url.find_first_of("?#\"<> \t", host_at) != std::string::npos) {
      diags.Add(r.Pos("public_url"),
                "'public_url' must be a plain address such as \"https://plazo.example.gob.cl\","
                " not \"" + *v + "\"");
    } else {
      h.public_url = std::move(url);
    }
  }
  if (auto v = r.DurationValue("link_expiry", false)) h.link_expiry = *v;
  if (auto v = r.String("previous_link_key")) h.previous_link_key = Resolve(base_dir, *v);
  if (auto v = r.String("users_file")) {
    h.users_file = Resolve(base_dir, *v);
    (void)LoadUsersFile(h.users_file, &h.users, &diags);  // its problems are in diags
  }
  r.Finish();
  s.http = h;
}

void ReadWebhook(const std::string& name, const toml::table& t,
                 const std::string& file, const std::string& base_dir,
                 Settings& s, Diagnostics& diags) {
  TableReader r(t, file, "[webhook." + name + "]", diags);
  Webhook w;
  w.name = name;
  w.pos = r.Pos();
  if (!IsSlug(name)) {
    diags.Add(r.Pos(), "webhook name '" + name +
                           "' must be lowercase letters, digits, '-', '_' or '.'");
  }
  if (r.Get("secret")) {
    diags.Add(r.Pos("secret"),
              "secrets are never written inline: use secret_file or secret_env");
  }
  r.Require("url");
  w.url_pos = r.Pos("url");
  if (auto v = r.String("url")) {
    bool http = v->rfind("http://", 0) == 0, https = v->rfind("https://", 0) == 0;
    size_t host_at = https ? 8 : 7;
    if (!http && !https) {
      diags.Add(r.Pos("url"), "'url' must start with http:// or https://, got \"" + *v + "\"");
    } else if (v->size() <= host_at || (*v)[host_at] == '/' || (*v)[host_at] == ':') {
      diags.Add(r.Pos("url"), "'url' has no host: \"" + *v + "\"");
    } else {
      w.url = *v;  // only when valid here, as for [email] url
    }
  }
  w.secret_file_pos = r.Pos(t.contains("secret_files") ? "secret_files" : "secret_file");
  if (auto v = r.String("secret_file")) w.secret_files.push_back(Resolve(base_dir, *v));
  if (t.contains("secret_files")) {
    if (t.contains("secret_file")) {
      diags.Add(r.Pos("secret_files"), "set secret_file or secret_files, not both");
    }
    if (auto files = r.Strings("secret_files"); files && !t.contains("secret_file")) {
      if (files->empty() || files->size() > 4) {
        diags.Add(r.Pos("secret_files"), "'secret_files' lists one to four files: the current "
                                         "secret and those being rotated in or out");
      }
      for (const std::string& f : *files) w.secret_files.push_back(Resolve(base_dir, f));
    }
  }
  if (auto v = r.String("secret_env")) w.secret_env = *v;
  if (w.secret_files.empty() && w.secret_env.empty() && !t.contains("secret") &&
      !t.contains("secret_files")) {
    diags.Add(r.Pos(), "[webhook." + name +
                           "] needs secret_file, secret_files or secret_env to sign its payloads");
  }
  if (!w.secret_files.empty() && !w.secret_env.empty()) {
    diags.Add(r.Pos("secret_env"), "set secret_file(s) or secret_env, not both");
  }
  if (auto v = r.String("format")) {
    if (std::optional<WebhookFormat> format = WebhookFormatNamed(*v)) {
      w.format = *format;
    } else {
      std::string message = "'format' must be json, slack, mattermost, teams or googlechat, not \"";
      diags.Add(r.Pos("format"), message + *v + "\"" + DidYouMean(*v, WebhookFormatNames()));
    }
  }
  if (auto v = r.DurationValue("timeout", false)) w.timeout = *v;
  r.Finish();
  s.webhooks[name] = std::move(w);
}

// Reads `holidays = [dates]` from a holidays file into out.
void ReadHolidaysFile(const std::string& path, SourcePos ref, const TextReader& read,
                      std::set<Days>& out, Diagnostics& diags) {
  FileText text = read(path);
  if (!text.error.empty()) {
    diags.Add(std::move(ref), "holidays_file: " + text.error);
    return;
  }
  toml::table t;
  try {
    t = toml::parse(text.text, path);
  } catch (const toml::parse_error& e) {
    diags.Add(PosOf(e.source(), path), std::string(e.description()));
    return;
  }
  TableReader r(t, path, "holidays file", diags);
  if (!r.Require("holidays")) return;
  if (const toml::array* a = r.Get("holidays")->as_array()) {
    for (const toml::node& n : *a) {
      if (n.is_date() && !InDateRange(n.as_date()->get())) {
        diags.Add(PosOf(n.source(), path), YearOutOfRange("holidays", n.as_date()->get().year));
      } else if (n.is_date()) {
        toml::date d = n.as_date()->get();
        out.insert(Days(date::year{d.year} / date::month{d.month} / date::day{d.day}));
      } else {
        diags.Add(PosOf(n.source(), path),
                  "'holidays' must hold only dates, not " + std::string(TypeWord(n)));
      }
    }
  } else {
    diags.Add(r.Pos("holidays"), "'holidays' must be an array of dates");
  }
  r.Finish();
}

void ReadSchedule(const std::string& name, const toml::table& t,
                  const std::string& file, const std::string& base_dir, const TextReader& read,
                  Settings& s, Diagnostics& diags) {
  TableReader r(t, file, "[schedule." + name + "]", diags);
  Schedule sc = BuiltinDipresSchedule(s.timezone);
  sc.name = name;
  sc.pos = r.Pos();
  sc.zone = s.zone;
  sc.holidays.clear();
  sc.escalate_to.clear();
  if (!IsSlug(name)) {
    diags.Add(r.Pos(), "schedule name '" + name +
                           "' must be lowercase letters, digits, '-', '_' or '.'");
  }
  if (auto v = r.String("timezone")) {
    ReadZone(*v, r.Pos("timezone"), &sc.zone, diags);
    sc.timezone = *v;
  }
  if (auto v = r.String("send_at")) {
    if (auto m = ParseClock(*v)) {
      sc.send_at_minutes = *m;
    } else {
      diags.Add(r.Pos("send_at"), "'send_at' must be a time of day \"HH:MM\", not \"" + *v + "\"");
    }
  }
  if (const toml::node* n = r.Get("before")) {
    sc.before.clear();
    if (const toml::array* a = n->as_array()) {
      for (const toml::node& e : *a) {
        if (!e.is_string()) {
          diags.Add(PosOf(e.source(), file), "'before' must hold only duration strings, not " +
                                                 std::string(TypeWord(e)));
          continue;
        }
        const std::string* text = &e.as_string()->get();
        std::optional<Duration> d = ParseDuration(*text);
        if (!d) {
          diags.Add(PosOf(e.source(), file),
                    "'before': invalid duration \"" + *text +
                        "\" (expected a whole number and a unit: s, m, h, d or w, e.g. \"14d\")");
        } else if (d->count() == 0) {
          diags.Add(PosOf(e.source(), file), "'before': an offset must be longer than zero");
        } else if (std::find(sc.before.begin(), sc.before.end(), *d) != sc.before.end()) {
          diags.Add(PosOf(e.source(), file), "'before': duplicate offset \"" + *text + "\"");
        } else {
          sc.before.push_back(*d);
        }
      }
      std::sort(sc.before.rbegin(), sc.before.rend());
      if (sc.before.size() > 50) {
        diags.Add(r.Pos("before"), "'before' has " + std::to_string(sc.before.size()) +
                                       " offsets; at most 50");
      }
    } else {
      diags.Add(r.Pos("before"), "'before' must be an array of durations, not " +
                                     std::string(TypeWord(*n)));
    }
  }
  if (auto v = r.Bool("on_due")) sc.on_due = *v;
  if (auto v = r.DurationValue("overdue_every", true)) sc.overdue_every = *v;
  if (auto v = r.Integer("overdue_max", 0, 200)) sc.overdue_max = static_cast<int>(*v);
  if (auto v = r.DurationValue("escalate_after", false)) sc.escalate_after = *v;
  if (auto v = r.Emails("escalate_to")) sc.escalate_to = *v;
  if (auto v = r.Strings("workdays")) {
    const toml::array& a = *t.get("workdays")->as_array();
    std::vector<std::string_view> names(std::begin(kWeekdays), std::end(kWeekdays));
    sc.workdays = 0;
    for (size_t i = 0; i < v->size(); ++i) {
      auto it = std::find(names.begin(), names.end(), (*v)[i]);
      if (it == names.end()) {
        diags.Add(PosOf(a[i].source(), file), "'workdays': unknown day \"" + (*v)[i] +
                                                  "\" (use mon, tue, wed, thu, fri, sat, sun)" +
                                                  DidYouMean((*v)[i], names));
        continue;
      }
      sc.workdays |= static_cast<uint8_t>(1u << (it - names.begin()));
    }
    if (v->empty()) diags.Add(r.Pos("workdays"), "'workdays' must name at least one day");
  }
  if (const toml::node* n = r.Get("holidays")) {
    if (const toml::array* a = n->as_array()) {
      for (const toml::node& e : *a) {
        if (!e.is_date()) {
          diags.Add(PosOf(e.source(), file),
                    "'holidays' must hold only dates, not " + std::string(TypeWord(e)));
          continue;
        }
        toml::date d = e.as_date()->get();
        // A holiday only moves alerts, and alerts follow due dates, which are
        // all in InDateRange: one outside it can never apply (year 0 is a typo).
        if (!InDateRange(d)) {
          diags.Add(PosOf(e.source(), file), YearOutOfRange("holidays", d.year));
          continue;
        }
        sc.holidays.insert(Days(date::year{d.year} / date::month{d.month} / date::day{d.day}));
      }
    } else {
      diags.Add(r.Pos("holidays"), "'holidays' must be an array of dates, not " +
                                       std::string(TypeWord(*n)));
    }
  }
  if (auto v = r.String("holidays_file")) {
    ReadHolidaysFile(Resolve(base_dir, *v), r.Pos("holidays_file"), read, sc.holidays, diags);
  }
  r.Finish();
  s.schedules[name] = std::move(sc);
}

// Reads [webhook.*] or [schedule.*]: a table of named tables.
template <typename ReadOne>
void ReadNamedTables(const toml::node& node, std::string_view section,
                     const std::string& file, Diagnostics& diags, ReadOne read_one) {
  const toml::table* t = node.as_table();
  if (!t) {
    diags.Add(PosOf(node.source(), file),
              "'" + std::string(section) + "' must be a table of named [" +
                  std::string(section) + ".NAME] tables");
    return;
  }
  for (auto&& [key, value] : *t) {
    if (const toml::table* sub = value.as_table()) {
      read_one(std::string(key.str()), *sub);
    } else {
      diags.Add(PosOf(key.source(), file),
                "'" + std::string(section) + "." + std::string(key.str()) +
                    "' must be a table [" + std::string(section) + "." +
                    std::string(key.str()) + "]");
    }
  }
}

}  // namespace

Schedule BuiltinDipresSchedule(const std::string& timezone) {
  Schedule s;
  s.name = "dipres";
  s.timezone = timezone;
  s.zone = FindZone(timezone);
  s.send_at_minutes = 9 * 60;
  s.before = {std::chrono::days(60), std::chrono::days(30), std::chrono::days(14),
              std::chrono::days(7), std::chrono::days(1)};
  s.on_due = true;
  s.overdue_every = std::chrono::days(7);
  s.overdue_max = 8;
  s.escalate_after = std::chrono::days(14);
  s.workdays = 0x1f;
  s.holidays = {Days(date::year{2025} / 9 / 18), Days(date::year{2025} / 9 / 19)};
  s.pos = SourcePos{"(built-in)", 0, 0};
  return s;
}

Settings DefaultSettings() {
  Settings s;
  s.zone = FindZone(s.timezone);
  s.schedules["dipres"] = BuiltinDipresSchedule(s.timezone);
  return s;
}

namespace {

// Reads the settings text into s, which starts as the embedded defaults, as
// far as it can: a value with a problem keeps its default. Every problem goes
// to diags; returns true when there was none. Holidays files come from read.
bool ParseInto(std::string_view text, const std::string& name, Settings& s, Diagnostics* diags,
               const TextReader& read) {
  Diagnostics local;
  s = DefaultSettings();
  s.path = name;
  std::string base_dir = fs::path(name).parent_path().string();
  toml::table root;
  if (!ParseToml(text, name, &root, diags)) return false;
  // [daemon] first: its timezone is the default of every schedule.
  if (const toml::node* d = root.get("daemon")) {
    if (const toml::table* t = d->as_table()) {
      ReadDaemon(*t, name, base_dir, s, local);
    } else {
      local.Add(PosOf(d->source(), name), "'daemon' must be a table [daemon]");
    }
  }
  if (s.zone) s.schedules["dipres"] = BuiltinDipresSchedule(s.timezone);
  static const std::vector<std::string_view> sections = {"daemon", "email", "delivery", "http",
                                                         "webhook", "schedule"};
  for (auto&& [key, node] : root) {
    std::string_view k = key.str();
    if (k == "daemon") continue;
    if (k == "email") {
      if (const toml::table* t = node.as_table()) {
        ReadEmail(*t, name, base_dir, s, local);
      } else {
        local.Add(PosOf(node.source(), name), "'email' must be a table [email]");
      }
    } else if (k == "http") {
      if (const toml::table* t = node.as_table()) {
        ReadHttp(*t, name, base_dir, s, local);
      } else {
        local.Add(PosOf(node.source(), name), "'http' must be a table [http]");
      }
    } else if (k == "delivery") {
      if (const toml::table* t = node.as_table()) {
        ReadDelivery(*t, name, s, local);
      } else {
        local.Add(PosOf(node.source(), name), "'delivery' must be a table [delivery]");
      }
    } else if (k == "webhook") {
      ReadNamedTables(node, "webhook", name, local, [&](std::string n, const toml::table& t) {
        ReadWebhook(n, t, name, base_dir, s, local);
      });
    } else if (k == "schedule") {
      ReadNamedTables(node, "schedule", name, local, [&](std::string n, const toml::table& t) {
        ReadSchedule(n, t, name, base_dir, read, s, local);
      });
    } else {
      local.Add(PosOf(key.source(), name), "unknown section '" + std::string(k) + "'" +
                                               DidYouMean(k, sections));
    }
  }
  if (!s.FindSchedule(s.default_schedule)) {
    std::vector<std::string_view> names;
    for (auto& [n, _] : s.schedules) names.push_back(n);
    SourcePos pos{name, 1, 1};
    if (const toml::node* n = root.at_path("daemon.schedule").node()) pos = PosOf(n->source(), name);
    local.Add(pos, "unknown schedule '" + s.default_schedule + "'" +
                       DidYouMean(s.default_schedule, names));
  }
  local.Sort();
  diags->Merge(local);
  return local.empty();
}

}  // namespace

bool ParseSettings(std::string_view text, const std::string& name, Settings* out,
                   Diagnostics* diags, const TextReader& read) {
  Settings s;
  if (!ParseInto(text, name, s, diags, read)) return false;
  *out = std::move(s);
  return true;
}

bool LoadSettings(const std::string& path, Settings* out, Diagnostics* diags,
                  const TextReader& read) {
  FileText text = read(path);
  if (!text.error.empty()) {
    diags->Add(SourcePos{path, 0, 0}, text.error);
    return false;
  }
  return ParseSettings(text.text, path, out, diags, read);
}

bool LoadSettingsBestEffort(const std::string& path, Settings* out, Diagnostics* diags) {
  FileText text = ReadFileText(path);
  if (!text.error.empty()) {
    diags->Add(SourcePos{path, 0, 0}, text.error);
    *out = DefaultSettings();
    out->path = path;
    return false;
  }
  return ParseInto(text.text, path, *out, diags, ReadFileText);
}

}  // namespace plazo
