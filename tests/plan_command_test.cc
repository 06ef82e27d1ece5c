// plazod plan: the dry run against a real ledger file, and its JSON shape.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "config/time_text.h"
#include "daemon/cli.h"
#include "ledger/ledger.h"
#include "tests/test_paths.h"
#include "tests/test_util.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

boost::json::object Plan(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"plan", "--config", testing::ExamplesDir() + "/plazod.toml", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::ostringstream out, err;
  int code = RunCli(args, out, err);
  INFO(err.str());
  REQUIRE(code == kExitOk);
  return boost::json::parse(out.str()).as_object();
}

Instant At(const char* t) { return *ParseInstant(t, FindZone("America/Santiago")); }

TEST_CASE("plan lists the stages a snooze holds back, with until when and why") {
  testing::TempDir dir;
  fs::create_directory(dir.path / "store");
  std::string store = testing::ExamplesDir() + "/store/sence-intermediacion-laboral.toml";
  std::ifstream in(store);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  text.replace(text.find("[program]\n"), 10, "[program]\nsnooze_until = 2026-12-20\nsnooze_reason = \"auditoría\"\n");
  dir.Write("store/p.toml", text);
  auto o = Plan({"--store", (dir.path / "store").string(), "--state", dir.path.string(), "--at",
                 "2026-12-01T00:00:00-03:00", "--until", "2026-12-31T00:00:00-03:00"});
  // The stages before the 20th are held back; the ones after it are planned.
  const auto& snoozed = o.at("snoozed").as_array();
  REQUIRE(!snoozed.empty());
  for (const auto& v : snoozed) {
    const auto& s = v.as_object();
    CHECK(s.at("until").as_string() == "2026-12-20");
    CHECK(s.at("reason").as_string() == "auditoría");
    CHECK(std::string(s.at("at").as_string().c_str()) < "2026-12-20");
  }
  for (const auto& n : o.at("notifications").as_array()) {
    CHECK(std::string(n.as_object().at("at").as_string().c_str()) >= "2026-12-20");
  }
}

TEST_CASE("plan --json at 2026-12-01 09:00 lists the before-30d of c8-p2 for owner and webhook") {
  testing::TempDir state;
  auto o = Plan({"--state", state.path.string(), "--at", "2026-12-01T09:00:00-03:00"});
  CHECK(o.at("from").as_string() == "2026-12-01T09:00:00-03:00");
  const auto& ns = o.at("notifications").as_array();
  REQUIRE(ns.size() == 2);
  const auto& mail = ns[0].as_object();
  CHECK(mail.at("at").as_string() == "2026-12-01T09:00:00-03:00");
  CHECK(mail.at("channel").as_string() == "email");
  CHECK(mail.at("destination").as_string() == "encargado.pil@example.gob.cl");
  CHECK(mail.at("kind").as_string() == "reminder");
  CHECK(mail.at("id").as_string().starts_with("ntf_"));
  const auto& item = mail.at("items").as_array().at(0).as_object();
  CHECK(item.at("program").as_object().at("id").as_string() == "sence-intermediacion-laboral");
  CHECK(item.at("program").as_object().at("name").as_string() == "Programa de Intermediación Laboral");
  CHECK(item.at("commitment").as_object().at("id").as_string() == "c8-p2");
  CHECK(item.at("commitment").as_object().at("due").as_string() == "2026-12-31");
  CHECK(item.at("stage").as_string() == "before-30d");
  CHECK(item.at("days_left").as_int64() == 30);
  CHECK(item.at("late").as_bool() == false);
  CHECK(ns[1].as_object().at("channel").as_string() == "webhook");
  CHECK(ns[1].as_object().at("destination").as_string() == "equipo-pil");
  // A dry run creates no ledger: what it may leave in a state folder it
  // owns is the store snapshot, a cache of the parsed store (issue 18).
  for (const auto& entry : fs::directory_iterator(state.path)) {
    CHECK(entry.path().filename() == "store.snapshot");
  }
  CHECK_FALSE(fs::exists(state.path / "ledger.db"));
}

TEST_CASE("plan --until lists c8-p2's whole sequence at local instants") {
  testing::TempDir state;
  auto o = Plan({"--state", state.path.string(), "--at", "2026-10-01", "--until", "2027-03-01"});
  std::vector<std::string> seen;
  for (const auto& n : o.at("notifications").as_array()) {
    const auto& obj = n.as_object();
    if (obj.at("destination").as_string() != "encargado.pil@example.gob.cl") continue;
    for (const auto& i : obj.at("items").as_array()) {
      seen.push_back(std::string(i.as_object().at("stage").as_string()) + "@" +
                     std::string(obj.at("at").as_string()));
    }
  }
  CHECK(seen == std::vector<std::string>{
                    "before-60d@2026-10-30T09:00:00-03:00", "before-30d@2026-12-01T09:00:00-03:00",
                    "before-14d@2026-12-17T09:00:00-03:00", "before-7d@2026-12-24T09:00:00-03:00",
                    "before-1d@2026-12-30T09:00:00-03:00", "due@2026-12-31T09:00:00-03:00",
                    "overdue-1@2027-01-01T09:00:00-03:00", "overdue-2@2027-01-08T09:00:00-03:00",
                    "escalation@2027-01-14T09:00:00-03:00", "overdue-3@2027-01-15T09:00:00-03:00",
                    "overdue-4@2027-01-22T09:00:00-03:00", "overdue-5@2027-01-29T09:00:00-03:00",
                    "overdue-6@2027-02-05T09:00:00-03:00", "overdue-7@2027-02-12T09:00:00-03:00",
                    "overdue-8@2027-02-19T09:00:00-03:00"});
}

TEST_CASE("plan reads the real ledger: sent deliveries drop out, catch-up starts at planned_through") {
  testing::TempDir state;
  {
    std::string error;
    auto ledger = Ledger::Open(LedgerPath(state.path.string()), &error);
    REQUIRE(ledger);
    DeliveryRecord sent;
    sent.key = "sence-intermediacion-laboral/c8-p2/2026-12-31/before-30d/email:encargado.pil@example.gob.cl";
    sent.notification_id = "ntf_test";
    sent.state = DeliveryState::kSent;
    sent.planned_at = At("2026-12-01T09:00:00-03:00");
    REQUIRE(ledger->Record({sent}, At("2026-12-01T09:00:01-03:00"), &error));
    REQUIRE(ledger->SetPlannedThrough(At("2026-11-20"), &error));
  }
  // Woken on Dec 18th after a gap since Nov 20th: before-30d went to the
  // owner already (the ledger says so); before-14d (Dec 17th) is the newest
  // missed stage, late; the webhook's before-30d is skipped in its favour.
  auto o = Plan({"--state", state.path.string(), "--at", "2026-12-18T10:00:00-03:00"});
  CHECK(o.at("from").as_string() == "2026-11-20T00:00:00-03:00");
  const auto& ns = o.at("notifications").as_array();
  REQUIRE(ns.size() == 2);
  for (const auto& n : ns) {
    const auto& item = n.as_object().at("items").as_array().at(0).as_object();
    CHECK(item.at("stage").as_string() == "before-14d");
    CHECK(item.at("late").as_bool());
  }
  const auto& skipped = o.at("skipped").as_array();
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].as_string() ==
        "sence-intermediacion-laboral/c8-p2/2026-12-31/before-30d/webhook:equipo-pil");
}

}  // namespace
}  // namespace plazo
