// The bundled example as the daemon runs it with [http]: the configuration
// loaded (link keys and users included), a ledger in a scratch state
// folder, and the DaemonState the HTTP routes read, for tests of the pages.
#ifndef PLAZO_TESTS_EXAMPLE_DAEMON_H_
#define PLAZO_TESTS_EXAMPLE_DAEMON_H_

#include <memory>
#include <string>
#include <vector>

#include "daemon/http_routes.h"
#include "daemon/loaded_config.h"
#include "daemon/web_auth.h"
#include "ledger/ledger.h"
#include "tests/test_util.h"

namespace plazo::testing {

struct ExampleDaemon {
  // http_lines are added to the [http] section (listen is set); now is the
  // routes' clock; language replaces [daemon] language. Fails the test when
  // the configuration does not load.
  ExampleDaemon(const std::string& http_lines, Instant now, const std::string& language = "es");

  // A GET of path from a local client (127.0.0.1) or a remote one
  // (192.0.2.7), with an Authorization header when authorization is set.
  HttpResponse Get(const std::string& path, bool local = false,
                   const std::string& authorization = "");

  TempDir dir;
  std::shared_ptr<LoadedConfig> loaded;
  std::unique_ptr<Ledger> ledger;
  WebAuth auth;
  DaemonState state;
  std::vector<OutboxEntry> enqueued;  // what the routes handed to the sender
};

}  // namespace plazo::testing

#endif  // PLAZO_TESTS_EXAMPLE_DAEMON_H_
