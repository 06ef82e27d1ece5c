// The template language of plazo's messages (templates/README.md), kept
// minimal on purpose so that an admin can read and change a template without
// learning a language: {{name}} is replaced by a value, the block
// {{#items}} ... {{/items}} is repeated once per commitment, and a block
// {{#name}} ... {{/name}} of a value is shown only when that value is not
// empty (a link that only exists when [http] public_url is set). No else,
// no loops besides items, no expressions: what varies by case (singular or
// plural, kind of alert) comes in as ready-made values.
#ifndef PLAZO_NOTIFIERS_TEMPLATE_H_
#define PLAZO_NOTIFIERS_TEMPLATE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"

namespace plazo {

// Values by name, for Template::Expand.
using TemplateValues = std::map<std::string, std::string, std::less<>>;

// The names a template may use, checked when it is parsed so that a typo in
// an admin's template is an error at load time, not an empty hole in a sent
// message.
struct TemplateNames {
  std::vector<std::string_view> top;   // outside the items block
  std::vector<std::string_view> item;  // inside it; empty: no block allowed
};

// A parsed template. A default-constructed Template expands to "".
class Template {
 public:
  // Parses text, read from file (used in messages only). Every problem is
  // added to diags as file:line:col: an unknown name (with a "did you mean"
  // hint), a "{{" without "}}", a block of an unknown name, items inside
  // items, an unclosed or stray block end, items where names.item is
  // empty. Returns true, and only then replaces *out, when there was none.
  //
  // A block tag alone on its line ("{{#items}}" with nothing but blanks
  // around it) takes the whole line with it, so templates can put block tags
  // on lines of their own without leaving blank lines in the output.
  [[nodiscard]] static bool Parse(std::string_view text, const std::string& file, const TemplateNames& names,
                    Template* out, Diagnostics* diags);

  // The text with each {{name}} replaced by values[name] (nothing when it is
  // absent), the items block expanded once per element of items, in order,
  // with that element's values (falling back to values for names it lacks),
  // and each {{#name}} block kept when name's value is not empty. With
  // html, every substituted value is HTML-escaped; the template's own text
  // is copied as it is.
  std::string Expand(const TemplateValues& values, const std::vector<TemplateValues>& items,
                     bool html) const;

  // Expand without a block: for one-line phrases.
  std::string Expand(const TemplateValues& values) const { return Expand(values, {}, false); }

 private:
  struct Piece {
    enum Type { kText, kValue, kSection } type = kText;
    std::string text;             // the literal text, or the value's or section's name
    std::vector<Piece> children;  // a section's content
  };

  // Appends pieces expanded to out; item is the element of items being
  // repeated, or nullptr outside {{#items}}.
  static void ExpandPieces(const std::vector<Piece>& pieces, const TemplateValues& values,
                           const TemplateValues* item, const std::vector<TemplateValues>& items,
                           bool html, std::string& out);

  std::vector<Piece> pieces_;
};

// text with &, <, >, " and ' replaced by HTML entities.
std::string EscapeHtml(std::string_view text);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_TEMPLATE_H_
