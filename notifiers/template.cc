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
  // The sections open at pos, innermost last, each with where it opened.
  struct Open {
    Piece* piece;
    size_t offset;
  };
  std::vector<Open> open_sections;
  auto current = [&]() -> std::vector<Piece>& {
    return open_sections.empty() ? t.pieces_ : open_sections.back().piece->children;
  };
  auto in_items = [&] {
    return std::any_of(open_sections.begin(), open_sections.end(),
                       [](const Open& o) { return o.piece->text == kBlockName; });
  };
  std::vector<std::string_view> in_block_names = names.top;
  in_block_names.insert(in_block_names.end(), names.item.begin(), names.item.end());

  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      current().push_back({Piece::kText, std::string(text.substr(pos)), {}});
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
    if (!literal.empty()) current().push_back({Piece::kText, std::string(literal), {}});

    const std::vector<std::string_view>& allowed = in_items() ? in_block_names : names.top;
    if (block_tag) {
      std::string name(Trim(tag.substr(1)));
      bool items = name == kBlockName;
      if (tag.front() == '#') {
        if (items && names.item.empty()) {
          local.Add(PosAt(text, open, file), "this template has no {{#items}} block");
        } else if (items && in_items()) {
          local.Add(PosAt(text, open, file), "{{#items}} inside {{#items}}");
        } else if (!items && !Contains(allowed, name)) {
          local.Add(PosAt(text, open, file),
                    "unknown block '" + std::string(tag) + "': a block is {{#items}} or {{#name}}" +
                        " of a value shown only when it is not empty" + DidYouMean(name, allowed));
        } else {
          current().push_back({Piece::kSection, name, {}});
          open_sections.push_back({&current().back(), open});
        }
      } else if (open_sections.empty() || open_sections.back().piece->text != name) {
        local.Add(PosAt(text, open, file),
                  "{{/" + name + "}} without {{#" + name + "}}" +
                      (open_sections.empty()
                           ? std::string()
                           : " (the open block is {{#" + open_sections.back().piece->text + "}})"));
      } else {
        open_sections.pop_back();
      }
    } else {
      if (tag.empty()) {
        local.Add(PosAt(text, open, file), "empty '{{}}'");
      } else if (!Contains(allowed, tag)) {
        std::string message = "unknown name '" + std::string(tag) + "'";
        std::string hint = DidYouMean(tag, allowed);
        if (hint.empty() && !in_items() && Contains(names.item, tag)) {
          hint = " (it is only known inside {{#items}} ... {{/items}})";
        }
        local.Add(PosAt(text, open, file), message + hint);
      } else {
        current().push_back({Piece::kValue, std::string(tag), {}});
      }
    }
    pos = end;
  }
  for (const Open& o : open_sections) {
    local.Add(PosAt(text, o.offset, file),
              "{{#" + o.piece->text + "}} is never closed by {{/" + o.piece->text + "}}");
  }
  if (!local.empty()) {
    diags->Merge(local);
    return false;
  }
  *out = std::move(t);
  return true;
}

void Template::ExpandPieces(const std::vector<Piece>& pieces, const TemplateValues& values,
                            const TemplateValues* item, const std::vector<TemplateValues>& items,
                            bool html, std::string& out) {
  auto lookup = [&](const std::string& name) -> const std::string* {
    const std::string* v = item != nullptr ? Lookup(*item, name) : nullptr;
    return v != nullptr ? v : Lookup(values, name);
  };
  for (const Piece& p : pieces) {
    switch (p.type) {
      case Piece::kText: out += p.text; break;
      case Piece::kValue:
        if (const std::string* v = lookup(p.text)) out += html ? EscapeHtml(*v) : *v;
        break;
      case Piece::kSection:
        if (p.text == kBlockName) {
          for (const TemplateValues& each : items) {
            ExpandPieces(p.children, values, &each, items, html, out);
          }
        } else if (const std::string* v = lookup(p.text); v != nullptr && !v->empty()) {
          ExpandPieces(p.children, values, item, items, html, out);
        }
        break;
    }
  }
}

std::string Template::Expand(const TemplateValues& values, const std::vector<TemplateValues>& items,
                             bool html) const {
  std::string out;
  ExpandPieces(pieces_, values, nullptr, items, html, out);
  return out;
}

}  // namespace plazo
