// Rendering digests: wording per kind and number, languages, escaping, the
// template language, and templates loaded from a folder.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "config/time_text.h"
#include "notifiers/builtin_templates.h"
#include "notifiers/render.h"
#include "notifiers/template.h"
#include "tests/peer_process.h"

namespace plazo {
namespace {

const date::time_zone* Santiago() { return FindZone("America/Santiago"); }

Instant At(const char* text) { return *ParseInstant(text, Santiago()); }

Commitment Part(int number, int part, const std::string& due, std::string text = "",
                std::string verification = "") {
  Commitment c;
  c.number = number;
  c.part = part;
  c.id = part == 1 ? "c" + std::to_string(number)
                   : "c" + std::to_string(number) + "-p" + std::to_string(part);
  c.text = text.empty() ? "Texto del compromiso " + c.id : text;
  c.verification = verification.empty() ? "Informe del compromiso " + c.id : verification;
  c.due.date = *ParseIsoDate(due);
  c.status = Status::kEnEvaluacion;
  return c;
}

Program MakeProgram(const std::string& id, const std::string& name, std::vector<Commitment> parts) {
  Program p;
  p.id = id;
  p.name = name;
  p.ministry = "MINISTERIO DEL TRABAJO Y PREVISION SOCIAL";
  p.service = "SERVICIO NACIONAL DE CAPACITACION Y EMPLEO";
  p.commitments = std::move(parts);
  return p;
}

PlannedItem Item(const Program& p, size_t index, StageKind kind, int days_left,
                 std::string stage_name = "") {
  PlannedItem i;
  i.program = &p;
  i.commitment = &p.commitments.at(index);
  i.stage.kind = kind;
  i.days_left = days_left;
  i.stage_name = stage_name.empty() ? "before-" + std::to_string(days_left) + "d" : stage_name;
  return i;
}

Notification Digest(std::vector<PlannedItem> items) {
  Notification n;
  n.id = "ntf_0123456789abcdef";
  n.at = At("2026-12-24T09:00:00-03:00");
  n.destination = "encargado.pil@example.gob.cl";
  n.items = std::move(items);
  n.kind = "reminder";
  return n;
}

const Program& Pil() {
  static const Program p = MakeProgram(
      "sence-intermediacion-laboral", "Programa de Intermediación Laboral",
      {Part(1, 1, "2026-12-31", "Realizar el rediseño del Programa.", "Resultados del Piloto."),
       Part(2, 1, "2026-12-31"), Part(4, 1, "2026-11-30"), Part(4, 2, "2027-01-23"),
       Part(8, 1, "2026-12-16")});
  return p;
}

const Program& Other() {
  static const Program p =
      MakeProgram("otro-programa", "Programa Otro", {Part(3, 1, "2026-12-31")});
  return p;
}

std::string Subject(const Notification& n, std::string_view language = "es") {
  return EmailRenderer::Builtin(language).Render(n, Santiago()).subject;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("the built-in templates are the shipped files of templates/", "[render]") {
  for (const char* lang : {"es", "en"}) {
    for (const char* file : {"subject.txt", "body.txt", "body.html", "phrases.txt"}) {
      std::string relative = std::string(lang) + "/" + file;
      std::ifstream f(std::string(PLAZO_TEMPLATES) + "/" + relative, std::ios::binary);
      REQUIRE(f.good());
      std::stringstream text;
      text << f.rdbuf();
      INFO(relative);
      CHECK(BuiltinTemplate(relative) == text.str());
    }
  }
  CHECK(BuiltinTemplate("es/missing.txt").empty());
}

TEST_CASE("the built-in templates of both languages load without a problem", "[render]") {
  for (const char* lang : {"es", "en"}) {
    EmailRenderer r;
    Diagnostics diags;
    INFO(lang);
    CHECK(EmailRenderer::Load("", lang, &r, &diags));
    CHECK(diags.ToString() == "");
  }
  // The shipped folder itself loads the same way an admin's copy would.
  EmailRenderer r;
  Diagnostics diags;
  CHECK(EmailRenderer::Load(PLAZO_TEMPLATES, "es", &r, &diags));
  CHECK(diags.ToString() == "");
}

TEST_CASE("Spanish subjects say what is due, singular or plural, for which program", "[render]") {
  const Program& p = Pil();
  // SPEC 5.2's example.
  CHECK(Subject(Digest({Item(p, 0, StageKind::kBefore, 7), Item(p, 1, StageKind::kBefore, 7)})) ==
        "[plazo] 2 compromisos vencen en 7 días — Programa de Intermediación Laboral");
  CHECK(Subject(Digest({Item(p, 0, StageKind::kBefore, 1)})) ==
        "[plazo] 1 compromiso vence en 1 día — Programa de Intermediación Laboral");
  CHECK(
      Subject(Digest({Item(p, 0, StageKind::kBefore, 7), Item(p, 3, StageKind::kBefore, 30)})) ==
      "[plazo] 2 compromisos vencen en los próximos 30 días — Programa de Intermediación Laboral");
  CHECK(Subject(Digest({Item(p, 0, StageKind::kDue, 0, "due")})) ==
        "[plazo] 1 compromiso vence hoy — Programa de Intermediación Laboral");
  CHECK(
      Subject(Digest({Item(p, 0, StageKind::kDue, 0, "due"), Item(p, 1, StageKind::kDue, 0, "due"),
                      Item(p, 3, StageKind::kBefore, 30)})) ==
      "[plazo] 2 compromisos vencen hoy y 1 más — Programa de Intermediación Laboral");
  CHECK(Subject(Digest({Item(p, 2, StageKind::kOverdue, -8, "overdue-2"),
                        Item(p, 0, StageKind::kBefore, 7)})) ==
        "[plazo] 1 compromiso vencido hace 8 días y 1 más — Programa de Intermediación Laboral");
  CHECK(Subject(Digest({Item(p, 2, StageKind::kOverdue, -8, "overdue-2"),
                        Item(p, 4, StageKind::kOverdue, -1, "overdue-1")})) ==
        "[plazo] 2 compromisos vencidos — Programa de Intermediación Laboral");
  CHECK(Subject(Digest({Item(p, 2, StageKind::kEscalation, -14, "escalation")})) ==
        "[plazo] Escalamiento: 1 compromiso sigue abierto 14 días después de vencer — "
        "Programa de Intermediación Laboral");
  CHECK(Subject(
            Digest({Item(p, 0, StageKind::kBefore, 7), Item(Other(), 0, StageKind::kBefore, 7)})) ==
        "[plazo] 2 compromisos vencen en 7 días — 2 programas");
  CHECK(Subject(Digest({})) == "[plazo] Mensaje de prueba — sin compromisos");
}

TEST_CASE("English subjects", "[render]") {
  const Program& p = Pil();
  CHECK(Subject(Digest({Item(p, 0, StageKind::kBefore, 7), Item(p, 1, StageKind::kBefore, 7)}),
                "en") ==
        "[plazo] 2 commitments due in 7 days — Programa de Intermediación Laboral");
  CHECK(Subject(Digest({Item(p, 2, StageKind::kOverdue, -1, "overdue-1")}), "en") ==
        "[plazo] 1 commitment 1 day overdue — Programa de Intermediación Laboral");
  CHECK(Subject(Digest({Item(p, 0, StageKind::kDue, 0, "due"),
                        Item(Other(), 0, StageKind::kBefore, 7)}),
                "en") == "[plazo] 1 commitment due today and 1 more — 2 programs");
  CHECK(Subject(Digest({}), "en") == "[plazo] Test message — no commitments");
  // An unknown language falls back to Spanish.
  CHECK(Subject(Digest({}), "fr") == "[plazo] Mensaje de prueba — sin compromisos");
}

TEST_CASE("the digest lists each item with program, part, text, verification, due date and days",
          "[render]") {
  const Program& p = Pil();
  PlannedItem late = Item(p, 2, StageKind::kOverdue, -24, "overdue-4");
  late.late = true;
  Notification n =
      Digest({late, Item(p, 0, StageKind::kBefore, 7), Item(p, 3, StageKind::kBefore, 30)});
  RenderedEmail r = EmailRenderer::Builtin("es").Render(n, Santiago());
  INFO(r.text);
  // In the planner's order: overdue first, then by due date.
  size_t overdue = r.text.find("Compromiso 4, parte 1 · Programa de Intermediación Laboral");
  size_t first = r.text.find("Compromiso 1 · Programa de Intermediación Laboral");
  size_t second = r.text.find("Compromiso 4, parte 2 · Programa de Intermediación Laboral");
  REQUIRE(overdue != std::string::npos);
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(overdue < first);
  CHECK(first < second);
  CHECK(
      Has(r.text,
          "venció hace 24 días (aviso atrasado) (fecha de vencimiento: 30 de noviembre de 2026)"));
  CHECK(Has(r.text, "vence en 7 días (fecha de vencimiento: 31 de diciembre de 2026)"));
  CHECK(Has(r.text, "Compromiso: Realizar el rediseño del Programa."));
  CHECK(Has(r.text, "Debe enviar: Resultados del Piloto."));
  CHECK(Has(r.text, "Estado: en evaluación"));
  CHECK(Has(r.text, "24 de diciembre de 2026 · enviado a encargado.pil@example.gob.cl"));
  CHECK(r.text.rfind("1 compromiso vencido hace 24 días y 2 más\n\nUn compromiso a su cargo tiene "
                     "el plazo vencido",
                     0) == 0);
  CHECK(Has(r.text, "Envíelos lo antes posible. El mensaje incluye además 2 compromisos menos "
                    "urgentes.\n"));
  // The block tags, alone on their lines, leave no blank lines behind.
  CHECK_FALSE(Has(r.text, "\n\n\n"));
  CHECK(Has(r.html, "<div class=\"item overdue\">"));
  CHECK(Has(r.html,
            "<title>[plazo] 1 compromiso vencido hace 24 días y 2 más — "
            "Programa de Intermediación Laboral</title>"));

  RenderedEmail en = EmailRenderer::Builtin("en").Render(n, Santiago());
  CHECK(Has(en.text, "Commitment 4, part 1 · Programa de Intermediación Laboral"));
  CHECK(Has(en.text, "24 days overdue (sent late) (due date: November 30, 2026)"));
  CHECK(Has(en.text, "due in 7 days (due date: December 31, 2026)"));
  CHECK(Has(en.text, "Status: under evaluation"));
}

// The schedule of the wording tests: Santiago, with escalation contacts.
const Schedule& Escalating() {
  static const Schedule s = [] {
    Schedule s;
    s.name = "dipres";
    s.timezone = "America/Santiago";
    s.zone = Santiago();
    s.escalate_to = {"jefatura@example.gob.cl"};
    return s;
  }();
  return s;
}

// An item of p at instant at, as the planner makes it.
PlannedItem ItemAt(const Program& p, size_t index, StageKind kind, const char* at,
                   bool late = false) {
  const Commitment& c = p.commitments.at(index);
  PlannedItem i = Item(p, index, kind, DaysLeft(c.due, At(at), Santiago()),
                       kind == StageKind::kDue ? "due" : "stage");
  i.schedule = &Escalating();
  i.late = late;
  return i;
}

std::string Intro(const Notification& n, std::string_view language = "es") {
  std::string text = EmailRenderer::Builtin(language).Render(n, Santiago()).text;
  size_t start = text.find("\n\n") + 2;
  return text.substr(start, text.find("\n\n", start) - start);
}

TEST_CASE("the intro speaks to the recipient's role about the most urgent items", "[render]") {
  const Program& p = Pil();
  // An owner whose part is escalated: asked to act, told who else knows.
  CHECK(Intro(Digest({ItemAt(p, 2, StageKind::kEscalation, "2026-12-24T09:00:00-03:00")})) ==
        "Un compromiso a su cargo sigue abierto mucho después de su vencimiento. Envíe los medios "
        "de verificación lo antes posible. Este aviso se envió también a los contactos de "
        "escalamiento.");
  // The escalation contact: told why, not asked for what is not theirs.
  PlannedItem contact = ItemAt(p, 2, StageKind::kEscalation, "2026-12-24T09:00:00-03:00");
  contact.escalation_contact = true;
  PlannedItem contact2 = ItemAt(p, 4, StageKind::kEscalation, "2026-12-24T09:00:00-03:00");
  contact2.escalation_contact = true;
  CHECK(Intro(Digest({contact, contact2})) ==
        "2 compromisos siguen abiertos mucho después de su vencimiento. Recibe este aviso porque "
        "su dirección está registrada para escalamientos.");
  CHECK(Intro(Digest({contact}), "en") ==
        "One commitment is still open long after its due date. You receive this alert because "
        "your address is listed for escalations.");
  // A mixed digest: the escalation sentence counts the escalation only, and
  // the items due in 1 and 7 days are "less urgent", not "long overdue".
  std::string mixed = Intro(Digest({ItemAt(p, 2, StageKind::kEscalation, "2026-12-24T09:00:00-03:00"),
                                    Item(p, 0, StageKind::kBefore, 7), Item(p, 1, StageKind::kBefore, 1)}));
  CHECK(mixed.starts_with("Un compromiso a su cargo sigue abierto mucho después"));
  CHECK(mixed.ends_with("El mensaje incluye además 2 compromisos menos urgentes."));
  CHECK_FALSE(Has(mixed, "Recibe este aviso"));
  CHECK_FALSE(Has(mixed, "Los siguientes compromisos"));
  // Reminders and due dates, singular and plural, in both languages.
  CHECK(Intro(Digest({Item(p, 0, StageKind::kBefore, 7), Item(p, 1, StageKind::kBefore, 7)})) ==
        "Le recordamos que 2 compromisos a su cargo vencen pronto. Envíe los medios de "
        "verificación antes de la fecha de vencimiento.");
  CHECK(Intro(Digest({Item(p, 0, StageKind::kDue, 0, "due")}), "en") ==
        "One commitment of yours is due today. Please submit its means of verification today, "
        "before it expires.");
  CHECK(Intro(Digest({Item(p, 2, StageKind::kOverdue, -3, "overdue-1"),
                      Item(p, 4, StageKind::kOverdue, -1, "overdue-1")}),
              "en") ==
        "2 commitments of yours are past their due date and no means of verification has been "
        "submitted. Please submit them as soon as possible.");
}

// A program whose parts are due at 15:00 in Santiago on 2026-12-24, and at
// 01:00 the day after.
const Program& Timed() {
  static const Program p = [] {
    Program p = MakeProgram("t", "Programa T", {Part(1, 1, "2026-12-24"), Part(2, 1, "2026-12-25"),
                                               Part(3, 1, "2026-12-24")});
    p.commitments[0].due.instant = At("2026-12-24T15:00:00-03:00");
    p.commitments[1].due.instant = At("2026-12-25T01:00:00-03:00");
    p.commitments[2].due.instant = At("2026-12-24T15:00:00-03:00");
    return p;
  }();
  return p;
}

Notification DigestAt(const char* at, std::vector<PlannedItem> items) {
  Notification n = Digest(std::move(items));
  n.at = At(at);
  return n;
}

TEST_CASE("a date-time due shows its hour, and hours or minutes within a day", "[render]") {
  const Program& p = Timed();
  EmailRenderer es = EmailRenderer::Builtin("es");
  // Before the hour, on its day.
  Notification morning =
      DigestAt("2026-12-24T09:00:00-03:00", {ItemAt(p, 0, StageKind::kBefore, "2026-12-24T09:00:00-03:00")});
  RenderedEmail r = es.Render(morning, Santiago());
  CHECK(r.subject == "[plazo] 1 compromiso vence hoy a las 15:00 — Programa T");
  CHECK(Has(r.text, "vence hoy a las 15:00 (fecha de vencimiento: 24 de diciembre de 2026 a las "
                    "15:00)"));
  // The due stage, sent on time (a moment after the instant): due today.
  Notification on_time = DigestAt("2026-12-24T15:00:20-03:00",
                                  {ItemAt(p, 0, StageKind::kDue, "2026-12-24T15:00:20-03:00"),
                                   ItemAt(p, 2, StageKind::kDue, "2026-12-24T15:00:20-03:00")});
  CHECK(es.Render(on_time, Santiago()).subject ==
        "[plazo] 2 compromisos vencen hoy a las 15:00 — Programa T");
  // The due stage three hours late (the daemon was down): past, in hours,
  // never "vence hoy" nor "0 días".
  Notification late = DigestAt(
      "2026-12-24T18:00:00-03:00", {ItemAt(p, 0, StageKind::kDue, "2026-12-24T18:00:00-03:00", true)});
  REQUIRE(late.items[0].days_left == -1);
  r = es.Render(late, Santiago());
  CHECK(r.subject == "[plazo] 1 compromiso vencido hace 3 horas — Programa T");
  CHECK(Has(r.text, "venció hace 3 horas (aviso atrasado) (fecha de vencimiento: 24 de diciembre "
                    "de 2026 a las 15:00)"));
  CHECK(Has(r.text, "Un compromiso a su cargo tiene el plazo vencido"));
  CHECK_FALSE(Has(r.text, "vence hoy"));
  CHECK_FALSE(Has(r.text, " 0 días"));
  // Under an hour late: minutes, singular when one.
  CHECK(es.Render(DigestAt("2026-12-24T15:01:30-03:00",
                           {ItemAt(p, 0, StageKind::kOverdue, "2026-12-24T15:01:30-03:00")}),
                  Santiago())
            .subject == "[plazo] 1 compromiso vencido hace 1 minuto — Programa T");
  // Due tomorrow at 01:00, five hours from now: hours, not "0 días".
  Notification evening = DigestAt("2026-12-24T20:00:00-03:00",
                                  {ItemAt(p, 1, StageKind::kBefore, "2026-12-24T20:00:00-03:00")});
  r = es.Render(evening, Santiago());
  CHECK(r.subject == "[plazo] 1 compromiso vence en 5 horas — Programa T");
  CHECK(Has(r.text, "vence en 5 horas (fecha de vencimiento: 25 de diciembre de 2026 a las 01:00)"));
  // An escalation two hours after a 15:00 due.
  CHECK(es.Render(DigestAt("2026-12-24T17:00:00-03:00",
                           {ItemAt(p, 0, StageKind::kEscalation, "2026-12-24T17:00:00-03:00")}),
                  Santiago())
            .subject ==
        "[plazo] Escalamiento: 1 compromiso sigue abierto 2 horas después de vencer — Programa T");
  // English.
  EmailRenderer en = EmailRenderer::Builtin("en");
  CHECK(en.Render(morning, Santiago()).subject ==
        "[plazo] 1 commitment due today at 15:00 — Programa T");
  r = en.Render(late, Santiago());
  CHECK(r.subject == "[plazo] 1 commitment 3 hours overdue — Programa T");
  CHECK(Has(r.text, "3 hours overdue (sent late) (due date: December 24, 2026 at 15:00)"));
  CHECK(en.Render(DigestAt("2026-12-24T16:00:00-03:00",
                           {ItemAt(p, 0, StageKind::kOverdue, "2026-12-24T16:00:00-03:00")}),
                  Santiago())
            .subject == "[plazo] 1 commitment 1 hour overdue — Programa T");
  // The chat formats say the same.
  ChatMessage chat = es.RenderChat(late);
  REQUIRE(chat.items.size() == 1);
  CHECK(chat.items[0].lines.at(0) ==
        "venció hace 3 horas (aviso atrasado) (fecha de vencimiento: 24 de diciembre de 2026 a "
        "las 15:00)");
}

TEST_CASE("a date due with a reminder hours before its end is due today, not in 0 days",
          "[render]") {
  const Program& p = Pil();
  // before-6h of a date due: 18:00 on the due day, days_left 0.
  CHECK(Subject(Digest({Item(p, 0, StageKind::kBefore, 0, "before-6h")})) ==
        "[plazo] 1 compromiso vence hoy — Programa de Intermediación Laboral");
  CHECK(Subject(Digest({Item(p, 0, StageKind::kBefore, 0, "before-6h")}), "en") ==
        "[plazo] 1 commitment due today — Programa de Intermediación Laboral");
}

TEST_CASE("a part is named with its number when it is the only part left", "[render]") {
  // Part 1 of commitment 8 is gone from the store (fulfilled and removed):
  // part 2 is still "parte 2".
  Program p = MakeProgram("x", "Programa X", {Part(8, 2, "2026-12-31")});
  RenderedEmail r =
      EmailRenderer::Builtin("es").Render(Digest({Item(p, 0, StageKind::kBefore, 7)}), Santiago());
  CHECK(Has(r.text, "Compromiso 8, parte 2 · Programa X"));
}

TEST_CASE("a rescheduled part says the due date it had before", "[render]") {
  Program p = MakeProgram("x", "Programa X", {Part(1, 2, "2026-06-30"), Part(2, 1, "2026-06-30")});
  p.commitments[0].previous_due = {*ParseIsoDate("2025-06-30"), *ParseIsoDate("2025-12-31")};
  Notification n = Digest({Item(p, 0, StageKind::kBefore, 7), Item(p, 1, StageKind::kBefore, 7)});
  RenderedEmail es = EmailRenderer::Builtin("es").Render(n, Santiago());
  INFO(es.text);
  CHECK(Has(es.text,
            "(fecha de vencimiento: 30 de junio de 2026; reprogramado desde el 31 de diciembre de "
            "2025)"));
  CHECK(Has(es.html, "30 de junio de 2026; reprogramado desde el 31 de diciembre de 2025)"));
  // A part never rescheduled says nothing more.
  CHECK(Has(es.text,
            "Compromiso 2 · Programa X\nvence en 7 días (fecha de vencimiento: 30 de "
            "junio de 2026)\n"));
  RenderedEmail en = EmailRenderer::Builtin("en").Render(n, Santiago());
  CHECK(Has(en.text, "(due date: June 30, 2026; rescheduled from December 31, 2025)"));
}

TEST_CASE(
    "every value is HTML-escaped in the HTML part, and no control character reaches the subject",
    "[render]") {
  Program p = MakeProgram("x", "Programa <b>X</b>\r\nBcc: intruso@example.com",
                          {Part(1, 1, "2026-12-31", "<script>alert('x')</script> & \"co\"")});
  RenderedEmail r =
      EmailRenderer::Builtin("es").Render(Digest({Item(p, 0, StageKind::kBefore, 7)}), Santiago());
  CHECK(Has(r.html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"));
  CHECK_FALSE(Has(r.html, "<script>"));
  CHECK_FALSE(Has(r.html, "<b>X</b>"));
  CHECK(Has(r.text, "<script>alert('x')</script> & \"co\""));  // plain text stays plain
  CHECK(r.subject ==
        "[plazo] 1 compromiso vence en 7 días — Programa <b>X</b>  Bcc: intruso@example.com");
  CHECK(r.subject.find_first_of("\r\n") == std::string::npos);
}

TEST_CASE("the template language: values, one repeated block, standalone tags", "[render]") {
  TemplateNames names{{"title"}, {"name"}};
  Template t;
  Diagnostics diags;
  REQUIRE(
      Template::Parse("<{{title}}>\n  {{#items}}  \n- {{ name }} of {{title}}\n{{/items}}\nend\n",
                      "t.txt", names, &t, &diags));
  CHECK(t.Expand({{"title", "A&B"}}, {{{"name", "x"}}, {{"name", "<y>"}}}, false) ==
        "<A&B>\n- x of A&B\n- <y> of A&B\nend\n");
  CHECK(t.Expand({{"title", "A&B"}}, {{{"name", "<y>"}}}, true) ==
        "<A&amp;B>\n- &lt;y&gt; of A&amp;B\nend\n");
  CHECK(t.Expand({{"title", "T"}}, {}, false) == "<T>\nend\n");
  // Inline block tags keep their surroundings.
  REQUIRE(Template::Parse("[{{#items}}{{name}},{{/items}}]", "t.txt", names, &t, &diags));
  CHECK(t.Expand({}, {{{"name", "a"}}, {{"name", "b"}}}, false) == "[a,b,]");
}

std::string ParseErrors(const std::string& text, const TemplateNames& names) {
  Template t;
  Diagnostics diags;
  CHECK_FALSE(Template::Parse(text, "body.txt", names, &t, &diags));
  return diags.ToString();
}

TEST_CASE("template mistakes are errors with file, line and column", "[render]") {
  TemplateNames names{{"headline", "programs"}, {"text"}};
  CHECK(ParseErrors("Hola\n  {{programa}}\n", names) ==
        "body.txt:2:3: unknown name 'programa' (did you mean 'programs'?)\n");
  CHECK(ParseErrors("{{text}}\n", names) ==
        "body.txt:1:1: unknown name 'text' (it is only known inside {{#items}} ... {{/items}})\n");
  CHECK(ParseErrors("{{#items}}\n{{text}}\n", names) ==
        "body.txt:1:1: {{#items}} is never closed by {{/items}}\n");
  CHECK(ParseErrors("a {{/items}}", names) == "body.txt:1:3: {{/items}} without {{#items}}\n");
  CHECK(ParseErrors("{{#rows}}{{/rows}}", names) ==
        "body.txt:1:1: unknown block '#rows': a block is {{#items}} or {{#name}} of a value shown"
        " only when it is not empty\n"
        "body.txt:1:10: {{/rows}} without {{#rows}}\n");
  CHECK(ParseErrors("{{#items}}{{#text}}{{/items}}{{/text}}", names) ==
        "body.txt:1:20: {{/items}} without {{#items}} (the open block is {{#text}})\n"
        "body.txt:1:1: {{#items}} is never closed by {{/items}}\n");
  CHECK(ParseErrors("x {{headline", names) == "body.txt:1:3: '{{' without a closing '}}'\n");
  CHECK(ParseErrors("{{#items}}", {{"headline"}, {}}) ==
        "body.txt:1:1: this template has no {{#items}} block\n");
}

TEST_CASE("a block named after a value shows its text only when the value is not empty",
          "[render]") {
  TemplateNames names{{"headline", "calendar_url"}, {"text", "ack_url"}};
  Template t;
  Diagnostics diags;
  REQUIRE(Template::Parse("{{#items}}\n- {{text}}\n  {{#ack_url}}\n  link: {{ack_url}}\n"
                          "  {{/ack_url}}\n{{/items}}\n{{#calendar_url}}cal {{calendar_url}}"
                          "{{/calendar_url}}.",
                          "body.txt", names, &t, &diags));
  std::vector<TemplateValues> items = {{{"text", "a"}, {"ack_url", "https://x/ack/1"}},
                                       {{"text", "b"}, {"ack_url", ""}}};
  CHECK(t.Expand({{"calendar_url", ""}}, items, false) ==
        "- a\n  link: https://x/ack/1\n- b\n.");
  CHECK(t.Expand({{"calendar_url", "https://x/c.ics"}}, {}, false) == "cal https://x/c.ics.");
  CHECK(t.Expand({{"calendar_url", "<&>"}}, {}, true) == "cal &lt;&amp;&gt;.");
}

TEST_CASE("an admin's templates folder replaces the built-ins file by file and phrase by phrase",
          "[render]") {
  testing::ScratchDir dir;
  std::filesystem::create_directories(dir.File("es"));
  dir.Write("es/subject.txt", "Aviso: {{headline}} ({{programs}})\n");
  dir.Write("es/phrases.txt",
            "# solo una frase\nheadline.reminder.many = {{count}} plazos en {{days}}\n");
  EmailRenderer r;
  Diagnostics diags;
  REQUIRE(EmailRenderer::Load(dir.path(), "es", &r, &diags));
  const Program& p = Pil();
  RenderedEmail e = r.Render(
      Digest({Item(p, 0, StageKind::kBefore, 7), Item(p, 1, StageKind::kBefore, 7)}), Santiago());
  CHECK(e.subject == "Aviso: 2 plazos en 7 días (Programa de Intermediación Laboral)");
  CHECK(Has(e.text, "Debe enviar:"));  // body.txt is still the built-in one

  // Mistakes name the admin's file.
  dir.Write("es/phrases.txt",
            "headline.reminder.mny = x\nmonths = enero febrero\nwhen.left = en {{day}}\nnada\n");
  dir.Write("es/body.html", "{{#items}}{{txt}}{{/items}}");
  Diagnostics bad;
  CHECK_FALSE(EmailRenderer::Load(dir.path(), "es", &r, &bad));
  bad.Sort();
  std::string folder = dir.path() + "/es/";
  CHECK(bad.ToString() ==
        folder + "body.html:1:11: unknown name 'txt' (did you mean 'text'?)\n" + folder +
            "phrases.txt:1:1: unknown phrase 'headline.reminder.mny' (did you mean "
            "'headline.reminder.many'?)\n" +
            folder + "phrases.txt:2:10: 'months' must list the twelve month names, found 2\n" +
            folder + "phrases.txt:3:16: unknown name 'day' (did you mean 'days'?)\n" + folder +
            "phrases.txt:4:1: expected 'key = text'\n");

  // A phrases.txt from before the intro was split by number and role still
  // loads, with a warning naming the phrases that replaced each old one.
  std::filesystem::remove(dir.File("es/body.html"));
  dir.Write("es/phrases.txt",
            "intro.reminder = Recuerde sus {{count}} compromisos.\n"
            "intro.escalation = Usted es contacto de escalamiento.\n");
  Diagnostics old;
  REQUIRE(EmailRenderer::Load(dir.path(), "es", &r, &old));
  CHECK(old.empty());
  REQUIRE(old.warnings().size() == 2);
  CHECK(
      old.warnings()[0].ToString() ==
      folder +
          "phrases.txt:1:1: warning: phrase 'intro.reminder' is from an earlier plazo; it now sets "
          "'intro.reminder.one' and 'intro.reminder.many': write those instead");
  CHECK(Has(r.Render(Digest({Item(p, 0, StageKind::kBefore, 7), Item(p, 1, StageKind::kBefore, 7)}),
                     Santiago())
                .text,
            "\nRecuerde sus 2 compromisos.\n"));
  PlannedItem contact = ItemAt(p, 2, StageKind::kEscalation, "2026-12-24T09:00:00-03:00");
  contact.escalation_contact = true;
  CHECK(
      Has(r.Render(Digest({contact}), Santiago()).text, "\nUsted es contacto de escalamiento.\n"));

  Diagnostics missing;
  CHECK_FALSE(EmailRenderer::Load(dir.File("nowhere"), "es", &r, &missing));
  CHECK(missing.ToString() ==
        dir.File("nowhere") + ": no 'es' folder of templates in this folder\n");
}

}  // namespace
}  // namespace plazo
