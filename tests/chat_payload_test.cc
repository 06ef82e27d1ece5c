// Webhook bodies for team chats (notifiers/chat_payload.h) and how the
// composer and planner use them: escaping, limits, threads per program.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "config/load_config.h"
#include "config/settings.h"
#include "config/store.h"
#include "config/time_text.h"
#include "dispatch/composer.h"
#include "notifiers/chat_payload.h"
#include "planner/planner.h"
#include "tests/test_paths.h"

namespace plazo {
namespace {

ChatMessage Digest(int items, size_t text_size = 40) {
  ChatMessage m;
  m.title = "3 compromisos vencen en 7 días — Programa <A> & B";
  for (int i = 1; i <= items; ++i) {
    ChatItem item;
    item.title = "Compromiso " + std::to_string(i) + " · Programa";
    item.lines = {"vence en 7 días",
                  "Compromiso: " + std::string(text_size, 'x') + " < 50 % & *ya*"};
    item.urgent = i == 1;
    m.items.push_back(std::move(item));
  }
  m.more = [](int hidden) { return "Y " + std::to_string(hidden) + " más"; };
  return m;
}

boost::json::object Parse(const std::string& body) { return boost::json::parse(body).as_object(); }

TEST_CASE("slack: text is escaped for mrkdwn and a long digest ends with the count of the rest",
          "[chat]") {
  boost::json::object small = Parse(ChatBody(WebhookFormat::kSlack, Digest(2)));
  CHECK(small.at("text").as_string() == "3 compromisos vencen en 7 días — Programa <A> & B");
  const boost::json::array& blocks = small.at("blocks").as_array();
  std::string first = blocks.at(2).at("text").at("text").as_string().c_str();
  CHECK(first.find(":red_circle: *Compromiso 1") == 0);
  CHECK(first.find("&lt; 50 % &amp; *ya*") != std::string::npos);

  boost::json::object big = Parse(ChatBody(WebhookFormat::kSlack, Digest(60)));
  const boost::json::array& b = big.at("blocks").as_array();
  CHECK(b.size() <= 50);
  // header, then a divider and a section per item, then the count: the
  // most that fit.
  size_t shown = (b.size() - 2) / 2;
  CHECK(b.back().at("type").as_string() == "context");
  CHECK(b.back().at("elements").at(0).at("text").as_string() ==
        "Y " + std::to_string(60 - shown) + " más");
  CHECK(b.size() + 2 > 50);  // one more item would not fit
}

TEST_CASE("every chat format keeps a huge digest within its platform's size", "[chat]") {
  ChatMessage m = Digest(300, 900);
  m.link = "https://plazo.example.gob.cl/programs/p";
  m.link_label = "Ver el programa";
  m.thread = "p";
  struct Case {
    WebhookFormat format;
    size_t max_bytes;
  };
  for (Case c : {Case{WebhookFormat::kMattermost, 16383 * 4},
                 Case{WebhookFormat::kTeams, 28 * 1024}, Case{WebhookFormat::kGoogleChat, 32000}}) {
    std::string body = ChatBody(c.format, m);
    CAPTURE(static_cast<int>(c.format));
    CHECK(body.size() <= c.max_bytes);
    CHECK(body.find("más") != std::string::npos);
    CHECK(body.find("https://plazo.example.gob.cl/programs/p") != std::string::npos);
  }
  boost::json::object chat = Parse(ChatBody(WebhookFormat::kGoogleChat, m));
  CHECK(chat.at("thread").at("threadKey").as_string() == "p");
  boost::json::object teams = Parse(ChatBody(WebhookFormat::kTeams, m));
  CHECK(teams.at("attachments").at(0).at("content").at("version").as_string() == "1.4");
}

TEST_CASE("a text is cut at a character boundary, never inside a multibyte character", "[chat]") {
  ChatMessage m;
  m.title = "t";
  ChatItem item;
  item.title = "Compromiso 1";
  std::string accents;
  for (int i = 0; i < 700; ++i) accents += "é";  // 1,400 bytes
  item.lines = {accents};
  m.items.push_back(item);
  std::string body = ChatBody(WebhookFormat::kSlack, m);
  boost::json::object o = Parse(body);  // throws on broken UTF-8
  std::string text = o.at("blocks").at(2).at("text").at("text").as_string().c_str();
  CHECK(text.size() < 1100);
  CHECK(text.substr(text.size() - 3) == "…");
}

TEST_CASE("format names are the five the settings accept", "[chat]") {
  CHECK(WebhookFormatNamed("slack") == WebhookFormat::kSlack);
  CHECK(WebhookFormatNamed("googlechat") == WebhookFormat::kGoogleChat);
  CHECK_FALSE(WebhookFormatNamed("Slack"));
  CHECK(WebhookFormatNames().size() == 5);
  for (std::string_view name : WebhookFormatNames()) {
    CHECK(WebhookFormatName(*WebhookFormatNamed(name)) == name);
  }
}

// The example settings with its webhook in format, and two programs due at
// the same instant, both sending to it.
Config TwoPrograms(const std::string& format) {
  Config config;
  Diagnostics diags;
  REQUIRE(LoadSettings(testing::ExamplesDir() + "/plazod.toml", &config.settings, &diags));
  config.settings.webhooks.at("equipo-pil").format = *WebhookFormatNamed(format);
  config.settings.http = HttpSettings{};
  config.settings.http->public_url = "https://plazo.example.gob.cl";
  for (std::string id : {"a", "b"}) {
    Program p;
    bool ok = ParseStoreFile("[program]\nid = \"" + id + "\"\nname = \"Programa " + id +
                                 "\"\nwebhooks = [\"equipo-pil\"]\n[[commitment]]\nnumber = 1\n"
                                 "text = \"Informe\"\ndue = 2026-12-31\n",
                             id + ".toml", config.settings, &p, &diags);
    INFO(diags.ToString());
    REQUIRE(ok);
    config.store.programs.push_back(std::move(p));
  }
  return config;
}

TEST_CASE("googlechat gets one message per program, in the program's thread, and slack one digest",
          "[chat]") {
  Instant at = *ParseInstant("2026-12-01T09:00:00-03:00", FindZone("America/Santiago"));
  for (std::string format : {"googlechat", "slack", "json"}) {
    Config config = TwoPrograms(format);
    Planner planner(config);
    DuePlan plan = planner.Due(at, LedgerView{});
    std::vector<const Notification*> hooks;
    for (const Notification& n : plan.notifications) {
      if (n.channel == Channel::kWebhook) hooks.push_back(&n);
    }
    CAPTURE(format);
    REQUIRE(hooks.size() == (format == "googlechat" ? 2u : 1u));
    Diagnostics diags;
    std::optional<Composer> composer = Composer::Load(config.settings, &diags);
    REQUIRE(composer);
    OutboxEntry entry;
    std::string error;
    REQUIRE(composer->Compose(*hooks[0], at, &entry, &error));
    boost::json::object body = Parse(entry.payload);
    if (format == "googlechat") {
      CHECK(body.at("thread").at("threadKey").as_string() == "a");
      CHECK(entry.payload.find("https://plazo.example.gob.cl/programs/a") != std::string::npos);
    } else if (format == "slack") {
      CHECK(body.at("text").as_string() == "2 compromisos vencen en 30 días — 2 programas");
      CHECK(entry.payload.find("/programs/") == std::string::npos);  // two programs: no one page
    } else {
      CHECK(body.at("version").as_int64() == 1);
      CHECK(body.at("items").as_array().size() == 2);
    }
  }
}

}  // namespace
}  // namespace plazo
