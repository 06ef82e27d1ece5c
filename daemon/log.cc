#include "daemon/log.h"

#include <unistd.h>

#include <cstdlib>
#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace plazo {
namespace {

// "%*" in the pattern: the syslog priority of the message's level.
class SyslogPriority : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    // LOG_DEBUG 7, LOG_INFO 6, LOG_WARNING 4, LOG_ERR 3, LOG_CRIT 2.
    static constexpr const char* kPrefix[] = {"<7>", "<7>", "<6>", "<4>", "<3>", "<2>", "<6>"};
    const char* p = kPrefix[static_cast<int>(msg.level)];
    dest.append(p, p + 3);
  }
  std::unique_ptr<spdlog::custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriority>();
  }
};

}  // namespace

void SetUpLogging(std::string_view level) {
  auto logger = std::make_shared<spdlog::logger>(
      "plazod", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  // "<6>" prefixes are for journald, which reads them from a service's
  // stderr (JOURNAL_STREAM set, or a pipe or file); on a terminal they are
  // noise, so a person sees "warning: ..." instead.
  const bool journal = std::getenv("JOURNAL_STREAM") != nullptr || isatty(STDERR_FILENO) == 0;
  formatter->add_flag<SyslogPriority>('*').set_pattern(journal ? "%*%v" : "%l: %v");
  logger->set_formatter(std::move(formatter));
  spdlog::level::level_enum l = spdlog::level::info;
  if (level == "debug") l = spdlog::level::debug;
  if (level == "warning") l = spdlog::level::warn;
  if (level == "error") l = spdlog::level::err;
  logger->set_level(l);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace plazo
