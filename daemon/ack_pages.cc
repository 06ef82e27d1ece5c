#include "daemon/ack_pages.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "base/hash.h"
#include "base/utf8.h"
#include "config/time_text.h"
#include "ledger/ledger.h"
#include "notifiers/calendar.h"
#include "notifiers/link_token.h"
#include "notifiers/payload.h"
#include "notifiers/template.h"
#include "planner/planner.h"

namespace plazo {
namespace {

// The pages load nothing and may be framed by nobody; the form posts only
// back here.
constexpr std::string_view kPagePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

constexpr std::string_view kStyle = R"css(
body { font-family: Arial, Helvetica, sans-serif; color: #222; max-width: 40em; margin: 2em auto;
       padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.4em; }
dt { font-weight: bold; margin-top: .6em; }
dd { margin-left: 0; }
textarea { width: 100%; box-sizing: border-box; font: inherit; }
button { background: #1f5f9e; color: #fff; border: 0; border-radius: 4px; padding: .7em 1.2em;
         font-size: 1em; font-weight: bold; cursor: pointer; margin-top: .8em; }
.done { border-left: 4px solid #1e7e34; padding: .2em 1em; }
.refused { border-left: 4px solid #c0392b; padding: .2em 1em; }
.small { color: #555; font-size: .9em; }
)css";

const char* const kMonths[] = {"enero",      "febrero", "marzo",     "abril",
                               "mayo",       "junio",   "julio",     "agosto",
                               "septiembre", "octubre", "noviembre", "diciembre"};

std::string DateEs(Days d) {
  date::year_month_day ymd{d};
  return std::to_string(static_cast<unsigned>(ymd.day())) + " de " +
         kMonths[static_cast<unsigned>(ymd.month()) - 1] + " de " +
         std::to_string(static_cast<int>(ymd.year()));
}

// "2 de diciembre de 2026 a las 13:39", local to zone.
std::string MomentEs(Instant t, const date::time_zone* zone) {
  std::string minute = FormatLocalMinute(t, zone);  // "2026-12-02 13:39"
  return DateEs(LocalDate(t, zone)) + " a las " + minute.substr(minute.size() - 5);
}

std::string DueEs(const Commitment& c, const date::time_zone* zone) {
  if (!c.due.instant) return DateEs(c.due.date);
  return MomentEs(*c.due.instant, zone);
}

HttpResponse Page(int status, std::string_view title, const std::string& body_html) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Content-Security-Policy", std::string(kPagePolicy));
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.body =
      "<!DOCTYPE html>\n<html lang=\"es\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex\">\n<title>" +
      EscapeHtml(title) + " · plazo</title>\n<style>" + std::string(kStyle) +
      "</style>\n</head>\n<body>\n<main>\n" + body_html + "</main>\n</body>\n</html>\n";
  return r;
}

HttpResponse Refusal(int status, std::string_view title, std::string_view why) {
  return Page(status, title,
              "<h1>" + EscapeHtml(title) + "</h1>\n<div class=\"refused\"><p>" + EscapeHtml(why) +
                  "</p></div>\n<p class=\"small\">Si necesita ayuda, responda al último aviso"
                  " recibido o escriba a la unidad de control de gestión.</p>\n");
}

HttpResponse NotALink() {
  return Refusal(404, "Enlace no válido",
                 "Este enlace no es válido: puede estar incompleto o haber sido modificado. "
                 "Use el enlace tal como llegó en el aviso por correo.");
}

const Program* FindProgram(const Config& config, std::string_view id) {
  for (const Program& p : config.store.programs) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const Commitment* FindPart(const Program& p, std::string_view id) {
  for (const Commitment& c : p.commitments) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

// The part, program and commitment shown on every page.
std::string Summary(const Program& p, const Commitment& c, const LinkClaims& claims,
                    const date::time_zone* zone) {
  std::string label = "Compromiso " + std::to_string(c.number);
  if (c.part > 1 || c.id.find("-p") != std::string::npos)
    label += ", parte " + std::to_string(c.part);
  std::string out = "<dl>\n";
  auto row = [&](std::string_view term, const std::string& value) {
    if (value.empty()) return;
    out += "<dt>" + EscapeHtml(term) + "</dt><dd>" + EscapeHtml(value) + "</dd>\n";
  };
  row("Programa", p.name.empty() ? p.id : p.name);
  row("Servicio", p.service);
  row("Ministerio", p.ministry);
  row(label, c.text);
  row("Fecha de vencimiento", DueEs(c, zone));
  row("Debe enviar", c.verification);
  row("Aviso enviado a", claims.recipient);
  out += "</dl>\n";
  return out;
}

HttpResponse AlreadyRecorded(const Program& p, const Commitment& c, const LinkClaims& claims,
                             const Acknowledgement& a, const date::time_zone* zone, int status) {
  std::string body =
      "<h1>Medios de verificación ya informados</h1>\n<div class=\"done\"><p>Ya "
      "registrado el " +
      EscapeHtml(MomentEs(a.at, zone)) + " por " + EscapeHtml(a.recipient) + ".</p>";
  if (!a.comment.empty()) body += "<p>Comentario: " + EscapeHtml(a.comment) + "</p>";
  body +=
      "<p>No recibirá más avisos de vencimiento por este compromiso mientras mantenga esta "
      "fecha.</p></div>\n" +
      Summary(p, c, claims, zone);
  return Page(status, "Ya registrado", body);
}

// The comment as stored: valid UTF-8, no control characters but line
// breaks, trimmed; false when it has more than kMaxAckComment characters.
bool CleanComment(std::string_view raw, std::string* out) {
  out->clear();
  size_t i = 0;
  for (size_t count = 0; i < raw.size(); ++count) {
    if (count == kMaxAckComment) return false;
    char32_t cp = NextCodePoint(raw, &i);
    if (cp == '\r') continue;
    if (cp < 0x20 && cp != '\n' && cp != '\t') cp = ' ';
    if (cp == 0x7f) cp = ' ';
    AppendUtf8(out, cp);
  }
  while (!out->empty() && (out->back() == ' ' || out->back() == '\n')) out->pop_back();
  size_t start = out->find_first_not_of(" \n");
  out->erase(0, start == std::string::npos ? out->size() : start);
  return true;
}

std::string AckNotificationId(const Acknowledgement& a, const std::string& hook) {
  uint64_t h = Fnv1a("acknowledged\n" + a.program + "/" + a.commitment + "/" + a.due + "\n" +
                     std::to_string(a.at.time_since_epoch().count()) + "\n" + hook);
  char id[24];
  std::snprintf(id, sizeof id, "ack_%016llx", static_cast<unsigned long long>(h));
  return id;
}

}  // namespace

HttpResponse AckRoute(const HttpRequest& r, std::string_view token, const DaemonState& state) {
  const LoadedConfig& loaded = *state.loaded;
  if (!loaded.link_keys || loaded.link_keys->empty()) return NotALink();
  const date::time_zone* zone = loaded.config.settings.zone;
  LinkClaims claims;
  LinkVerdict verdict = loaded.link_keys->Verify(token, state.now, &claims);
  if (verdict == LinkVerdict::kMalformed || verdict == LinkVerdict::kForged ||
      claims.kind != LinkKind::kAck) {
    return NotALink();
  }
  if (verdict == LinkVerdict::kExpired) {
    return Refusal(410, "Enlace vencido",
                   "Este enlace venció el " + MomentEs(*claims.expires, zone) +
                       ". Use el enlace del aviso más reciente.");
  }
  const Program* p = FindProgram(loaded.config, claims.program);
  const Commitment* c = p != nullptr ? FindPart(*p, claims.commitment) : nullptr;
  if (c == nullptr) {
    return Refusal(404, "Compromiso no encontrado",
                   "Este compromiso ya no está en el registro de seguimiento.");
  }
  if (DueKey(*c) != claims.due) {
    return Refusal(
        410, "La fecha de vencimiento cambió",
        "La fecha de vencimiento de este compromiso cambió a " + DueEs(*c, zone) +
            " después de que se envió este enlace. Use el enlace del aviso más reciente.");
  }
  std::optional<Acknowledgement> active;
  std::optional<Instant> revoked;
  std::string error;
  if (!state.ledger->FindAck(p->id, c->id, claims.due, &active, &revoked, &error)) {
    spdlog::error("ack page: {}", error);
    return Refusal(503, "Servicio no disponible",
                   "No se pudo leer el registro; intente más tarde.");
  }
  if (revoked && claims.issued <= *revoked) {
    return Refusal(410, "Enlace revocado",
                   "La confirmación de este compromiso fue anulada por la unidad de control. "
                   "Use el enlace del aviso más reciente.");
  }
  if (active) return AlreadyRecorded(*p, *c, claims, *active, zone, 200);
  if (!c->IsOpen()) {
    std::string why = c->status == Status::kCumplido
                          ? "Este compromiso ya figura como cumplido."
                          : "Los medios de verificación de este compromiso ya figuran como "
                            "enviados el " +
                                DateEs(*c->submitted) + ".";
    return Page(200, "Sin acción pendiente",
                "<h1>Sin acción pendiente</h1>\n<div class=\"done\"><p>" + EscapeHtml(why) +
                    "</p></div>\n" + Summary(*p, *c, claims, zone));
  }

  if (r.method != "POST") {
    std::string body =
        "<h1>¿Ya envió los medios de verificación?</h1>\n"
        "<p>Confirme aquí que ya envió los medios de verificación de este compromiso. Desde ese "
        "momento no recibirá más avisos de vencimiento por él; la unidad de control verá su "
        "confirmación.</p>\n" +
        Summary(*p, *c, claims, zone) +
        "<form method=\"post\">\n<input type=\"hidden\" name=\"proof\" value=\"" +
        loaded.link_keys->FormProof(token) +
        "\">\n<label for=\"comment\">Comentario (opcional): cómo o dónde los envió</label>\n"
        "<textarea id=\"comment\" name=\"comment\" rows=\"4\" maxlength=\"" +
        std::to_string(kMaxAckComment) +
        "\"></textarea>\n"
        "<button type=\"submit\">Ya envié los medios de verificación</button>\n</form>\n";
    return Page(200, "Medios de verificación", body);
  }

  auto proof = r.form.find("proof");
  if (proof == r.form.end() || !loaded.link_keys->CheckFormProof(token, proof->second)) {
    return Refusal(403, "Formulario no válido",
                   "El formulario no vino de esta página. Abra de nuevo el enlace del aviso y "
                   "use el botón.");
  }
  Acknowledgement a;
  a.program = p->id;
  a.commitment = c->id;
  a.due = claims.due;
  a.status = std::string(StatusName(c->status));
  a.recipient = claims.recipient;
  a.at = std::chrono::floor<std::chrono::seconds>(state.now);
  a.client = r.client;
  auto comment = r.form.find("comment");
  if (comment != r.form.end() && !CleanComment(comment->second, &a.comment)) {
    return Refusal(413, "Comentario demasiado largo",
                   "El comentario supera los " + std::to_string(kMaxAckComment) +
                       " caracteres. Vuelva atrás y acórtelo.");
  }
  std::vector<Ledger::Enqueued> notify;
  int days_left = static_cast<int>((c->due.date - LocalDate(state.now, zone)).count());
  for (const std::string& hook : p->webhooks) {
    AcknowledgedEvent e{
        AckNotificationId(a, hook), hook, p, c, days_left, a.recipient, a.at, a.comment};
    Ledger::Enqueued q;
    q.entry.notification_id = e.id;
    q.entry.channel = "webhook";
    q.entry.destination = hook;
    q.entry.kind = "acknowledged";
    q.entry.payload = AcknowledgedPayload(e, zone);
    notify.push_back(std::move(q));
  }
  std::optional<Acknowledgement> existing;
  if (!state.ledger->Acknowledge(a, notify, state.now, &existing, &error)) {
    spdlog::error("ack: {}", error);
    return Refusal(503, "Servicio no disponible",
                   "No se pudo registrar su confirmación; intente de nuevo en unos minutos.");
  }
  if (existing) return AlreadyRecorded(*p, *c, claims, *existing, zone, 200);
  spdlog::info("acknowledged {}/{} due {} by {} from {}", a.program, a.commitment,
               FormatIsoDate(c->due.date), a.recipient, a.client);
  if (!notify.empty() && state.enqueued) {
    std::vector<OutboxEntry> entries;
    for (Ledger::Enqueued& q : notify) {
      q.entry.created_at = state.now;
      q.entry.next_attempt_at = state.now;
      entries.push_back(std::move(q.entry));
    }
    state.enqueued(std::move(entries));
  }
  return Page(200, "Confirmación registrada",
              "<h1>Confirmación registrada</h1>\n<div class=\"done\"><p>Gracias. Quedó registrado "
              "el " +
                  EscapeHtml(MomentEs(a.at, zone)) +
                  " que ya envió los medios de verificación.</p><p>No recibirá más avisos de "
                  "vencimiento por este compromiso mientras mantenga esta fecha.</p></div>\n" +
                  Summary(*p, *c, claims, zone));
}

HttpResponse CalendarRoute(std::string_view token, const DaemonState& state) {
  const LoadedConfig& loaded = *state.loaded;
  LinkClaims claims;
  if (!loaded.link_keys || loaded.link_keys->empty() ||
      loaded.link_keys->Verify(token, state.now, &claims) != LinkVerdict::kOk ||
      claims.kind != LinkKind::kCalendar || claims.recipient.empty()) {
    return NotALink();
  }
  CalendarOptions options;
  options.owner = claims.recipient;
  options.stamp = state.now;
  return {200, "text/calendar; charset=utf-8", RenderCalendar(loaded.config, options), {}};
}

}  // namespace plazo
