// Webhook bodies for team chats (issue 16): the same digest as an e-mail,
// written in each platform's own message format, so that an endpoint of
// [webhook.NAME] with `format = "slack"` (or mattermost, teams, googlechat)
// can be a channel's incoming-webhook URL. Each body stays within its
// platform's published limits: a digest that does not fit shows the first
// items and ends with a count of the rest, never an oversized message the
// platform would refuse. The JSON format of SPEC 5.3 is in payload.h.
#ifndef PLAZO_NOTIFIERS_CHAT_PAYLOAD_H_
#define PLAZO_NOTIFIERS_CHAT_PAYLOAD_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"

namespace plazo {

// One part of the digest, in plain text (the formats escape it).
struct ChatItem {
  std::string title;               // "Compromiso 3, parte 2 · Programa …"
  std::vector<std::string> lines;  // when, what, what to send: one per line
  bool urgent = false;             // overdue or escalated: shown in red where possible
};

// A digest, neutral of platform: what the renderer wrote (render.h).
struct ChatMessage {
  std::string title;   // the headline, also the notification's fallback text
  std::string intro;   // one paragraph, may be empty
  std::string thread;  // Google Chat's threadKey: the program's id, or empty
  std::vector<ChatItem> items;
  std::string link;        // an https link for the whole message (the program's page), or empty
  std::string link_label;  // its button's text
  // The closing line when only the first items fit: "and N more".
  std::function<std::string(int hidden)> more;
};

// The body to POST for message in format (not kJson), as compact JSON.
// Never fails: over-long texts are cut at a character boundary with "…",
// and items that do not fit the platform's limits are counted by
// message.more.
std::string ChatBody(WebhookFormat format, const ChatMessage& message);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_CHAT_PAYLOAD_H_
