// The web users of the control unit's pages ([http] users_file): one
// "name:bcrypt-hash" per line, as in Prometheus' web configuration and
// htpasswd -B, with blank lines and '#' comments. Only bcrypt hashes
// ($2a$, $2b$, $2y$) are accepted: `plazod hash-password` prints one.
#ifndef PLAZO_CONFIG_USERS_FILE_H_
#define PLAZO_CONFIG_USERS_FILE_H_

#include <string>
#include <string_view>

#include "config/diagnostics.h"

namespace plazo {

// Parses text, the content of file, into *out. Returns false, with each
// problem at file:line:col in *diags, for a line without ':', an empty or
// blank-holding name, a name given twice, a hash that is not bcrypt, or a
// file without any user.
[[nodiscard]] bool ParseUsersFile(std::string_view text, const std::string& file, WebUsers* out,
                                  Diagnostics* diags);

// ParseUsersFile on the file at path; a file that cannot be read is an
// error at path.
[[nodiscard]] bool LoadUsersFile(const std::string& path, WebUsers* out, Diagnostics* diags);

}  // namespace plazo

#endif  // PLAZO_CONFIG_USERS_FILE_H_
