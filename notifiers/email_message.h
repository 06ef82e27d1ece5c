// Building the bytes of one e-mail (RFC 5322, MIME): a multipart/alternative
// message with a text/plain and a text/html part, UTF-8, quoted-printable,
// CRLF line ends, RFC 2047 encoded Subject.
//
// Why plazo builds the message itself instead of using curl's MIME API
// (curl_mime_*): the outbox must keep the exact bytes of each message (the
// .eml files of the outbox folder, the payload stored in the ledger) and send
// the same bytes, with the same Message-ID and Date, on every retry (SPEC 6).
// curl builds a MIME message only while it uploads it and cannot hand the
// bytes back, and it would pick a new boundary each time. So the message is
// built here once, from values passed in (never the clock), and the SMTP
// transport uploads these bytes as they are (smtp_transport.h).
//
// Header safety: text from the store and the settings never reaches a
// header raw. The subject is RFC 2047 encoded after control characters
// became spaces, addresses must pass ParseMailbox, ids must be plain
// tokens; so a commitment text holding "\r\nBcc: x@y" cannot add a header.
// The bodies are quoted-printable, in which such text stays body text.
#ifndef PLAZO_NOTIFIERS_EMAIL_MESSAGE_H_
#define PLAZO_NOTIFIERS_EMAIL_MESSAGE_H_

#include <string>
#include <string_view>

#include "base/mailbox.h"  // ParseMailbox, the rule addresses must pass
#include "config/model.h"

namespace plazo {

// What one message says, to whom, and when.
struct EmailContent {
  std::string id;                         // the delivery id: Message-ID <id@from-domain>, boundary
  std::string from;                       // a mailbox, "Plazo <plazo@example.gob.cl>"
  std::string to;                         // one address
  std::string subject;                    // UTF-8; control characters become spaces
  std::string text;                       // the text/plain part, UTF-8, '\n' or CRLF line ends
  std::string html;                       // the text/html part, UTF-8
  Instant date{};                         // the Date header
  const date::time_zone* zone = nullptr;  // the Date header's offset; nullptr: UTC
  // RFC 2919 List-Id, so that recipients can filter per program: list_id
  // (a token, base/ids.h) becomes <list_id.from-domain>, after list_name
  // as its phrase. Empty: no List-Id.
  std::string list_id;
  std::string list_name;
};

// Builds the message bytes into *message. Fails, setting *error, when from
// or to is not a mailbox (ParseMailbox), to has a display name, or id or a
// list_id is not a token (IsToken, base/ids.h: letters, digits, '.', '_'
// and '-'). Every message says it was sent automatically, to auto-responders
// (RFC 3834 Auto-Submitted) and to Exchange (X-Auto-Response-Suppress). The
// result depends on content alone: the same content gives the same bytes.
[[nodiscard]] bool BuildEmailMessage(const EmailContent& content, std::string* message, std::string* error);

// The pieces, public for the tests.

// text as RFC 2047 encoded words ("=?UTF-8?Q?...?="), each whole UTF-8
// characters, folded with CRLF SP so that no line exceeds 78 characters
// given that the first line already holds used characters. Printable ASCII
// text without "=?" that fits on the line is returned as it is.
std::string EncodeHeaderText(std::string_view text, size_t used);

// text in quoted-printable (RFC 2045): lines of at most 76 characters, CRLF
// ends, '\n' and CRLF in text become line breaks; a '.' or "From " starting
// a line is encoded too, so the body survives SMTP and mbox tools untouched.
std::string EncodeQuotedPrintable(std::string_view text);

// "Tue, 01 Dec 2026 09:00:00 -0300": t in zone (nullptr: UTC), RFC 5322.
std::string FormatEmailDate(Instant t, const date::time_zone* zone);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_EMAIL_MESSAGE_H_
