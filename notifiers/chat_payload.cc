#include "notifiers/chat_payload.h"

#include <boost/json.hpp>

#include "base/utf8.h"

namespace plazo {
namespace {

// The platforms' published limits (tests/chat_formats/README.md gives the
// sources), with a margin where the limit is on bytes of the whole body.
constexpr size_t kSlackBlocks = 50;          // blocks in one message
constexpr size_t kSlackSectionText = 3000;   // characters of a section's text
constexpr size_t kSlackHeaderText = 150;     // characters of a header
constexpr size_t kSlackButtonText = 75;      // characters of a button's label
constexpr size_t kMattermostBody = 16000;    // a post holds 16,383 characters
constexpr size_t kTeamsBody = 27 * 1024;     // Teams refuses bodies over 28 KB
constexpr size_t kGoogleChatBody = 30000;    // a card message is at most 32,000 bytes
constexpr size_t kGoogleChatSections = 100;  // sections of one card
constexpr size_t kItemText = 1000;           // a commitment's text is cut here in any chat

const char* const kUrgentColor = "#B00020";
const char* const kNormalColor = "#1F6FB2";

// s cut to at most max bytes at a character boundary, ending in "…" when
// cut. Bytes bound characters, so a cut for a character limit is safe too.
std::string Cut(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  constexpr std::string_view kEllipsis = "…";
  std::string out(s.substr(0, Utf8Boundary(s, max - kEllipsis.size())));
  out += kEllipsis;
  return out;
}

// Slack's mrkdwn and Google Chat's HTML subset: only &, < and > are special.
std::string EscapeAngle(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A backslash before each of specials: CommonMark's escape, which both
// Mattermost and Adaptive Cards' TextBlock markdown honour.
std::string EscapeWith(std::string_view s, std::string_view specials) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (specials.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Mattermost's markdown: emphasis, code, links, autolinks, strike-through
// and tables, so that a text (or an officer's comment) shows as written and
// cannot turn into a link. Line-start lists and headings are left alone:
// escaping every '.', '-' and '#' would show backslashes wherever a
// renderer does not honour them.
std::string EscapeMarkdown(std::string_view s) { return EscapeWith(s, "\\`*_[]<>|~"); }

// Adaptive Cards' TextBlock markdown: emphasis and links only.
std::string EscapeCardMarkdown(std::string_view s) { return EscapeWith(s, "\\*_[]"); }

std::string Join(const std::vector<std::string>& lines, std::string_view sep,
                 std::string (*escape)(std::string_view)) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += sep;
    out += escape(Cut(lines[i], kItemText));
  }
  return out;
}

std::string More(const ChatMessage& m, size_t shown) {
  int hidden = static_cast<int>(m.items.size() - shown);
  return hidden > 0 && m.more ? m.more(hidden) : std::string();
}

// --- Slack: Block Kit, text as the notification's fallback.

boost::json::object SlackText(std::string_view type, std::string text) {
  return {{"type", type}, {"text", std::move(text)}};
}

boost::json::object Slack(const ChatMessage& m, size_t shown) {
  boost::json::array blocks;
  blocks.push_back(boost::json::object{
      {"type", "header"}, {"text", SlackText("plain_text", Cut(m.title, kSlackHeaderText))}});
  if (!m.intro.empty()) {
    blocks.push_back(boost::json::object{
        {"type", "section"},
        {"text", SlackText("mrkdwn", Cut(EscapeAngle(m.intro), kSlackSectionText))}});
  }
  for (size_t i = 0; i < shown; ++i) {
    const ChatItem& item = m.items[i];
    std::string text = (item.urgent ? ":red_circle: *" : "*") + EscapeAngle(item.title) + "*\n" +
                       Join(item.lines, "\n", EscapeAngle);
    blocks.push_back(boost::json::object{{"type", "divider"}});
    blocks.push_back(boost::json::object{
        {"type", "section"}, {"text", SlackText("mrkdwn", Cut(text, kSlackSectionText))}});
  }
  if (std::string more = More(m, shown); !more.empty()) {
    blocks.push_back(boost::json::object{
        {"type", "context"},
        {"elements", boost::json::array{SlackText("mrkdwn", EscapeAngle(more))}}});
  }
  if (!m.link.empty()) {
    boost::json::object button{
        {"type", "button"},
        {"text", SlackText("plain_text", Cut(m.link_label, kSlackButtonText))},
        {"url", m.link}};
    blocks.push_back(boost::json::object{{"type", "actions"},
                                         {"elements", boost::json::array{std::move(button)}}});
  }
  return {{"text", m.title}, {"blocks", std::move(blocks)}};
}

bool SlackFits(const boost::json::object& body) {
  return body.at("blocks").as_array().size() <= kSlackBlocks;
}

// --- Mattermost: Slack's legacy attachments, one per item.

boost::json::object Mattermost(const ChatMessage& m, size_t shown) {
  std::string text = "#### " + EscapeMarkdown(m.title);
  if (!m.intro.empty()) text += "\n" + EscapeMarkdown(m.intro);
  boost::json::array attachments;
  for (size_t i = 0; i < shown; ++i) {
    const ChatItem& item = m.items[i];
    attachments.push_back(boost::json::object{{"fallback", item.title},
                                              {"color", item.urgent ? kUrgentColor : kNormalColor},
                                              {"title", item.title},
                                              {"text", Join(item.lines, "\n", EscapeMarkdown)}});
  }
  std::string footer = More(m, shown);
  if (!footer.empty()) footer = EscapeMarkdown(footer);
  if (!m.link.empty()) {
    if (!footer.empty()) footer += "\n";
    footer += "[" + EscapeMarkdown(m.link_label) + "](" + m.link + ")";
  }
  if (!footer.empty()) text += "\n\n" + footer;
  return {{"text", std::move(text)}, {"attachments", std::move(attachments)}};
}

bool MattermostFits(const boost::json::object& body) {
  return boost::json::serialize(body).size() <= kMattermostBody;
}

// --- Microsoft Teams: an Adaptive Card 1.4 in a Workflows message.

boost::json::object TextBlock(std::string text) {
  return {{"type", "TextBlock"}, {"text", std::move(text)}, {"wrap", true}};
}

boost::json::object Teams(const ChatMessage& m, size_t shown) {
  boost::json::array body;
  boost::json::object title = TextBlock(EscapeCardMarkdown(m.title));
  title["size"] = "Large";
  title["weight"] = "Bolder";
  body.push_back(std::move(title));
  if (!m.intro.empty()) body.push_back(TextBlock(EscapeCardMarkdown(m.intro)));
  for (size_t i = 0; i < shown; ++i) {
    const ChatItem& item = m.items[i];
    boost::json::object heading = TextBlock(EscapeCardMarkdown(item.title));
    heading["weight"] = "Bolder";
    if (item.urgent) heading["color"] = "Attention";
    boost::json::object details = TextBlock(Join(item.lines, "\n\n", EscapeCardMarkdown));
    details["spacing"] = "Small";
    body.push_back(
        boost::json::object{{"type", "Container"},
                            {"separator", true},
                            {"items", boost::json::array{std::move(heading), std::move(details)}}});
  }
  if (std::string more = More(m, shown); !more.empty()) {
    boost::json::object line = TextBlock(EscapeCardMarkdown(more));
    line["isSubtle"] = true;
    body.push_back(std::move(line));
  }
  boost::json::object card{{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                           {"type", "AdaptiveCard"},
                           {"version", "1.4"},
                           {"body", std::move(body)}};
  if (!m.link.empty()) {
    card["actions"] =
        boost::json::array{{{"type", "Action.OpenUrl"}, {"title", m.link_label}, {"url", m.link}}};
  }
  boost::json::object attachment{{"contentType", "application/vnd.microsoft.card.adaptive"},
                                 {"contentUrl", nullptr},
                                 {"content", std::move(card)}};
  return {{"type", "message"}, {"attachments", boost::json::array{std::move(attachment)}}};
}

bool TeamsFits(const boost::json::object& body) {
  return boost::json::serialize(body).size() <= kTeamsBody;
}

// --- Google Chat: a card (cardsV2), one section per item, in the
// program's thread.

boost::json::object Paragraph(std::string html) {
  return {{"textParagraph", {{"text", std::move(html)}}}};
}

boost::json::object GoogleChat(const ChatMessage& m, size_t shown) {
  boost::json::array sections;
  if (!m.intro.empty()) {
    sections.push_back(
        boost::json::object{{"widgets", boost::json::array{Paragraph(EscapeAngle(m.intro))}}});
  }
  for (size_t i = 0; i < shown; ++i) {
    const ChatItem& item = m.items[i];
    std::string heading = "<b>" + EscapeAngle(item.title) + "</b>";
    if (item.urgent)
      heading = std::string("<font color=\"") + kUrgentColor + "\">" + heading + "</font>";
    sections.push_back(boost::json::object{
        {"widgets",
         boost::json::array{Paragraph(heading + "<br>" + Join(item.lines, "<br>", EscapeAngle))}}});
  }
  if (std::string more = More(m, shown); !more.empty()) {
    sections.push_back(boost::json::object{
        {"widgets", boost::json::array{Paragraph("<i>" + EscapeAngle(more) + "</i>")}}});
  }
  if (!m.link.empty()) {
    boost::json::object button{{"text", m.link_label},
                               {"onClick", {{"openLink", {{"url", m.link}}}}}};
    sections.push_back(boost::json::object{
        {"widgets",
         boost::json::array{{{"buttonList", {{"buttons", boost::json::array{button}}}}}}}});
  }
  boost::json::object card{{"header", {{"title", m.title}}}, {"sections", std::move(sections)}};
  boost::json::object o{
      {"fallbackText", m.title},
      {"cardsV2", boost::json::array{{{"cardId", "plazo"}, {"card", std::move(card)}}}}};
  if (!m.thread.empty()) o["thread"] = {{"threadKey", m.thread}};
  return o;
}

bool GoogleChatFits(const boost::json::object& body) {
  const auto& card = body.at("cardsV2").as_array().at(0).as_object().at("card").as_object();
  return card.at("sections").as_array().size() <= kGoogleChatSections &&
         boost::json::serialize(body).size() <= kGoogleChatBody;
}

}  // namespace

std::string ChatBody(WebhookFormat format, const ChatMessage& message) {
  using Build = boost::json::object (*)(const ChatMessage&, size_t);
  using Fits = bool (*)(const boost::json::object&);
  Build build = Slack;
  Fits fits = SlackFits;
  switch (format) {
    case WebhookFormat::kJson:  // payload.h's; not a chat
    case WebhookFormat::kSlack:
      break;
    case WebhookFormat::kMattermost:
      build = Mattermost, fits = MattermostFits;
      break;
    case WebhookFormat::kTeams:
      build = Teams, fits = TeamsFits;
      break;
    case WebhookFormat::kGoogleChat:
      build = GoogleChat, fits = GoogleChatFits;
      break;
  }
  boost::json::object all = build(message, message.items.size());
  if (message.items.empty() || fits(all)) return boost::json::serialize(all);
  // The most items that fit, with the count of the rest: a bigger prefix
  // never fits when a smaller one does not, so a binary search finds it.
  size_t lo = 0, hi = message.items.size() - 1;  // build(lo) is assumed to fit
  while (lo < hi) {
    size_t mid = lo + (hi - lo + 1) / 2;
    if (fits(build(message, mid))) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return boost::json::serialize(build(message, lo));
}

}  // namespace plazo
