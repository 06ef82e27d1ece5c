// Owning wrappers for libcurl handles, libcurl's one-time setup, and what
// the two transports (smtp_transport.h, webhook_transport.h) share. Only
// those transports include this header.
#ifndef PLAZO_NOTIFIERS_CURL_HANDLE_H_
#define PLAZO_NOTIFIERS_CURL_HANDLE_H_

#include <memory>
#include <string>
#include <string_view>

#include <curl/curl.h>

namespace plazo {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// A new easy handle, running curl_global_init first once per process
// (thread-safe); nullptr when libcurl cannot be set up.
CurlEasy NewCurlEasy();

// Appends item to *list. Returns false when libcurl is out of memory.
[[nodiscard]] bool AppendToList(CurlList* list, const std::string& item);

// A peer's reply made fit for one log line: control characters become
// spaces, blanks at both ends go, and at most max bytes stay ("..." marks a
// cut).
std::string OneLineForLog(std::string_view text, size_t max);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_CURL_HANDLE_H_
