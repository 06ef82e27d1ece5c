#include "tests/example_daemon.h"

#include "base/url_form.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace plazo::testing {

ExampleDaemon::ExampleDaemon(const std::string& http_lines, Instant now,
                             const std::string& language) {
  std::ifstream in(std::string(PLAZO_EXAMPLES) + "/plazod.toml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  text.replace(text.find("/var/lib/plazo"), 14, (dir.path / "state").string());
  text.replace(text.find("secrets/"), 8, std::string(PLAZO_EXAMPLES) + "/secrets/");
  text.replace(text.find("language = \"es\""), 15, "language = \"" + language + "\"");
  text += "\n[http]\nlisten = \"127.0.0.1:0\"\n" + http_lines;
  std::filesystem::create_directory(dir.path / "state");  // as plazod run makes it
  ConfigSource source;
  source.settings_path = dir.Write("plazod.toml", text);
  source.store_dir = std::string(PLAZO_EXAMPLES) + "/store";
  Diagnostics diags;
  loaded = LoadConfiguration(source, {}, 0, &diags);
  INFO(diags.ToString());
  REQUIRE(loaded);
  std::string error;
  ledger = Ledger::Open(LedgerPath((dir.path / "state").string()), &error);
  REQUIRE(ledger);
  state.loaded = loaded.get();
  state.ledger = ledger.get();
  state.now = now;
  state.auth = &auth;
  state.enqueued = [this](std::vector<OutboxEntry> entries) {
    for (auto& e : entries) enqueued.push_back(e);
  };
}

HttpResponse ExampleDaemon::Get(const std::string& path, bool local,
                                const std::string& authorization) {
  HttpRequest r;
  r.method = "GET";
  size_t q = path.find('?');
  r.path = path.substr(0, q);
  if (q != std::string::npos) r.query = ParseFormFields(path.substr(q + 1));
  r.client = local ? "127.0.0.1" : "192.0.2.7";
  r.local = local;
  r.authorization = authorization;
  return Route(r, state);
}

}  // namespace plazo::testing
