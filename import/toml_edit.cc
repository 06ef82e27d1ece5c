#include "import/toml_edit.h"

#include <algorithm>

namespace plazo {

TomlEditor::TomlEditor(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
  if (line_starts_.size() > 1 && line_starts_[1] >= 2 && text[line_starts_[1] - 2] == '\r') {
    newline_ = "\r\n";
  }
}

size_t TomlEditor::Offset(const toml::source_position& pos) const {
  if (pos.line < 1 || pos.line > line_starts_.size() || pos.column < 1) return std::string::npos;
  size_t at = line_starts_[pos.line - 1];
  for (size_t column = 1; column < pos.column; ++column) {
    if (at >= text_.size() || text_[at] == '\n') return std::string::npos;
    ++at;
    // The rest of a UTF-8 sequence: toml++ counts code points.
    while (at < text_.size() && (static_cast<unsigned char>(text_[at]) & 0xC0) == 0x80) ++at;
  }
  return at;
}

std::string TomlEditor::Lines(std::string_view text) const {
  if (newline_ == "\n") return std::string(text);
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += newline_;
    } else {
      out += c;
    }
  }
  return out;
}

bool TomlEditor::Replace(const toml::node& value, std::string_view toml) {
  size_t begin = Offset(value.source().begin);
  size_t end = Offset(value.source().end);
  if (begin == std::string::npos || end == std::string::npos || end < begin) return false;
  edits_.push_back(Edit{begin, end, std::string(toml)});
  return true;
}

bool TomlEditor::InsertAfter(const toml::node& after, std::string_view key, std::string_view toml) {
  size_t end = Offset(after.source().end);
  if (end == std::string::npos) return false;
  std::string line = std::string(key) + " = " + std::string(toml) + "\n";
  size_t nl = text_.find('\n', end);
  if (nl == std::string_view::npos) {
    edits_.push_back(Edit{text_.size(), text_.size(), Lines("\n" + line)});
  } else {
    edits_.push_back(Edit{nl + 1, nl + 1, Lines(line)});
  }
  return true;
}

void TomlEditor::Append(std::string_view lines) {
  std::string text;
  if (!text_.empty() && text_.back() != '\n') text += '\n';
  bool blank_before = text_.empty() ||
                      (text_.size() >= 2 && text_.substr(text_.size() - 2) == "\n\n") ||
                      (text_.size() >= 4 && text_.substr(text_.size() - 4) == "\r\n\r\n");
  if (!blank_before) text += '\n';
  text += lines;
  edits_.push_back(Edit{text_.size(), text_.size(), Lines(text)});
}

bool TomlEditor::Apply(std::string* out, std::string* error) const {
  std::vector<const Edit*> order;
  order.reserve(edits_.size());
  for (const Edit& e : edits_) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(),
                   [](const Edit* a, const Edit* b) { return a->begin < b->begin; });
  std::string result;
  result.reserve(text_.size() + 256);
  size_t copied = 0;
  for (const Edit* e : order) {
    if (e->begin < copied) {
      *error = "two edits overlap at byte " + std::to_string(e->begin);
      return false;
    }
    result.append(text_.substr(copied, e->begin - copied));
    result += e->text;
    copied = e->end;
  }
  result.append(text_.substr(copied));
  *out = std::move(result);
  return true;
}

}  // namespace plazo
