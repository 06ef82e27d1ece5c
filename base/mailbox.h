// E-mail address syntax, one grammar for the whole project, so that an
// address that passes `plazod check` cannot fail at send time: the settings
// and the store check IsQualifiedEmailAddress, which is IsEmailAddress plus a
// dotted domain; the SMTP transport, the message builder and send-test check
// IsEmailAddress (through ParseMailbox), which also lets the outbox's own
// sender, "plazo <plazo@localhost>", through.
#ifndef PLAZO_BASE_MAILBOX_H_
#define PLAZO_BASE_MAILBOX_H_

#include <string>
#include <string_view>

namespace plazo {

// An address with an optional display name.
struct Mailbox {
  std::string name;     // may be empty
  std::string address;  // local@domain, passes IsEmailAddress
};

// "a@b.cl" or "a@localhost": one plain address, no display name, no spaces.
// The local part is 1 to 64 characters of letters, digits and
// !#$%&'*+/=?^_`{|}~.- not starting or ending with '.'; the domain is 1 to
// 253 letters, digits, '-' and '.', not starting with '.' or '-', not ending
// with '.', no "..". Quoted local parts and IP literals are not accepted.
[[nodiscard]] bool IsEmailAddress(std::string_view text);

// IsEmailAddress with a dotted domain ("a@b.cl", not "a@localhost"): what an
// admin may write in the settings and the store, where a bare host name is
// a typo far more often than meant.
[[nodiscard]] bool IsQualifiedEmailAddress(std::string_view text);

// Parses "address", "Name <address>" or "\"Name\" <address>" (blanks around
// each piece ignored; in a quoted name a backslash escapes the next
// character). Returns false, leaving *out alone, when the address fails
// IsEmailAddress, a '<' is not closed by a final '>', or the name holds a
// control character (CR and LF included, so a name cannot add a header).
[[nodiscard]] bool ParseMailbox(std::string_view text, Mailbox* out);

}  // namespace plazo

#endif  // PLAZO_BASE_MAILBOX_H_
