// What `plazod run` needs from the world beyond the settings text: secret
// files that can be read and URLs that libcurl accepts. config/ validates the
// settings as text and may use neither libcurl nor the state of the file
// system, so these checks live here and `plazod check` adds them to its pass.
#ifndef PLAZO_NOTIFIERS_RUN_REQUIREMENTS_H_
#define PLAZO_NOTIFIERS_RUN_REQUIREMENTS_H_

#include "config/diagnostics.h"
#include "config/model.h"

namespace plazo {

// Checks, for settings as loaded (even partly, LoadSettingsBestEffort):
// - every secret file ([email] password_file, [webhook.NAME] secret_file)
//   exists, is a regular readable file and not empty (LoadSecret, secret.h),
//   and a webhook secret written "whsec_..." is valid base64
//   (WebhookKeyFromSecret, signing.h);
// - every URL ([email] url, [webhook.NAME] url) parses with libcurl's URL
//   API, has no CR or LF, and names a host and a port in 1..65535.
// Each problem is added to diags as an error at the position of the value
// that names it. Warnings: a secret file readable by group or others, and a
// missing file under /run/credentials/ (systemd's LoadCredential= creates it
// only inside the service, so outside it cannot be checked). A URL the
// settings loader already rejected (scheme, no host) is left empty there and
// not checked again. Secret environment variables are not checked: the
// service's environment is not the shell's. Returns true when no error was
// added.
[[nodiscard]] bool CheckRunRequirements(const Settings& settings, Diagnostics* diags);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_RUN_REQUIREMENTS_H_
