// The encodings of URLs and HTML forms (RFC 3986 percent-encoding,
// application/x-www-form-urlencoded), as the HTTP listener receives them
// from anyone.
#ifndef PLAZO_BASE_URL_FORM_H_
#define PLAZO_BASE_URL_FORM_H_

#include <map>
#include <string>
#include <string_view>

namespace plazo {

// text with each %XX replaced by its byte, and '+' by a space when
// plus_is_space (forms and query strings, not paths). An escape that is not
// '%' and two hex digits stays as written; never fails. The result is bytes,
// not necessarily UTF-8.
std::string PercentDecode(std::string_view text, bool plus_is_space);

// text with every byte but the unreserved ones (A-Z a-z 0-9 - . _ ~) as %XX.
std::string PercentEncode(std::string_view text);

// The name=value pairs of a query string or form body ("a=1&b=x+y"), each
// decoded with PercentDecode(.., true); a repeated name keeps the last value,
// a pair without a name is dropped, a pair without '=' has an empty value.
std::map<std::string, std::string> ParseFormFields(std::string_view text);

}  // namespace plazo

#endif  // PLAZO_BASE_URL_FORM_H_
