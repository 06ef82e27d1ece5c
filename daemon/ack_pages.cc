#include "daemon/ack_pages.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "base/hash.h"
#include "base/utf8.h"
#include "config/time_text.h"
#include "daemon/html_page.h"
#include "ledger/ledger.h"
#include "notifiers/calendar.h"
#include "notifiers/link_token.h"
#include "notifiers/payload.h"
#include "notifiers/template.h"
#include "planner/planner.h"

namespace plazo {
namespace {

HttpResponse Refusal(int status, std::string_view title, std::string_view why) {
  return HtmlPage(status, "es", title,
                  "<h1>" + EscapeHtml(title) + "</h1>\n<div class=\"refused\"><p>" +
                      EscapeHtml(why) +
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
  if (NamesPart(p, c))
    label += ", parte " + std::to_string(c.part);
  std::string out = "<dl>\n";
  auto row = [&](std::string_view term, std::string_view value) {
    if (value.empty()) return;
    out += "<dt>" + EscapeHtml(term) + "</dt><dd>" + EscapeHtml(value) + "</dd>\n";
  };
  row("Programa", p.name.empty() ? p.id : p.name);
  row("Servicio", p.service);
  row("Ministerio", p.ministry);
  row(label, c.text);
  row("Fecha de vencimiento", DueWords(c, zone));
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
      EscapeHtml(MomentWords(a.at, zone)) + " por " + EscapeHtml(a.recipient) + ".</p>";
  if (!a.comment.empty()) body += "<p>Comentario: " + EscapeHtml(a.comment) + "</p>";
  body +=
      "<p>No recibirá más avisos de vencimiento por este compromiso mientras mantenga esta "
      "fecha.</p></div>\n" +
      Summary(p, c, claims, zone);
  return HtmlPage(status, "es", "Ya registrado", body);
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
                   "Este enlace venció el " + MomentWords(*claims.expires, zone) +
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
        "La fecha de vencimiento de este compromiso cambió a " + DueWords(*c, zone) +
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
                                DateWords(*c->submitted) + ".";
    return HtmlPage(200, "es", "Sin acción pendiente",
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
    return HtmlPage(200, "es", "Medios de verificación", body);
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
  int days_left = DaysLeft(c->due, state.now, zone);
  for (const std::string& hook : p->webhooks) {
    AcknowledgedEvent e{
        AckNotificationId(a, hook), hook, p, c, days_left, a.recipient, a.at, a.comment};
    Ledger::Enqueued q;
    q.entry.notification_id = e.id;
    q.entry.channel = "webhook";
    q.entry.destination = hook;
    q.entry.kind = "acknowledged";
    q.entry.payload = loaded.composer->AcknowledgedBody(e);
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
  return HtmlPage(
      200, "es", "Confirmación registrada",
      "<h1>Confirmación registrada</h1>\n<div class=\"done\"><p>Gracias. Quedó registrado "
      "el " +
          EscapeHtml(MomentWords(a.at, zone)) +
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
