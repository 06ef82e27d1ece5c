// Editing a TOML text value by value, the way a person would: each edit
// replaces one value's source text, inserts one key line, or appends lines at
// the end, and every other byte (comments, blank lines, key order, the
// formatting of untouched values) stays as it was. Positions come from
// toml++'s source regions of a parse of the same text. Used by `plazod import
// --update` (store_update.h) to fold a newer report into an edited store file.
#ifndef PLAZO_IMPORT_TOML_EDIT_H_
#define PLAZO_IMPORT_TOML_EDIT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace plazo {

class TomlEditor {
 public:
  // text must be the text the nodes given to Replace and InsertAfter were
  // parsed from, and must outlive the editor.
  explicit TomlEditor(std::string_view text);

  // Replaces the whole source text of value (every line of a multi-line
  // string or array) with toml, which must be one TOML value. Returns false
  // when value's position is not in the text (a node of another parse).
  [[nodiscard]] bool Replace(const toml::node& value, std::string_view toml);
  // Inserts the line "key = toml" right after the line where the value
  // after ends (after its trailing comment). Returns false when after's
  // position is not in the text.
  [[nodiscard]] bool InsertAfter(const toml::node& after, std::string_view key,
                                 std::string_view toml);
  // Appends lines (each ending in "\n") at the end of the text, after one
  // blank line.
  void Append(std::string_view lines);

  // Whether any edit was made.
  [[nodiscard]] bool empty() const { return edits_.empty(); }
  // The text with every edit applied; edits at the same place come out in
  // the order they were made. New lines use the text's own line ending ("\r\n"
  // when its first line ends so). Returns false, with *error set, when two
  // replacements overlap.
  [[nodiscard]] bool Apply(std::string* out, std::string* error) const;

 private:
  struct Edit {
    size_t begin;  // byte offsets in text_: [begin, end) becomes text
    size_t end;
    std::string text;
  };

  // The byte offset of a toml++ position (1-based line, 1-based column in
  // code points), or npos when it is past the text.
  [[nodiscard]] size_t Offset(const toml::source_position& pos) const;
  // Text with "\n" turned into the text's line ending.
  [[nodiscard]] std::string Lines(std::string_view text) const;

  std::string_view text_;
  std::vector<size_t> line_starts_;  // byte offset of each line's first byte
  std::string_view newline_ = "\n";
  std::vector<Edit> edits_;
};

}  // namespace plazo

#endif  // PLAZO_IMPORT_TOML_EDIT_H_
