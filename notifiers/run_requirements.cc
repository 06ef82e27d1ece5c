#include "notifiers/run_requirements.h"

#include <sys/stat.h>

#include <cerrno>
#include <string>
#include <string_view>

#include <curl/curl.h>

#include "notifiers/secret.h"
#include "notifiers/signing.h"

namespace plazo {
namespace {

// Where systemd's LoadCredential= puts secrets: a folder that exists only
// while the service runs (and only its user may enter).
constexpr std::string_view kCredentialsDir = "/run/credentials/";

// Checks the secret file at path, named by the value at pos. whsec is true
// for webhook secrets, whose "whsec_" form must be valid base64.
bool CheckSecretFile(const std::string& path, const SourcePos& pos, bool whsec,
                     Diagnostics* diags) {
  struct stat st;
  bool found = ::stat(path.c_str(), &st) == 0;
  if (!found && path.rfind(kCredentialsDir, 0) == 0 &&
      (errno == ENOENT || errno == ENOTDIR || errno == EACCES)) {
    diags->Warn(pos, path +
                         " is a systemd credential (LoadCredential=), checked only when the"
                         " service starts");
    return true;
  }
  std::string secret, key, error;
  if (!LoadSecret(path, "", &secret, &error)) {
    diags->Add(pos, error);
    return false;
  }
  if (whsec && !WebhookKeyFromSecret(secret, &key, &error)) {
    diags->Add(pos, "secret file " + path + ": " + error);
    return false;
  }
  // A secret others can read is a leak waiting, but not a reason to refuse
  // to run: the admin decides.
  if (found && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    diags->Warn(pos, "secret file " + path + " is readable by other users; chmod 600");
  }
  return true;
}

// Checks url, named by the value at pos, the way the transports hand it to
// libcurl. The settings loader has checked the scheme and that a host
// follows it.
bool CheckUrl(const std::string& url, const SourcePos& pos, Diagnostics* diags) {
  // libcurl reports a line break as a "bad path" or "bad hostname"; name it.
  if (url.find_first_of("\r\n") != std::string::npos) {
    diags->Add(pos, "'url' contains a line break (CR or LF)");
    return false;
  }
  CURLU* handle = curl_url();
  if (handle == nullptr) {
    diags->Add(pos, "'url' cannot be checked: out of memory");
    return false;
  }
  // Flags 0: a scheme is required (no guessing, no default) and must be one
  // this libcurl was built to speak; the URL is taken as written, not
  // re-encoded, as CURLOPT_URL takes it.
  CURLUcode rc = curl_url_set(handle, CURLUPART_URL, url.c_str(), 0);
  // libcurl takes port 0 as written, but nothing can be reached there.
  char* port = nullptr;
  bool port_zero = rc == CURLUE_OK && curl_url_get(handle, CURLUPART_PORT, &port, 0) == CURLUE_OK &&
                   std::string_view(port) == "0";
  curl_free(port);
  bool ok = rc == CURLUE_OK && !port_zero;
  if (rc == CURLUE_BAD_PORT_NUMBER || port_zero) {
    diags->Add(pos, "'url' port must be a number from 1 to 65535: \"" + url + "\"");
  } else if (rc != CURLUE_OK) {
    diags->Add(pos, "'url' is not a valid URL (" + std::string(curl_url_strerror(rc)) + "): \"" +
                        url + "\"");
  }
  curl_url_cleanup(handle);
  return ok;
}

}  // namespace

bool CheckRunRequirements(const Settings& settings, Diagnostics* diags) {
  bool ok = true;
  if (settings.email) {
    const EmailSettings& e = *settings.email;
    if (!e.url.empty()) ok = CheckUrl(e.url, e.url_pos, diags) && ok;
    if (!e.password_file.empty()) {
      ok = CheckSecretFile(e.password_file, e.password_file_pos, false, diags) && ok;
    }
  }
  for (const auto& [name, hook] : settings.webhooks) {
    if (!hook.url.empty()) ok = CheckUrl(hook.url, hook.url_pos, diags) && ok;
    for (const std::string& file : hook.secret_files) {
      ok = CheckSecretFile(file, hook.secret_file_pos, true, diags) && ok;
    }
  }
  return ok;
}

}  // namespace plazo
