#include "notifiers/curl_handle.h"

#include "base/utf8.h"

namespace plazo {

CurlEasy NewCurlEasy() {
  // curl_global_init is not thread-safe everywhere; a function-local static
  // runs it exactly once, before the first handle.
  static const bool ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!ready) return nullptr;
  return CurlEasy(curl_easy_init());
}

bool AppendToList(CurlList* list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list->get(), item.c_str());
  if (grown == nullptr) return false;
  // A non-empty list grows in place; an empty one starts at grown.
  if (list->get() == nullptr) list->reset(grown);
  return true;
}

std::string OneLineForLog(std::string_view text, size_t max) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  size_t begin = out.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  out = out.substr(begin, out.find_last_not_of(' ') - begin + 1);
  if (out.size() > max) {
    // Do not cut a UTF-8 character in two.
    out.resize(Utf8Boundary(out, max));
    out += "...";
  }
  return out;
}

}  // namespace plazo
