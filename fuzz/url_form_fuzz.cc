// ParseFormFields (base/url_form.h) on anything a client can POST to /ack/
// or put in a query string. Aborts on a crash, on a field without a name,
// or when encoding the fields and parsing them again does not give them back.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/url_form.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto fields = plazo::ParseFormFields(text);
  std::string again;
  for (const auto& [name, value] : fields) {
    if (name.empty()) std::abort();
    if (!again.empty()) again += '&';
    again += plazo::PercentEncode(name) + "=" + plazo::PercentEncode(value);
  }
  if (plazo::ParseFormFields(again) != fields) std::abort();
  // A path is decoded without '+' rules: the same bytes come back encoded.
  std::string path = plazo::PercentDecode(text, false);
  if (plazo::PercentDecode(plazo::PercentEncode(path), false) != path) std::abort();
  return 0;
}
