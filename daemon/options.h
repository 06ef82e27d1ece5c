// A small command-line option parser: "--name value", "--name=value" and
// boolean "--flag", checked against the options a command accepts.
#ifndef PLAZO_DAEMON_OPTIONS_H_
#define PLAZO_DAEMON_OPTIONS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace plazo {

struct OptionSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value;
  bool repeatable = false;
};

struct Options {
  std::map<std::string, std::vector<std::string>, std::less<>> values;
  std::vector<std::string> positional;

  [[nodiscard]] bool Has(std::string_view name) const { return values.count(name) > 0; }
  // The (last) value of name, or fallback.
  std::string Get(std::string_view name, std::string fallback = "") const;
  // Every value of a repeatable option.
  std::vector<std::string> All(std::string_view name) const;
};

// Parses args against spec. On a problem (unknown option, missing value, an
// option given twice that is not repeatable) sets *error to a one-line
// message naming it, with a "did you mean" hint, and returns false.
[[nodiscard]] bool ParseOptions(const std::vector<std::string>& args,
                  const std::vector<OptionSpec>& spec, Options* out,
                  std::string* error);

}  // namespace plazo

#endif  // PLAZO_DAEMON_OPTIONS_H_
