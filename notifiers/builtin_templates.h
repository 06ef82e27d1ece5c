// The message templates compiled into plazod: the files of the top-level
// templates/ folder, embedded at build time by cmake/embed_templates.cmake,
// so the built-in defaults and the shipped files cannot drift apart.
#ifndef PLAZO_NOTIFIERS_BUILTIN_TEMPLATES_H_
#define PLAZO_NOTIFIERS_BUILTIN_TEMPLATES_H_

#include <string_view>

namespace plazo {

// The text of templates/<path> (e.g. "es/body.html") as it was at build
// time; empty when there is no such file.
std::string_view BuiltinTemplate(std::string_view path);

}  // namespace plazo

#endif  // PLAZO_NOTIFIERS_BUILTIN_TEMPLATES_H_
