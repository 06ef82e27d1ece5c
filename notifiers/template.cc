#include "notifiers/template.h"

#include <algorithm>

#include "base/text.h"

namespace plazo {
namespace {

constexpr std::string_view kBlockName = "items";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool Contains(const std::vector<std::string_view>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// The 1-based line and column of offset in text, for diagnostics.
SourcePos PosAt(std::string_view text, size_t offset, const std::string& file) {
  SourcePos pos{file, 1, 1};
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      line_start = i + 1;
    }
  }
  pos.column = static_cast<int>(offset - line_start) + 1;
  return pos;
}

const std::string* Lookup(const TemplateValues& values, std::string_view name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

bool Template::Parse(std::string_view text, const std::string& file, const TemplateNames& names,
                     Template* out, Diagnostics* diags) {
  Template t;
  Diagnostics local;
  std::vector<Piece>* current = &t.pieces_;
  size_t block_open = std::string_view::npos;  // offset of an open {{#items}}
  std::vector<std::string_view> in_block_names = names.top;
  in_block_names.insert(in_block_names.end(), names.item.begin(), names.item.end());

  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      current->push_back({Piece::kText, std::string(text.substr(pos))});
      break;
    }
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      local.Add(PosAt(text, open, file), "'{{' without a closing '}}'");
      break;
    }
    std::string_view literal = text.substr(pos, open - pos);
    std::string_view tag = Trim(text.substr(open + 2, close - open - 2));
    size_t end = close + 2;
    bool block_tag = !tag.empty() && (tag.front() == '#' || tag.front() == '/');
    if (block_tag) {
      // A block tag alone on its line takes the line with it.
      size_t line_start = literal.rfind('\n');
      line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
      bool starts_line = (line_start > 0 || pos == 0 || text[pos - 1] == '\n') &&
                         std::all_of(literal.begin() + line_start, literal.end(), IsBlank);
      size_t after = end;
      while (after < text.size() && IsBlank(text[after])) ++after;
      bool ends_line = after == text.size() || text[after] == '\n';
      if (starts_line && ends_line) {
        literal = literal.substr(0, line_start);
        end = after == text.size() ? after : after + 1;
      }
    }
    if (!literal.empty()) current->push_back({Piece::kText, std::string(literal)});

    if (block_tag) {
      std::string_view name = Trim(tag.substr(1));
      if (name != kBlockName) {
        local.Add(PosAt(text, open, file), "unknown block '" + std::string(tag) +
                                               "': the only block is {{#items}} ... {{/items}}");
      } else if (names.item.empty()) {
        local.Add(PosAt(text, open, file), "this template has no {{#items}} block");
      } else if (tag.front() == '#') {
        if (block_open != std::string_view::npos) {
          local.Add(PosAt(text, open, file), "{{#items}} inside {{#items}}");
        } else {
          block_open = open;
          current = &t.block_;
        }
      } else if (block_open == std::string_view::npos) {
        local.Add(PosAt(text, open, file), "{{/items}} without {{#items}}");
      } else {
        block_open = std::string_view::npos;
        current = &t.pieces_;
        t.pieces_.push_back({Piece::kBlock, std::string(kBlockName)});
      }
    } else {
      const std::vector<std::string_view>& allowed =
          block_open != std::string_view::npos ? in_block_names : names.top;
      if (tag.empty()) {
        local.Add(PosAt(text, open, file), "empty '{{}}'");
      } else if (!Contains(allowed, tag)) {
        std::string message = "unknown name '" + std::string(tag) + "'";
        std::string hint = DidYouMean(tag, allowed);
        if (hint.empty() && block_open == std::string_view::npos && Contains(names.item, tag)) {
          hint = " (it is only known inside {{#items}} ... {{/items}})";
        }
        local.Add(PosAt(text, open, file), message + hint);
      } else {
        current->push_back({Piece::kValue, std::string(tag)});
      }
    }
    pos = end;
  }
  if (block_open != std::string_view::npos) {
    local.Add(PosAt(text, block_open, file), "{{#items}} is never closed by {{/items}}");
  }
  if (!local.empty()) {
    diags->Merge(local);
    return false;
  }
  *out = std::move(t);
  return true;
}

std::string Template::Expand(const TemplateValues& values, const std::vector<TemplateValues>& items,
                             bool html) const {
  std::string out;
  auto put = [&](const std::string* value) {
    if (value == nullptr) return;
    out += html ? EscapeHtml(*value) : *value;
  };
  for (const Piece& p : pieces_) {
    switch (p.type) {
      case Piece::kText: out += p.text; break;
      case Piece::kValue: put(Lookup(values, p.text)); break;
      case Piece::kBlock:
        for (const TemplateValues& item : items) {
          for (const Piece& b : block_) {
            if (b.type == Piece::kText) {
              out += b.text;
            } else {
              const std::string* v = Lookup(item, b.text);
              put(v != nullptr ? v : Lookup(values, b.text));
            }
          }
        }
        break;
    }
  }
  return out;
}

}  // namespace plazo
