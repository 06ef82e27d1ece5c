// Parsing --at values and printing RFC 3339 in America/Santiago, DST included.
#include <catch2/catch.hpp>

#include "config/time_text.h"

namespace plazo {
namespace {

const date::time_zone* Santiago() { return FindZone("America/Santiago"); }

TEST_CASE("a date means its first instant in the given zone") {
  auto t = ParseInstant("2026-12-05", Santiago());
  REQUIRE(t);
  CHECK(FormatRfc3339(*t, Santiago()) == "2026-12-05T00:00:00-03:00");
  // In winter (UTC-4) the same date starts an hour later in UTC.
  CHECK(FormatRfc3339(*ParseInstant("2026-06-01", Santiago()), FindZone("UTC")) ==
        "2026-06-01T04:00:00+00:00");
}

TEST_CASE("RFC 3339 date-times keep their instant whatever the offset") {
  auto a = ParseInstant("2026-12-01T09:00:00-03:00", Santiago());
  auto b = ParseInstant("2026-12-01T12:00:00Z", Santiago());
  auto c = ParseInstant("2026-12-01T12:00:00.250+00:00", Santiago());
  REQUIRE(a);
  CHECK(a == b);
  CHECK(a == c);
}

TEST_CASE("malformed times are rejected") {
  for (const char* bad : {"", "2026-13-01", "2026-02-29", "2026-12-01T09:00:00", "2026-12-01T25:00:00Z",
                          "2026-12-01T09:00Z", "tomorrow", "2026-12-01T09:00:00+3", "2026-12-01x"}) {
    INFO(bad);
    CHECK_FALSE(ParseInstant(bad, Santiago()));
  }
  CHECK(ParseIsoDate("2028-02-29"));
  CHECK_FALSE(ParseIsoDate("2027-02-29"));
}

TEST_CASE("09:00 stays 09:00 local on both sides of Santiago's clock changes") {
  // 2026: clocks go back on 2026-04-05 (to -04) and forward on 2026-09-06 (to -03).
  CHECK(FormatRfc3339(AtLocalTime(*ParseIsoDate("2026-04-04"), 540, Santiago()), Santiago()) ==
        "2026-04-04T09:00:00-03:00");
  CHECK(FormatRfc3339(AtLocalTime(*ParseIsoDate("2026-04-06"), 540, Santiago()), Santiago()) ==
        "2026-04-06T09:00:00-04:00");
  CHECK(FormatRfc3339(AtLocalTime(*ParseIsoDate("2026-09-07"), 540, Santiago()), Santiago()) ==
        "2026-09-07T09:00:00-03:00");
}

TEST_CASE("a local midnight skipped by DST maps to the end of the gap") {
  // Santiago springs forward at 24:00 on Saturday 2026-09-05: 00:00 on the 6th does not exist.
  Instant start = StartOfDay(*ParseIsoDate("2026-09-06"), Santiago());
  CHECK(FormatRfc3339(start, Santiago()) == "2026-09-06T01:00:00-03:00");
  CHECK(LocalDate(start, Santiago()) == *ParseIsoDate("2026-09-06"));
}

}  // namespace
}  // namespace plazo
