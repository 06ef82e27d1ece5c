#include "daemon/options.h"

#include "config/diagnostics.h"

namespace plazo {

std::string Options::Get(std::string_view name, std::string fallback) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return fallback;
  return it->second.back();
}

std::vector<std::string> Options::All(std::string_view name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

bool ParseOptions(const std::vector<std::string>& args,
                  const std::vector<OptionSpec>& spec, Options* out,
                  std::string* error) {
  std::vector<std::string_view> names;
  for (const OptionSpec& s : spec) names.push_back(s.name);
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (only_positional || arg.size() < 2 || arg[0] != '-' ||
        (arg[1] != '-' && arg != "-o" && arg != "-h")) {
      out->positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string name = arg == "-o" ? "output" : arg == "-h" ? "help" : arg.substr(2);
    std::string value;
    bool inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      inline_value = true;
    }
    const OptionSpec* found = nullptr;
    for (const OptionSpec& s : spec) {
      if (s.name == name) found = &s;
    }
    if (!found) {
      std::string_view match = ClosestMatch(name, names);
      *error = "unknown option '--" + name + "'" +
               (match.empty() ? "" : " (did you mean '--" + std::string(match) + "'?)");
      return false;
    }
    if (found->takes_value && !inline_value) {
      if (i + 1 >= args.size()) {
        *error = "option '--" + name + "' needs a value";
        return false;
      }
      value = args[++i];
    } else if (!found->takes_value && inline_value) {
      *error = "option '--" + name + "' takes no value";
      return false;
    }
    auto& slot = out->values[name];
    if (!slot.empty() && !found->repeatable) {
      *error = "option '--" + name + "' given twice";
      return false;
    }
    slot.push_back(value);
  }
  return true;
}

}  // namespace plazo
