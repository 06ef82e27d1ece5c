// plazod calendar: the iCalendar feed of open deadlines on standard output.
#include <chrono>
#include <ostream>

#include "daemon/cli.h"
#include "daemon/commands.h"
#include "notifiers/calendar.h"

namespace plazo {
namespace {

// Whether any part of the store, open or not, belongs to owner: an address
// that owns nothing is more likely a typo than an officer with no work.
bool OwnsAnything(const Config& config, std::string_view owner) {
  for (const Program& p : config.store.programs) {
    for (const Commitment& c : p.commitments) {
      if (OwnedBy(config, p, c, owner)) return true;
    }
  }
  return false;
}

}  // namespace

int RunCalendar(const Options& options, std::ostream& out, std::ostream& err) {
  CalendarOptions calendar;
  if (options.Has("owner")) {
    calendar.owner = options.Get("owner");
    if (calendar.owner.empty()) {
      err << "plazod calendar: --owner needs an e-mail address\n";
      return kExitUsage;
    }
  }
  Config config;
  if (!LoadForCommand(options, &config, err)) return kExitInvalid;
  if (!calendar.owner.empty() && !OwnsAnything(config, calendar.owner)) {
    // Still a valid (empty) calendar: a subscription must not break when an
    // officer's last part is reassigned.
    err << "plazod calendar: warning: no commitment part is owned by " << calendar.owner << "\n";
  }
  calendar.stamp = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  out << RenderCalendar(config, calendar);
  out.flush();
  if (!out) {
    err << "plazod calendar: could not write the calendar\n";
    return kExitInvalid;
  }
  return kExitOk;
}

}  // namespace plazo
