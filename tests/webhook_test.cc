// Webhook delivery against a real HTTP receiver on loopback
// (tests/peers/http_receiver.py), which checks signatures with Python's hmac.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "config/time_text.h"
#include "notifiers/payload.h"
#include "notifiers/webhook_transport.h"
#include "tests/peer_process.h"

namespace plazo {
namespace {

namespace json = boost::json;

const std::string kSecret = "whsec_cGxhem8tdGVzdC1zZWNyZXQtZm9yLXdlYmhvb2tz";

Instant Seconds(int64_t s) { return Instant(std::chrono::seconds(s)); }

// A receiver on a free port, logging into a scratch folder.
struct Receiver {
  testing::ScratchDir dir;
  testing::PeerProcess peer;

  Receiver() {
    dir.Write("secret", kSecret + "\n");
    std::string error;
    INFO(error);
    REQUIRE(peer.Start({testing::Python(), testing::PeerScript("http_receiver.py"), "--log",
                        dir.File("requests.jsonl"), "--secret", kSecret},
                       &error));
  }

  Webhook Hook(const std::string& path, Duration timeout = std::chrono::seconds(10)) const {
    Webhook h;
    h.name = "equipo-pil";
    h.url = "http://127.0.0.1:" + std::to_string(peer.port()) + path;
    h.secret_files = {dir.File("secret")};
    h.timeout = timeout;
    return h;
  }

  std::vector<json::value> Requests() const {
    return testing::ReadJsonLines(dir.File("requests.jsonl"));
  }
};

std::unique_ptr<WebhookTransport> Transport(const Webhook& hook) {
  std::string error;
  std::unique_ptr<WebhookTransport> t = WebhookTransport::Create(hook, &error);
  INFO(error);
  REQUIRE(t);
  return t;
}

TEST_CASE(
    "HTTP outcomes: 2xx delivered; 408, 429, 5xx and network errors retried; other 4xx permanent",
    "[webhook]") {
  using O = DeliveryOutcome;
  CHECK(ClassifyHttp(200, CURLE_OK).outcome == O::kDelivered);
  CHECK(ClassifyHttp(204, CURLE_OK).outcome == O::kDelivered);
  CHECK(ClassifyHttp(408, CURLE_OK).outcome == O::kRetry);
  CHECK(ClassifyHttp(429, CURLE_OK).outcome == O::kRetry);
  CHECK(ClassifyHttp(500, CURLE_OK).outcome == O::kRetry);
  CHECK(ClassifyHttp(503, CURLE_OK).outcome == O::kRetry);
  CHECK(ClassifyHttp(400, CURLE_OK).outcome == O::kPermanent);
  CHECK(ClassifyHttp(401, CURLE_OK).outcome == O::kPermanent);
  CHECK(ClassifyHttp(404, CURLE_OK).outcome == O::kPermanent);
  CHECK(ClassifyHttp(410, CURLE_OK).outcome == O::kPermanent);
  CHECK(ClassifyHttp(301, CURLE_OK).outcome == O::kPermanent);
  CHECK(ClassifyHttp(0, CURLE_OPERATION_TIMEDOUT).outcome == O::kRetry);
  CHECK(ClassifyHttp(0, CURLE_COULDNT_CONNECT).outcome == O::kRetry);
  CHECK(ClassifyHttp(0, CURLE_COULDNT_RESOLVE_HOST).outcome == O::kRetry);
  CHECK(ClassifyHttp(0, CURLE_GOT_NOTHING).outcome == O::kRetry);
  CHECK(ClassifyHttp(0, CURLE_RECV_ERROR).outcome == O::kRetry);
  CHECK(ClassifyHttp(0, CURLE_SSL_CONNECT_ERROR).outcome == O::kRetry);
  CHECK(ClassifyHttp(0, CURLE_PEER_FAILED_VERIFICATION).outcome == O::kRetry);
  CHECK(ClassifyHttp(0, CURLE_URL_MALFORMAT).outcome == O::kPermanent);
  CHECK(ClassifyHttp(503, CURLE_OK).detail == "HTTP 503");
}

TEST_CASE("a signed payload reaches the receiver, which verifies the signature with Python's hmac",
          "[webhook]") {
  Receiver receiver;
  auto t = Transport(receiver.Hook("/hooks/equipo-pil"));
  CHECK(t->name() == "equipo-pil");
  Notification n;
  n.id = "ntf_0123456789abcdef";
  n.kind = "test";
  n.destination = "equipo-pil";
  Instant now = Seconds(1796115600);
  std::string body = WebhookPayload(n, now, FindZone("America/Santiago"));
  DeliveryResult r = t->Send(n.id, now, body);
  INFO(r.detail);
  CHECK(r.ok());
  CHECK(r.detail == "webhook equipo-pil: HTTP 200");
  // A retry: the same id, a new timestamp, signed again; on the same
  // kept-alive connection.
  CHECK(t->Send(n.id, now + std::chrono::seconds(90), body).ok());

  std::vector<json::value> requests = receiver.Requests();
  REQUIRE(requests.size() == 2);
  for (const json::value& q : requests) {
    CHECK(q.at("method").as_string() == "POST");
    CHECK(q.at("path").as_string() == "/hooks/equipo-pil");
    CHECK(q.at("signature_ok").as_bool());
    CHECK(q.at("body").as_string() == body);
    const json::object& h = q.at("headers").as_object();
    CHECK(h.at("content-type").as_string() == "application/json");
    CHECK(h.at("webhook-id").as_string() == "ntf_0123456789abcdef");
    CHECK(h.at("webhook-signature").as_string().starts_with("v1,"));
    CHECK(h.at("user-agent").as_string() == "plazo");
    CHECK(h.count("expect") == 0);
  }
  CHECK(requests[0].at("headers").at("webhook-timestamp").as_string() == "1796115600");
  CHECK(requests[1].at("headers").at("webhook-timestamp").as_string() == "1796115690");
  CHECK(requests[0].at("client_port") == requests[1].at("client_port"));
  json::value payload = json::parse(std::string(requests[0].at("body").as_string()));
  CHECK(payload.at("kind").as_string() == "test");
  CHECK(payload.at("id").as_string() == "ntf_0123456789abcdef");
}

TEST_CASE("a payload signed with another secret fails the receiver's check", "[webhook]") {
  Receiver receiver;
  Webhook hook = receiver.Hook("/hooks/x");
  receiver.dir.Write("other", "whsec_b3RoZXItc2VjcmV0\n");
  hook.secret_files = {receiver.dir.File("other")};
  CHECK(Transport(hook)->Send("ntf_1", Seconds(1796115600), "{}").ok());
  REQUIRE(receiver.Requests().size() == 1);
  CHECK_FALSE(receiver.Requests()[0].at("signature_ok").as_bool());
}

TEST_CASE("refusals and failures of the receiver are classified for the outbox", "[webhook]") {
  Receiver receiver;
  struct Case {
    std::string path;
    DeliveryOutcome outcome;
    std::string detail;
  };
  std::vector<Case> cases = {
      {"/status/500", DeliveryOutcome::kRetry, "webhook equipo-pil: HTTP 500: {\"status\": 500}"},
      {"/status/503", DeliveryOutcome::kRetry, "webhook equipo-pil: HTTP 503: {\"status\": 503}"},
      {"/status/429", DeliveryOutcome::kRetry, "webhook equipo-pil: HTTP 429: {\"status\": 429}"},
      {"/status/408", DeliveryOutcome::kRetry, "webhook equipo-pil: HTTP 408: {\"status\": 408}"},
      {"/status/404", DeliveryOutcome::kPermanent,
       "webhook equipo-pil: HTTP 404: {\"status\": 404}"},
      {"/status/400", DeliveryOutcome::kPermanent,
       "webhook equipo-pil: HTTP 400: {\"status\": 400}"},
      {"/status/204", DeliveryOutcome::kDelivered, "webhook equipo-pil: HTTP 204"},
      {"/close", DeliveryOutcome::kRetry, "webhook equipo-pil: Empty reply from server"},
  };
  for (const Case& c : cases) {
    INFO(c.path);
    DeliveryResult r = Transport(receiver.Hook(c.path))->Send("ntf_1", Seconds(1796115600), "{}");
    CHECK(r.outcome == c.outcome);
    CHECK(r.detail == c.detail);
  }
  CHECK(receiver.Requests().size() == cases.size());
}

TEST_CASE("a receiver that never answers times out after the endpoint's timeout, to be retried",
          "[webhook]") {
  Receiver receiver;
  DeliveryResult r = Transport(receiver.Hook("/hang", std::chrono::seconds(1)))
                         ->Send("ntf_1", Seconds(1796115600), "{}");
  CHECK(r.outcome == DeliveryOutcome::kRetry);
  CHECK(r.detail.rfind("webhook equipo-pil: Operation timed out after ", 0) == 0);
}

TEST_CASE("a receiver that is not listening is retried", "[webhook]") {
  Receiver receiver;
  Webhook hook = receiver.Hook("/x");
  auto t = Transport(hook);
  receiver.peer.Stop();  // the port is free now: nothing listens there
  DeliveryResult r = t->Send("ntf_1", Seconds(1796115600), "{}");
  CHECK(r.outcome == DeliveryOutcome::kRetry);
  CHECK(r.detail.rfind("webhook equipo-pil: Failed to connect to 127.0.0.1 port ", 0) == 0);
}

TEST_CASE("ids that could break a header are refused before anything is sent", "[webhook]") {
  Receiver receiver;
  DeliveryResult r = Transport(receiver.Hook("/x"))->Send("ntf_1\r\nX-Evil: 1", Seconds(1), "{}");
  CHECK(r.outcome == DeliveryOutcome::kPermanent);
  CHECK(receiver.Requests().empty());
}

TEST_CASE("the webhook's secret never appears in transport errors", "[webhook]") {
  testing::ScratchDir dir;
  const std::string secret = "whsec_not-base64-at-all!";
  dir.Write("secret", secret);
  Webhook hook;
  hook.name = "equipo";
  hook.url = "http://127.0.0.1:9/x";
  hook.secret_files = {dir.File("secret")};
  std::string error;
  CHECK(WebhookTransport::Create(hook, &error) == nullptr);
  CHECK(error.find("not-base64-at-all") == std::string::npos);
  CHECK(error ==
        "webhook equipo: the secret starts with whsec_ but what follows is not valid base64");
}

}  // namespace
}  // namespace plazo
