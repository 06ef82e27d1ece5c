// The real transports (dispatch/channels.h) against a real HTTP receiver on
// loopback (tests/peers/http_receiver.py, which logs each request's client
// port: one port per connection), driven by the event loop: a reload keeps
// the connection open and signs with a rotated secret from then on.
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fstream>

#include "dispatch/channels.h"
#include "tests/peer_process.h"

namespace plazo {
namespace {

namespace json = boost::json;

const std::string kSecret = "whsec_cGxhem8tdGVzdC1zZWNyZXQtZm9yLXdlYmhvb2tz";

struct Rig {
  Rig() {
    dir.Write("secret", kSecret + "\n");
    std::string error;
    INFO(error);
    REQUIRE(receiver.Start({testing::Python(), testing::PeerScript("http_receiver.py"), "--log",
                            dir.File("requests.jsonl"), "--secret", kSecret},
                           &error));
    settings.state = dir.path();
    Webhook h;
    h.name = "equipo-pil";
    h.url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hooks/equipo-pil";
    h.secret_files = {dir.File("secret")};
    settings.webhooks[h.name] = h;
  }

  // Delivers one message through transport and waits for its outcome.
  DeliveryResult Send(Transport& transport, const std::string& id, const std::string& to) {
    std::optional<DeliveryResult> result;
    transport.Start(Outgoing{id, to, "{\"id\":\"" + id + "\"}"}, Instant(std::chrono::seconds(1)),
                    [&](DeliveryResult r) { result = std::move(r); });
    for (int i = 0; i < 100 && !result; ++i) {
      io.restart();
      io.run_one_for(std::chrono::milliseconds(100));
    }
    REQUIRE(result);
    return *result;
  }

  std::vector<json::value> Requests() const {
    return testing::ReadJsonLines(dir.File("requests.jsonl"));
  }

  testing::ScratchDir dir;
  testing::PeerProcess receiver;
  boost::asio::io_context io;
  Settings settings;
};

TEST_CASE("Channels keep an endpoint's connection across reloads", "[channels]") {
  Rig rig;
  Channels channels(rig.io);
  channels.Configure(rig.settings);
  CHECK(rig.Send(*channels.webhook(), "ntf_1", "equipo-pil").ok());

  // A reload: the same endpoint, written elsewhere in the file.
  Settings again = rig.settings;
  again.webhooks["equipo-pil"].pos.line += 10;
  channels.Configure(again);
  CHECK(rig.Send(*channels.webhook(), "ntf_2", "equipo-pil").ok());

  // A changed timeout: the connection to the same host stays open all the
  // same (curl's multi handle keeps it).
  again.webhooks["equipo-pil"].timeout = std::chrono::seconds(3);
  channels.Configure(again);
  CHECK(rig.Send(*channels.webhook(), "ntf_3", "equipo-pil").ok());

  std::vector<json::value> requests = rig.Requests();
  REQUIRE(requests.size() == 3);
  for (const json::value& q : requests) {
    CHECK(q.at("signature_ok").as_bool());
    CHECK(q.at("client_port") == requests[0].at("client_port"));
  }
}

TEST_CASE("Channels: a rotated secret signs after a reload; a removed endpoint refuses for good",
          "[channels]") {
  Rig rig;
  Channels channels(rig.io);
  channels.Configure(rig.settings);
  CHECK(rig.Send(*channels.webhook(), "ntf_1", "equipo-pil").ok());
  rig.dir.Write("secret", "whsec_b3RoZXItc2VjcmV0\n");
  channels.Configure(rig.settings);
  // Signed with the new secret, which the receiver does not know.
  CHECK(rig.Send(*channels.webhook(), "ntf_2", "equipo-pil").ok());
  std::vector<json::value> requests = rig.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].at("signature_ok").as_bool());
  CHECK_FALSE(requests[1].at("signature_ok").as_bool());

  Settings none = rig.settings;
  none.webhooks.clear();
  channels.Configure(none);
  DeliveryResult r = rig.Send(*channels.webhook(), "ntf_4", "equipo-pil");
  CHECK(r.outcome == DeliveryOutcome::kPermanent);
  CHECK(r.detail == "webhook 'equipo-pil' is no longer configured");
}

TEST_CASE("Channels without [email] write to the outbox folder, kept until the state moves",
          "[channels]") {
  Rig rig;
  Channels channels(rig.io);
  channels.Configure(rig.settings);
  std::shared_ptr<Transport> email = channels.email();
  CHECK(email->PeerOf("a@example.org") == email->PeerOf("b@example.org"));
  DeliveryResult r = rig.Send(*email, "ntf_5", "a@example.org");
  CHECK(r.ok());
  CHECK(std::ifstream(rig.dir.File("outbox/new/ntf_5.eml")).good());

  channels.Configure(rig.settings);
  CHECK(channels.kept_email());
  CHECK(channels.email() == email);
  Settings moved = rig.settings;
  moved.state = rig.dir.File("elsewhere");
  channels.Configure(moved);
  CHECK_FALSE(channels.kept_email());
  CHECK(channels.email() != email);
}

}  // namespace
}  // namespace plazo
