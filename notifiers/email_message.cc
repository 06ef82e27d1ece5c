#include "notifiers/email_message.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <date/tz.h>

#include "base/ids.h"
#include "base/text.h"
#include "base/utf8.h"

namespace plazo {
namespace {

constexpr size_t kMaxHeaderLine = 78;   // RFC 5322 2.1.1's "SHOULD"
constexpr size_t kMaxEncodedWord = 75;  // RFC 2047 2
constexpr std::string_view kWordStart = "=?UTF-8?Q?";
constexpr std::string_view kWordEnd = "?=";

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// RFC 5322 atext, plus the space between words of a display name.
bool IsAtextOrSpace(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-/=?^_`{|}~ ").find(c) != std::string_view::npos;
}

// For error messages: the text on one line, without control characters.
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) out += IsControl(static_cast<unsigned char>(c)) ? ' ' : c;
  return out + "\"";
}

// One character in RFC 2047 Q encoding. In a phrase (a display name) only
// letters, digits and !*+-/ may stand for themselves (RFC 2047 5(3)); in
// unstructured text (Subject) any printable character but = ? _ may, which
// keeps "[plazo]" readable in the raw message.
std::string QEncode(std::string_view ch, bool phrase) {
  std::string out;
  for (char c : ch) {
    unsigned char u = static_cast<unsigned char>(c);
    bool literal = phrase ? (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
                                c == '-' || c == '/'
                          : u > 0x20 && u < 0x7f && c != '=' && c != '?' && c != '_';
    if (literal) {
      out += c;
    } else if (c == ' ') {
      out += '_';
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "=%02X", u);
      out += hex;
    }
  }
  return out;
}

// text as RFC 2047 encoded words, folded (EncodeHeaderText); phrase as for
// QEncode.
std::string EncodeWords(std::string_view text, size_t used, bool phrase) {
  const size_t overhead = kWordStart.size() + kWordEnd.size();
  auto budget_for = [&](size_t line_used) {
    size_t room = kMaxHeaderLine > line_used ? kMaxHeaderLine - line_used : 0;
    room = std::min(room, kMaxEncodedWord);
    // At least one encoded character (a 4-byte UTF-8 one is 12 characters).
    return std::max(room > overhead ? room - overhead : 0, size_t{12});
  };
  std::vector<std::string> words;
  std::string current;
  size_t budget = budget_for(used);
  for (size_t i = 0; i < text.size();) {
    // One character per step (one byte of broken UTF-8), so that no encoded
    // word ends inside a character.
    size_t start = i;
    (void)NextCodePoint(text, &i);
    std::string encoded = QEncode(text.substr(start, i - start), phrase);
    if (!current.empty() && current.size() + encoded.size() > budget) {
      words.push_back(std::move(current));
      current.clear();
      budget = budget_for(1);  // continuation lines start with one space
    }
    current += encoded;
  }
  words.push_back(std::move(current));
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += "\r\n ";
    out.append(kWordStart).append(words[i]).append(kWordEnd);
  }
  return out;
}

// A display name that needs encoded words, as a phrase starting after used
// characters: words that are atoms stay as they are, and each run of words
// that are not becomes encoded words with its inner spaces encoded too, so
// the result reads the same whether or not a decoder drops the whitespace
// between adjacent encoded words (RFC 2047 says drop it; Python's address
// parser, for one, keeps it). Folded at spaces under 78 characters.
std::string EncodePhrase(std::string_view name, size_t used) {
  struct Piece {
    std::string text;
    bool encoded;
  };
  std::vector<Piece> pieces;
  size_t i = 0;
  while (i < name.size()) {
    while (i < name.size() && name[i] == ' ') ++i;
    size_t end = name.find(' ', i);
    if (end == std::string_view::npos) end = name.size();
    if (end == i) break;
    std::string_view word = name.substr(i, end - i);
    bool atom =
        std::all_of(word.begin(), word.end(), [](char c) { return c != ' ' && IsAtextOrSpace(c); });
    if (!atom && !pieces.empty() && pieces.back().encoded) {
      pieces.back().text += " " + std::string(word);
    } else {
      pieces.push_back({std::string(word), !atom});
    }
    i = end;
  }
  std::string out;
  size_t line = used;
  for (const Piece& p : pieces) {
    bool first = out.empty();
    // Room for the piece, or for one encoded character of it, on this line.
    size_t needed = p.encoded ? kWordStart.size() + kWordEnd.size() + 12 : p.text.size();
    if (!first && line + 1 + needed > kMaxHeaderLine) {
      out += "\r\n";
      line = 0;
    }
    if (!first) {
      out += ' ';
      ++line;
    }
    std::string text = p.encoded ? EncodeWords(p.text, line, true) : p.text;
    size_t last_break = text.rfind('\n');
    line = last_break == std::string::npos ? line + text.size() : text.size() - last_break - 1;
    out += text;
  }
  return out;
}

// The From header's value: the display name as atoms, a quoted string or
// encoded words, then the address, folded before "<" when too long.
std::string FromHeader(const Mailbox& m) {
  const std::string prefix = "From: ";
  if (m.name.empty()) return prefix + m.address;
  std::string name;
  bool ascii = std::all_of(m.name.begin(), m.name.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f;
  });
  if (std::all_of(m.name.begin(), m.name.end(), IsAtextOrSpace)) {
    name = m.name;
  } else if (ascii) {
    name = "\"";
    for (char c : m.name) {
      if (c == '"' || c == '\\') name += '\\';
      name += c;
    }
    name += "\"";
  } else {
    name = EncodePhrase(m.name, prefix.size());
  }
  std::string address = "<" + m.address + ">";
  size_t last_line = name.rfind('\n');
  size_t used =
      last_line == std::string::npos ? prefix.size() + name.size() : name.size() - last_line - 1;
  if (used + 1 + address.size() > kMaxHeaderLine) return prefix + name + "\r\n " + address;
  return prefix + name + " " + address;
}

}  // namespace

std::string EncodeHeaderText(std::string_view text, size_t used) {
  bool plain = used + text.size() <= kMaxHeaderLine && text.find("=?") == std::string_view::npos &&
               std::all_of(text.begin(), text.end(), [](char c) {
                 unsigned char u = static_cast<unsigned char>(c);
                 return u >= 0x20 && u < 0x7f;
               });
  return plain ? std::string(text) : EncodeWords(text, used, false);
}

std::string EncodeQuotedPrintable(std::string_view text) {
  constexpr size_t kMaxLine = 76;
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t line = 0;  // characters on the current output line
  auto put = [&](std::string_view token) {
    // Keep room for the '=' of a soft line break.
    if (line + token.size() > kMaxLine - 1) {
      out += "=\r\n";
      line = 0;
    }
    out += token;
    line += token.size();
  };
  auto hex = [](unsigned char c) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "=%02X", c);
    return std::string(buf);
  };
  size_t i = 0;
  while (i < text.size()) {
    // One input line, without its line end.
    size_t end = i;
    while (end < text.size() && text[end] != '\n') ++end;
    size_t content_end = end;
    if (content_end > i && text[content_end - 1] == '\r') --content_end;
    for (size_t j = i; j < content_end; ++j) {
      unsigned char c = static_cast<unsigned char>(text[j]);
      // Break first when even a literal character would not fit, so that
      // "at the start of a line" below is known.
      if (line + 1 > kMaxLine - 1) {
        out += "=\r\n";
        line = 0;
      }
      bool at_start = line == 0;
      if (c == ' ' || c == '\t') {
        // Blanks at the end of a line would be stripped in transit.
        put(j + 1 == content_end ? hex(c) : std::string(1, static_cast<char>(c)));
      } else if (c == '.' && at_start) {
        put(hex(c));  // a lone "." line ends SMTP's DATA
      } else if (c == 'F' && at_start && text.substr(j, 5) == "From ") {
        put(hex(c));  // mbox tools would turn it into ">From "
      } else if (c == '=' || c < 0x20 || c >= 0x7f) {
        put(hex(c));
      } else {
        put(std::string(1, static_cast<char>(c)));
      }
    }
    if (end < text.size()) {
      out += "\r\n";
      line = 0;
      i = end + 1;
    } else {
      i = end;
    }
  }
  return out;
}

std::string FormatEmailDate(Instant t, const date::time_zone* zone) {
  std::chrono::seconds offset{0};
  if (zone != nullptr) offset = zone->get_info(t).offset;
  auto local = t + offset;
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  date::hh_mm_ss<std::chrono::seconds> time{local - day};
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  long minutes = static_cast<long>(offset.count() / 60);
  char sign = minutes < 0 ? '-' : '+';
  if (minutes < 0) minutes = -minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d %c%02ld%02ld",
                kDays[date::weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()), sign, minutes / 60, minutes % 60);
  return buf;
}

bool BuildEmailMessage(const EmailContent& content, std::string* message, std::string* error) {
  Mailbox from, to;
  if (!ParseMailbox(content.from, &from)) {
    *error = "the sender " + Quoted(content.from) + " is not an e-mail address";
    return false;
  }
  if (!ParseMailbox(content.to, &to) || !to.name.empty()) {
    *error = "the recipient " + Quoted(content.to) + " is not a plain e-mail address";
    return false;
  }
  if (!content.list_id.empty() && !IsToken(content.list_id)) {
    *error =
        "the list id " + Quoted(content.list_id) + " must be letters, digits, '.', '_' and '-'";
    return false;
  }
  if (!IsToken(content.id)) {
    *error = "the delivery id " + Quoted(content.id) + " must be letters, digits, '.', '_' and '-'";
    return false;
  }
  std::string subject;
  for (char c : content.subject) subject += IsControl(static_cast<unsigned char>(c)) ? ' ' : c;
  std::string_view trimmed = Trim(subject);
  const std::string domain = from.address.substr(from.address.find('@') + 1);
  // "=_" cannot occur in quoted-printable output, so no part can hold the
  // boundary by accident.
  const std::string boundary = "=_plazo_" + content.id;

  std::string m;
  m.reserve(1024 + content.text.size() * 2 + content.html.size() * 2);
  m += "Date: " + FormatEmailDate(content.date, content.zone) + "\r\n";
  m += FromHeader(from) + "\r\n";
  m += "To: " + to.address + "\r\n";
  m += "Subject: " + EncodeHeaderText(trimmed, 9) + "\r\n";
  m += "Message-ID: <" + content.id + "@" + domain + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  // RFC 3834: tells auto-responders (vacation replies) not to answer.
  m += "Auto-Submitted: auto-generated\r\n";
  // Exchange and Outlook: no out-of-office or delivery replies either.
  m += "X-Auto-Response-Suppress: All\r\n";
  if (!content.list_id.empty()) {
    std::string name;
    for (char c : content.list_name) name += IsControl(static_cast<unsigned char>(c)) ? ' ' : c;
    std::string_view phrase = Trim(name);
    m += "List-Id: " + (phrase.empty() ? std::string() : EncodeHeaderText(phrase, 9) + " ") + "<" +
         content.list_id + "." + domain + ">\r\n";
  }
  m += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  m += "\r\n";
  m += "This is a MIME message: a plain text and an HTML version of the same text.\r\n";
  m += "\r\n--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  m += EncodeQuotedPrintable(content.text);
  m += "\r\n--" + boundary + "\r\n";
  m += "Content-Type: text/html; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  m += EncodeQuotedPrintable(content.html);
  m += "\r\n--" + boundary + "--\r\n";
  *message = std::move(m);
  return true;
}

}  // namespace plazo
