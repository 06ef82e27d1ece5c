#include "config/time_text.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>

#include <date/tz.h>

namespace plazo {
namespace {

// Reads exactly n digits at pos; advances pos.
bool ReadDigits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<Days> ReadDate(std::string_view s, size_t& pos) {
  int y, m, d;
  if (!ReadDigits(s, pos, 4, y) || !Expect(s, pos, '-') ||
      !ReadDigits(s, pos, 2, m) || !Expect(s, pos, '-') ||
      !ReadDigits(s, pos, 2, d)) {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month(static_cast<unsigned>(m)),
                           date::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return Days(ymd);
}

}  // namespace

std::optional<Days> ParseIsoDate(std::string_view text) {
  size_t pos = 0;
  auto d = ReadDate(text, pos);
  if (!d || pos != text.size()) return std::nullopt;
  return d;
}

std::string FormatIsoDate(Days d) {
  date::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<Instant> ParseInstant(std::string_view text,
                                    const date::time_zone* zone) {
  size_t pos = 0;
  auto day = ReadDate(text, pos);
  if (!day) return std::nullopt;
  if (pos == text.size()) return StartOfDay(*day, zone);
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  int h, m, s;
  if (!ReadDigits(text, pos, 2, h) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, m) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, s)) {
    return std::nullopt;
  }
  if (h > 23 || m > 59 || s > 60) return std::nullopt;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  if (pos >= text.size()) return std::nullopt;
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!ReadDigits(text, pos, 2, oh) || !Expect(text, pos, ':') ||
        !ReadDigits(text, pos, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  Instant local_as_utc = date::sys_days(day->time_since_epoch()) +
                         std::chrono::hours(h) + std::chrono::minutes(m) +
                         std::chrono::seconds(std::min(s, 59));
  return local_as_utc - std::chrono::minutes(offset_minutes);
}

std::string FormatRfc3339(Instant t, const date::time_zone* zone) {
  auto info = zone->get_info(t);
  auto local = t + info.offset;
  auto day = date::floor<date::days>(local);
  date::hh_mm_ss tod{local - day};
  date::year_month_day ymd{day};
  long off = info.offset.count() / 60;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02ld:%02ld",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()), sign, off / 60,
                off % 60);
  return buf;
}

std::string FormatLocalMinute(Instant t, const date::time_zone* zone) {
  std::string text = FormatRfc3339(t, zone);
  return text.substr(0, 10) + " " + text.substr(11, 5);
}

Instant StartOfDay(Days d, const date::time_zone* zone) {
  return AtLocalTime(d, 0, zone);
}

Days LocalDate(Instant t, const date::time_zone* zone) {
  auto local = zone->to_local(t);
  return date::floor<date::days>(local);
}

Instant AtLocalTime(Days d, int minutes, const date::time_zone* zone) {
  date::local_seconds local = d + std::chrono::minutes(minutes);
  // date/tz builds a sys_info (with a heap-allocated abbreviation) per call;
  // planning 100,000 parts asks millions of times, nearly always inside the
  // same offset period. Remember the last period per thread and reuse it when
  // the answer lies a day or more inside it, where no gap or overlap can be.
  struct Period {
    const date::time_zone* zone = nullptr;
    Instant begin, end;
    std::chrono::seconds offset{0};
  };
  thread_local Period last;
  constexpr auto kMargin = std::chrono::hours(24);
  if (last.zone == zone) {
    Instant guess = Instant((local - last.offset).time_since_epoch());
    if (guess >= last.begin + kMargin && guess + kMargin < last.end) return guess;
  }
  auto info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
      last = Period{zone, info.first.begin, info.first.end, info.first.offset};
      return Instant((local - info.first.offset).time_since_epoch());
    case date::local_info::ambiguous:
      return Instant((local - info.first.offset).time_since_epoch());
    case date::local_info::nonexistent:
    default:
      // The gap ends where the second period begins.
      return info.second.begin;
  }
}

const date::time_zone* FindZone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

}  // namespace plazo
