// Reading credentials (the SMTP password, webhook secrets) from where the
// settings say they live: a file (systemd's LoadCredential= puts them under
// /run/credentials/) or an environment variable. Settings never hold a
// secret inline (config/settings.cc refuses it).
#ifndef PLAZO_NOTIFIERS_SECRET_H_
#define PLAZO_NOTIFIERS_SECRET_H_

#include <string>

namespace plazo {

// Reads the secret from the file at path, or, when path is empty, from the
// environment variable env. A file's bytes are taken without one trailing
// newline ("\n" or "\r\n"), so that `echo secret > file` works.
//
// Returns false and sets *error when both or neither source is given, the
// file cannot be read (missing, a folder, no permission, over 64 KiB), the
// variable is unset, or the secret is empty. *error names the file or the
// variable and the reason, and never contains any of the secret's bytes.
[[nodiscard]] bool LoadSecret(const std::string& path, const std::string& env, std::string* secret,
                std::string* error);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_SECRET_H_
