// The spellings of identifiers: store ids, delivery ids, and ids that become
// file names. Each rule is a plain character check, so that an id can go
// into a TOML key, a mail header or a path without escaping.
#ifndef PLAZO_BASE_IDS_H_
#define PLAZO_BASE_IDS_H_

#include <string_view>

namespace plazo {

// A lowercase slug, the program, schedule and webhook ids of the settings and
// store: 1 to 100 characters, [a-z0-9] first, then [a-z0-9._-]. False for
// anything else (uppercase, spaces, accents, empty).
[[nodiscard]] bool IsSlug(std::string_view text);

// A delivery id as it goes into a Message-ID, a MIME boundary or a webhook
// header: 1 to 200 letters (either case), digits, '.', '_' and '-'. False
// for anything else.
[[nodiscard]] bool IsToken(std::string_view text);

// A token (IsToken) that is also safe as a file name in a folder shared with
// other tools: not starting with '.', so never ".", ".." or a hidden file.
[[nodiscard]] bool IsSafeFileName(std::string_view text);

}  // namespace plazo

#endif  // PLAZO_BASE_IDS_H_
