// Times the daemon's delivery loop (OutboxSender) against a local sink: N
// webhook notifications POSTed to an HTTP endpoint, or N e-mails sent to an
// SMTP server. A fresh ledger in a temporary state folder gets the N outbox
// entries in one transaction (EnqueueAll) before the clock starts; the time
// runs from the first Kick until every entry is sent or given up, with every
// attempt recorded in the ledger as the daemon does. Prints the entries,
// the wall time, the rate, what was given up and the ledger's counts.
//   deliver_bench webhook URL N [options]
//   deliver_bench smtp PORT N [options]
// options:
//   --concurrency C   [delivery] per_destination (default 16, the daemon's)
//   --deadline S      stop waiting after S seconds (default 120)
//   --state DIR       use and keep this state folder, which must hold no
//                     ledger yet, instead of a temporary one removed at exit
// Webhook payloads are version 1 JSON (WebhookPayload) with two items, about
// 1.4 KB; e-mails are the built-in Spanish digest (EmailRenderer) of the same
// two items, built by BuildEmailMessage, about 4.6 KB. Per-delivery log lines
// are off (level warn), so the figure is the delivery path, not the terminal.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "config/time_text.h"
#include "ledger/ledger.h"
#include "notifiers/email_message.h"
#include "notifiers/mailer.h"
#include "notifiers/outbox_sender.h"
#include "notifiers/payload.h"
#include "notifiers/render.h"
#include "planner/planner.h"
#include "planner/stages.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr char kHookName[] = "bench";
constexpr char kSecretEnv[] = "PLAZO_BENCH_SECRET";
constexpr char kRecipient[] = "encargada.pil@example.gob.cl";

plazo::Instant Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

int Usage() {
  std::fprintf(stderr,
               "usage: deliver_bench webhook URL N [--concurrency C] [--deadline S] [--state DIR]\n"
               "       deliver_bench smtp PORT N [--concurrency C] [--deadline S] [--state DIR]\n");
  return 2;
}

// Parses a positive integer; 0 when text is not one.
long Positive(const char* text) {
  char* end = nullptr;
  long v = std::strtol(text, &end, 10);
  return end != text && *end == '\0' && v > 0 ? v : 0;
}

// A realistic program and two commitment parts from a DIPRES report; the
// bench renumbers the parts for every notification so keys stay unique.
struct Sample {
  plazo::Program program;
  plazo::Commitment first;
  plazo::Commitment second;
  plazo::Schedule schedule;
};

Sample MakeSample() {
  Sample s;
  s.program.id = "pil-sence";
  s.program.name = "Programa de Intermediación Laboral";
  s.program.service = "Servicio Nacional de Capacitación y Empleo";
  s.program.ministry = "Ministerio del Trabajo y Previsión Social";
  s.program.evaluation_year = 2025;
  s.first.text =
      "Elaborar un diagnóstico de la cobertura territorial de las Oficinas Municipales de "
      "Información Laboral y proponer un plan de ajuste de metas por comuna, considerando la "
      "demanda efectiva de los usuarios y la capacidad instalada de cada oficina.";
  s.first.verification =
      "Informe de diagnóstico aprobado por la Dirección Nacional y plan de ajuste de metas con "
      "su cronograma de implementación.";
  s.first.due.date = date::local_days{date::year{2026} / 12 / 31};
  s.first.status = plazo::Status::kEnEvaluacion;
  s.second = s.first;
  s.second.text =
      "Implementar un sistema de seguimiento de los usuarios colocados a los seis y doce meses "
      "de su inserción laboral, con indicadores de permanencia en el empleo.";
  s.second.verification =
      "Reporte del sistema de seguimiento con los indicadores del primer semestre.";
  s.second.status = plazo::Status::kPendiente;
  s.schedule.name = "dipres";
  return s;
}

// The notification number i to destination over channel, with two items.
plazo::Notification MakeNotification(Sample* s, size_t i, plazo::Channel channel,
                                     const std::string& destination, plazo::Instant at) {
  plazo::Notification n;
  n.id = "bench-" + std::to_string(i);
  n.at = at;
  n.channel = channel;
  n.destination = destination;
  n.kind = "reminder";
  plazo::Commitment* parts[] = {&s->first, &s->second};
  for (int k = 0; k < 2; ++k) {
    plazo::Commitment& c = *parts[k];
    c.number = static_cast<int>(i);
    c.part = k + 1;
    c.id = "c" + std::to_string(i) + "-p" + std::to_string(k + 1);
    plazo::PlannedItem item;
    item.program = &s->program;
    item.commitment = &c;
    item.schedule = &s->schedule;
    item.stage = plazo::Stage{plazo::StageKind::kBefore, 0};
    item.stage_name = "before-30d";
    item.stage_at = at;
    item.days_left = 30;
    item.key = plazo::DeliveryKey(s->program, c, item.stage_name, channel, destination);
    n.items.push_back(std::move(item));
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return Usage();
  const std::string mode = argv[1];
  if (mode != "webhook" && mode != "smtp") return Usage();
  const std::string target = argv[2];
  const long count = Positive(argv[3]);
  if (count == 0) return Usage();
  long concurrency = 16;
  long deadline_seconds = 120;
  std::string state_arg;
  for (int i = 4; i < argc; ++i) {
    if (i + 1 >= argc) return Usage();
    if (std::strcmp(argv[i], "--concurrency") == 0) {
      concurrency = Positive(argv[++i]);
    } else if (std::strcmp(argv[i], "--deadline") == 0) {
      deadline_seconds = Positive(argv[++i]);
    } else if (std::strcmp(argv[i], "--state") == 0) {
      state_arg = argv[++i];
    } else {
      return Usage();
    }
    if (concurrency == 0 || deadline_seconds == 0) return Usage();
  }
  if (mode == "smtp" && Positive(target.c_str()) == 0) return Usage();

  spdlog::set_level(spdlog::level::warn);

  // The state folder: given, or a fresh temporary one removed at the end.
  std::string state = state_arg;
  if (state.empty()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "plazo-deliver-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("deliver_bench: mkdtemp");
      return 1;
    }
    state = pattern;
  } else {
    std::filesystem::create_directories(state);
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
  } cleanup{state_arg.empty() ? state : std::string()};

  std::string error;
  const std::string ledger_path = plazo::LedgerPath(state);
  if (std::filesystem::exists(ledger_path)) {
    std::fprintf(stderr, "deliver_bench: %s exists; give a fresh --state\n", ledger_path.c_str());
    return 1;
  }
  std::unique_ptr<plazo::Ledger> ledger = plazo::Ledger::Open(ledger_path, &error);
  if (!ledger) {
    std::fprintf(stderr, "deliver_bench: %s\n", error.c_str());
    return 1;
  }

  // The settings, as a plazod.toml with [webhook.bench] or [email] would give.
  plazo::Settings settings;
  settings.state = state;
  settings.zone = plazo::FindZone(settings.timezone);
  settings.delivery.per_destination = static_cast<int>(concurrency);
  if (settings.delivery.max_in_flight < concurrency) {
    settings.delivery.max_in_flight = static_cast<int>(concurrency);
  }
  plazo::Channel channel = plazo::Channel::kWebhook;
  std::string destination = kHookName;
  if (mode == "webhook") {
    setenv(kSecretEnv, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
    plazo::Webhook hook;
    hook.name = kHookName;
    hook.url = target;
    hook.secret_env = kSecretEnv;
    settings.webhooks[hook.name] = hook;
  } else {
    plazo::EmailSettings email;
    email.url = "smtp://127.0.0.1:" + target;
    email.starttls = false;
    email.from = "Plazo <plazo@example.gob.cl>";
    settings.email = email;
    channel = plazo::Channel::kEmail;
    destination = kRecipient;
  }

  // N entries in one transaction, as one planner burst would be stored.
  const plazo::Instant now = Now();
  Sample sample = MakeSample();
  plazo::EmailRenderer renderer = plazo::EmailRenderer::Builtin("es");
  std::vector<plazo::Ledger::Enqueued> batch;
  batch.reserve(static_cast<size_t>(count));
  size_t payload_bytes = 0;
  for (long i = 0; i < count; ++i) {
    plazo::Notification n =
        MakeNotification(&sample, static_cast<size_t>(i), channel, destination, now);
    plazo::Ledger::Enqueued e;
    e.entry.notification_id = n.id;
    e.entry.channel = std::string(plazo::ChannelName(channel));
    e.entry.destination = destination;
    e.entry.kind = n.kind;
    if (channel == plazo::Channel::kWebhook) {
      e.entry.payload = plazo::WebhookPayload(n, now, settings.zone);
    } else {
      plazo::RenderedEmail mail = renderer.Render(n, settings.zone);
      plazo::EmailContent content{n.id, plazo::SenderFor(settings), destination, mail.subject,
                                  mail.text, mail.html, now, settings.zone};
      if (!plazo::BuildEmailMessage(content, &e.entry.payload, &error)) {
        std::fprintf(stderr, "deliver_bench: %s\n", error.c_str());
        return 1;
      }
    }
    payload_bytes += e.entry.payload.size();
    for (const plazo::PlannedItem& item : n.items) {
      e.items.push_back(
          plazo::DeliveryRecord{item.key, n.id, plazo::DeliveryState::kPending, item.stage_at, {}});
    }
    batch.push_back(std::move(e));
  }
  auto enqueue_start = SteadyClock::now();
  if (!ledger->EnqueueAll(batch, now, &error)) {
    std::fprintf(stderr, "deliver_bench: %s\n", error.c_str());
    return 1;
  }
  auto enqueue_end = SteadyClock::now();
  batch.clear();

  // Deliver: run the loop until every entry is sent or given up, checking
  // the sender's counters after each handler so the end is not rounded to a
  // polling period.
  boost::asio::io_context io;
  plazo::OutboxSender sender(io, *ledger, plazo::OutboxSenderOptions{}, Now);
  sender.Configure(settings);
  const auto total = static_cast<uint64_t>(count);
  auto finished = [&] {
    plazo::OutboxSenderStats s = sender.stats();
    return s.delivered + s.given_up >= total;
  };
  auto start = SteadyClock::now();
  const auto deadline = start + std::chrono::seconds(deadline_seconds);
  sender.Kick();
  while (!finished()) {
    auto left = deadline - SteadyClock::now();
    if (left <= SteadyClock::duration::zero()) break;
    if (io.run_one_for(left) == 0 && io.stopped()) break;
  }
  auto end = SteadyClock::now();
  plazo::OutboxSenderStats stats = sender.stats();
  bool complete = finished();
  if (!complete) {
    std::fprintf(stderr, "deliver_bench: deadline of %lds passed with %zu in flight\n",
                 deadline_seconds, sender.in_flight());
  }

  plazo::LedgerCounts counts;
  if (!ledger->Counts(&counts, &error)) {
    std::fprintf(stderr, "deliver_bench: %s\n", error.c_str());
    return 1;
  }
  double seconds = std::chrono::duration<double>(end - start).count();
  double enqueue_ms =
      std::chrono::duration<double, std::milli>(enqueue_end - enqueue_start).count();
  std::printf("mode             %s -> %s\n", mode.c_str(),
              mode == "smtp" ? settings.email->url.c_str() : target.c_str());
  std::printf("entries          %ld (payload %.0f bytes average)\n", count,
              static_cast<double>(payload_bytes) / static_cast<double>(count));
  std::printf("per destination  %ld\n", concurrency);
  std::printf("enqueue          %.1f ms (one transaction)\n", enqueue_ms);
  std::printf("wall             %.3f s from first Kick to %s\n", seconds,
              complete ? "all done" : "the deadline");
  std::printf("rate             %.0f %s per second\n",
              static_cast<double>(stats.delivered) / seconds,
              mode == "smtp" ? "e-mails" : "notifications");
  std::printf("delivered        %llu\n", static_cast<unsigned long long>(stats.delivered));
  std::printf("retried          %llu\n", static_cast<unsigned long long>(stats.retried));
  std::printf("given up         %llu\n", static_cast<unsigned long long>(stats.given_up));
  std::printf("ledger counts    pending %lld, sent %lld, given up %lld\n",
              static_cast<long long>(counts.pending), static_cast<long long>(counts.sent),
              static_cast<long long>(counts.given_up));
  return complete && counts.sent == count ? 0 : 1;
}
