// A Transport for tests (ninja's FakeCommandRunner is the model): it sends
// nothing, records every Start, and answers a delivery only when the test
// says so, so that a test holds transfers in flight as long as it likes.
#ifndef PLAZO_TESTS_FAKE_TRANSPORT_H_
#define PLAZO_TESTS_FAKE_TRANSPORT_H_

#include <string>
#include <vector>

#include "dispatch/transport.h"

namespace plazo::testing {

class FakeTransport : public Transport {
 public:
  struct Call {
    Outgoing message;
    Instant at;
    Done done;
  };

  // one_peer: every destination is the same peer (like e-mail's relay).
  explicit FakeTransport(bool one_peer = false) : one_peer_(one_peer) {}

  std::string PeerOf(std::string_view destination) const override {
    return one_peer_ ? "relay" : std::string(destination);
  }

  void Start(Outgoing message, Instant now, Done done) override {
    started.push_back(message.id);
    open.push_back(Call{std::move(message), now, std::move(done)});
  }

  // Answers the open call for id (the oldest when i is not given).
  void Answer(const std::string& id, DeliveryOutcome outcome, std::string detail = "") {
    for (auto it = open.begin(); it != open.end(); ++it) {
      if (it->message.id != id) continue;
      Done done = std::move(it->done);
      open.erase(it);
      done(DeliveryResult{outcome, std::move(detail)});
      return;
    }
    throw std::logic_error("no open call for " + id);
  }

  // Answers every open call with outcome.
  void AnswerAll(DeliveryOutcome outcome, std::string detail = "") {
    while (!open.empty()) Answer(open.front().message.id, outcome, detail);
  }

  // The ids of the open calls to destination.
  size_t OpenTo(const std::string& destination) const {
    size_t n = 0;
    for (const Call& c : open) n += c.message.destination == destination;
    return n;
  }

  std::vector<std::string> started;  // every id started, in order
  std::vector<Call> open;            // started, not yet answered

 private:
  bool one_peer_;
};

}  // namespace plazo::testing

#endif  // PLAZO_TESTS_FAKE_TRANSPORT_H_
