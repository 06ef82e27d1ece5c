"""An officer's acknowledgement link (README "Officers answer back") in a real
browser: headless Chromium driven by Selenium, against a real plazod run
with its HTTP listener, a real webhook receiver, and the e-mails plazo
delivers to a real SMTP server (aiosmtpd). One store, two parts due in seconds and then
overdue every 2 s, with an escalation; the officer answers for part 1, part
2 is the control.

- the link from the e-mail opens a page with the program, commitment and
  due date; opening it changes nothing; the form records the comment (as
  the browser sends it, accents and line break included) with the
  officer's address and the client's;
- the "acknowledged" webhook arrives and its signature verifies with the
  official standardwebhooks library (tests/webhook_verify);
- `plazod ack list`, `plazod status --json`, /api/v1/status and /metrics
  show the acknowledgement; the escalation contact's next e-mail tells it;
- from then on part 1 gets no overdue or escalation stage while part 2
  keeps getting its own;
- the link again (and a second POST) says "ya registrado", once; a form
  without its proof is refused; a tampered token is 404, an expired one
  410; after `plazod ack revoke` the old link is 410, part 1's overdue
  reminders resume and the new e-mail's link works again;
- the calendar link is text/calendar; no token reaches plazod's log.

Screenshots (ack-page, confirmed, already, tampered, expired, revoked) go to
SCREENSHOTS_DIR.

    python3 ack_browser.py PLAZOD REPO_DIR SCREENSHOTS_DIR
"""
import email
import email.policy
import glob
import http.client
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from datetime import datetime
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_e2e  # noqa: E402
from daemon_e2e import Daemon, wait_until  # noqa: E402

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    webdriver = None

REPO = None
SCREENSHOTS = None
SECRET = "whsec_c2VjcmV0LWZvci10ZXN0cw=="  # daemon_e2e.Daemon's webhook secret
ZONE = "America/Santiago"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre"]
ACK_LINE = "Ya envié los medios de verificación:"
CALENDAR_LINE = "Sus plazos en su calendario (suscripción):"
OVERDUE_EVERY, ESCALATE_AFTER, LINK_EXPIRY = 2, 10, 18  # seconds


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def moment_es(t):
    """A time as the pages write it: "3 de diciembre de 2026 a las 03:04"."""
    local = datetime.fromtimestamp(t, ZoneInfo(ZONE))
    return f"{local.day} de {MONTHS[local.month - 1]} de {local.year} a las {local:%H:%M}"


class SignedReceiver:
    """An HTTP server keeping every POST as it came: headers and exact body,
    for the signature check."""

    def __init__(self):
        self.requests = []  # (arrival unix time, lower-cased headers, body text, payload)
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                with outer.lock:
                    outer.requests.append((time.time(), {k.lower(): v for k, v in self.headers.items()},
                                           body, json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def items(self):
        """(arrival, commitment id, stage) of every item received."""
        with self.lock:
            return [(t, it["commitment"]["id"], it["stage"])
                    for t, _, _, p in self.requests for it in p["items"]]

    def of_kind(self, kind):
        with self.lock:
            return [r for r in self.requests if r[3]["kind"] == kind]


@unittest.skipIf(webdriver is None or not os.access(CHROMIUM, os.X_OK)
                 or not os.access(CHROMEDRIVER, os.X_OK),
                 "needs chromium, chromedriver and python3-selenium (scripts/setup.sh installs them)")
class AckBrowserTest(unittest.TestCase):
    def setUp(self):
        self.receiver = SignedReceiver()
        self.addCleanup(self.receiver.stop)
        self.port = free_port()
        # The e-mails go to a real SMTP server (aiosmtpd, tests/peers).
        self.mail_dir = tempfile.mkdtemp(prefix="plazo-ack-smtp-")
        self.addCleanup(shutil.rmtree, self.mail_dir, True)
        peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers", "smtp_server.py")
        smtp = subprocess.Popen([sys.executable, peer, "--dir", self.mail_dir, "--mode", "plain"],
                                stdout=subprocess.PIPE, text=True)
        self.addCleanup(smtp.wait)
        self.addCleanup(smtp.terminate)
        line = smtp.stdout.readline()
        self.assertTrue(line.startswith("PORT "), line)
        smtp_port = int(line.split()[1])
        schedule = (f'before = []\noverdue_every = "{OVERDUE_EVERY}s"\noverdue_max = 30\n'
                    f'escalate_after = "{ESCALATE_AFTER}s"\nescalate_to = ["jefe@example.gob.cl"]')
        self.d = Daemon(self.receiver.port, schedule,
                        extra_settings=f'[http]\nlisten = "127.0.0.1:{self.port}"\n'
                                       f'public_url = "http://127.0.0.1:{self.port}"\n'
                                       f'link_expiry = "{LINK_EXPIRY}s"\n'
                                       f'[email]\nurl = "smtp://127.0.0.1:{smtp_port}"\nstarttls = false\n'
                                       f'from = "Plazo <plazo@example.gob.cl>"\n')
        self.addCleanup(self.d.remove)
        with open(self.d.settings) as f:
            text = f.read()
        with open(self.d.settings, "w") as f:
            f.write(text.replace('state = "state"\n', f'state = "state"\ntimezone = "{ZONE}"\n', 1))
        os.makedirs(SCREENSHOTS, exist_ok=True)
        self.work = tempfile.mkdtemp(prefix="plazo-ack-browser-")
        self.addCleanup(shutil.rmtree, self.work, True)
        # The browser first: it takes the longest to start.
        options = Options()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--window-size=1000,800", "--lang=es-CL"):
            options.add_argument(arg)
        self.browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.addCleanup(self.browser.quit)
        self.browser.set_window_size(1000, 800)
        self.browser.set_page_load_timeout(15)

    # -- helpers ---------------------------------------------------------

    def request(self, method, path, body=None):
        """(status, headers with lower-case names, body) of one request."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
        c.close()
        return out

    def mails(self):
        """{file: message} of every e-mail the SMTP server received so far."""
        out = {}
        for path in glob.glob(os.path.join(self.mail_dir, "*.eml")):
            with open(path, "rb") as f:
                out[path] = email.message_from_binary_file(f, policy=email.policy.default)
        return out

    @staticmethod
    def links_of(mail):
        """({commitment number: ack link}, calendar link) of an e-mail's plain text."""
        lines = mail.get_body(("plain",)).get_content().splitlines()
        acks, calendar, number = {}, None, None
        for i, line in enumerate(lines):
            m = re.match(r"Compromiso (\d+) · ", line)
            if m:
                number = int(m.group(1))
            elif line == ACK_LINE:
                acks[number] = lines[i + 1]
            elif line == CALENDAR_LINE:
                calendar = lines[i + 1]
        return acks, calendar

    def open(self, url, name=None):
        """Opens url in the browser: (title, text of <main>); a screenshot when named."""
        self.browser.get(url)
        self.assertTrue(wait_until(lambda: self.main_text(), 10), self.browser.page_source)
        if name:
            self.assertTrue(self.browser.save_screenshot(os.path.join(SCREENSHOTS, name)))
        return self.browser.title, self.main_text()

    def main_text(self):
        try:
            return self.browser.find_element(By.TAG_NAME, "main").text
        except Exception:  # between pages
            return ""

    def heading(self):
        try:
            return self.browser.find_element(By.TAG_NAME, "h1").text
        except Exception:
            return ""

    def plazod(self, *args):
        r = subprocess.run([daemon_e2e.PLAZOD, *args, "--config", self.d.settings],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def acks_in_ledger(self):
        return self.d.ledger("SELECT program, commitment, recipient, comment, client, revoked_at "
                             "FROM acks ORDER BY id")

    def stage_at(self, stage):
        """The instant of one of this schedule's stages."""
        if stage == "due":
            return self.due
        if stage == "escalation":
            return self.due + ESCALATE_AFTER
        m = re.fullmatch(r"overdue-(\d+)", stage)
        self.assertIsNotNone(m, stage)
        return self.due + OVERDUE_EVERY * int(m.group(1))

    def stages_of(self, commitment, after):
        """The stages of commitment received whose instant is after `after`."""
        return sorted({s for _, c, s in self.receiver.items()
                       if c == commitment and s != "acknowledged" and self.stage_at(s) > after},
                      key=self.stage_at)

    # -- the test --------------------------------------------------------

    def test_an_officer_acknowledges_in_the_browser_and_only_that_part_stops(self):
        self.due = int(time.time()) + 3
        self.d.write_store("a", [(1, self.due), (2, self.due)])
        self.d.start()
        self.assertTrue(wait_until(lambda: "serving /healthz" in self.d.log_text(), 5), self.d.log_text())

        # The "due" e-mail to the officer: one link per part, and the calendar.
        def due_mail():
            for m in self.mails().values():
                if m["To"] == "ana@example.gob.cl" and "vencen hoy" in str(m["Subject"]):
                    return m
            return None
        self.assertTrue(wait_until(due_mail, 15), self.d.log_text())
        acks, calendar = self.links_of(due_mail())
        self.assertEqual(sorted(acks), [1, 2])
        base = f"http://127.0.0.1:{self.port}"
        for n in (1, 2):
            self.assertTrue(acks[n].startswith(base + "/ack/"), acks[n])
        link, control_link = acks[1], acks[2]
        token = link[len(base + "/ack/"):]
        tokens = [token, control_link[len(base + "/ack/"):]]
        self.assertTrue(calendar.startswith(base + "/calendar/") and calendar.endswith(".ics"), calendar)
        tokens.append(calendar[len(base + "/calendar/"):-len(".ics")])

        # 9. The calendar link: the officer's two deadlines.
        status, headers, body = self.request("GET", urllib.parse.urlsplit(calendar).path)
        self.assertEqual((status, headers["content-type"]), (200, "text/calendar; charset=utf-8"), body)
        self.assertTrue(body.startswith("BEGIN:VCALENDAR"), body[:200])
        self.assertEqual(body.count("BEGIN:VEVENT"), 2, body)

        # The pages' headers; the control part's link works (it expires later).
        status, headers, body = self.request("GET", urllib.parse.urlsplit(control_link).path)
        self.assertEqual(status, 200, body)
        self.assertIn('name="proof"', body)
        self.assertTrue(headers["content-security-policy"].startswith("default-src 'none'"), headers)
        self.assertEqual(headers["x-frame-options"], "DENY")
        self.assertEqual(headers["referrer-policy"], "no-referrer")
        self.assertEqual(headers["cache-control"], "no-store")

        # 1. The officer opens the link: what is due, and when.
        title, text = self.open(link, "ack-page.png")
        self.assertEqual(title, "Medios de verificación · plazo")
        self.assertIn("¿Ya envió los medios de verificación?", text)
        self.assertIn("Programa\nPrograma a", text)
        self.assertIn("Compromiso 1\nParte 1", text)
        self.assertIn("Fecha de vencimiento\n" + moment_es(self.due), text)
        self.assertIn("Aviso enviado a\nana@example.gob.cl", text)
        button = self.browser.find_element(By.CSS_SELECTOR, "form button[type=submit]")
        self.assertEqual(button.text, "Ya envié los medios de verificación")
        proof = self.browser.find_element(By.NAME, "proof").get_attribute("value")
        self.assertTrue(proof)
        # Opening it (twice now, scanners do too) records nothing.
        self.assertEqual(self.acks_in_ledger(), [])
        self.assertEqual(self.receiver.of_kind("acknowledged"), [])

        # 2. A comment with accents and a line break, then the button.
        self.browser.find_element(By.ID, "comment").send_keys(
            "  Los envié por correo a control@dipres.gob.cl\nel 2 de diciembre (señora Peña)  ")
        clicked = time.time()
        button.click()
        self.assertTrue(wait_until(lambda: self.heading() == "Confirmación registrada", 10),
                        self.browser.page_source)
        confirmed = time.time()
        self.browser.save_screenshot(os.path.join(SCREENSHOTS, "confirmed.png"))
        comment = "Los envié por correo a control@dipres.gob.cl\nel 2 de diciembre (señora Peña)"
        text = self.main_text()
        self.assertIn("Gracias. Quedó registrado el ", text)
        self.assertIn("Compromiso 1\nParte 1", text)
        self.assertEqual(self.acks_in_ledger(),
                         [("p-a", "c1", "ana@example.gob.cl", comment, "127.0.0.1", None)])
        at = self.d.ledger("SELECT at FROM acks")[0][0]
        self.assertTrue(int(clicked) <= at <= confirmed, (clicked, at, confirmed))
        self.assertIn(moment_es(at), text)

        # 3. The "acknowledged" webhook, signed as the standard says.
        self.assertTrue(wait_until(lambda: self.receiver.of_kind("acknowledged"), 10), self.d.log_text())
        _, headers, body, payload = self.receiver.of_kind("acknowledged")[0]
        self.assertEqual(payload["destination"], "equipo")
        self.assertEqual(payload["acknowledged"]["by"], "ana@example.gob.cl")
        self.assertEqual(payload["acknowledged"]["comment"], comment)
        self.assertEqual(payload["id"], headers["webhook-id"])
        self.assertEqual([(i["program"]["id"], i["commitment"]["id"], i["stage"]) for i in payload["items"]],
                         [("p-a", "c1", "acknowledged")])
        record = os.path.join(self.work, "acknowledged.json")
        with open(record, "w") as f:
            json.dump({"headers": headers, "body": body}, f)
        self.verify_signature(record)

        # 4. The admin's views.
        listed = json.loads(self.plazod("ack", "list", "--json"))
        self.assertEqual([(a["program"], a["commitment"], a["by"], a["comment"], a["client"])
                          for a in listed], [("p-a", "c1", "ana@example.gob.cl", comment, "127.0.0.1")])
        self.assertNotIn("revoked_at", listed[0])
        self.assertIn("1 acknowledgement in force", self.plazod("ack", "list"))
        for doc in (json.loads(self.plazod("status", "--json")),
                    json.loads(self.request("GET", "/api/v1/status")[2])):
            items = {i["commitment"]: i for key in ("overdue", "due_soon", "later", "fulfilled")
                     for i in doc.get(key, [])}
            self.assertEqual(sorted(items), ["c1", "c2"], doc)
            self.assertEqual((items["c1"]["acknowledged"]["by"], items["c1"]["acknowledged"]["comment"]),
                             ("ana@example.gob.cl", comment))
            self.assertNotIn("acknowledged", items["c2"])
        self.assertIn("\nplazo_acknowledged_parts 1\n", self.request("GET", "/metrics")[2])

        # 6. The link again: already recorded, in the browser and by a second POST.
        title, text = self.open(link, "already.png")
        self.assertEqual(self.heading(), "Medios de verificación ya informados")
        self.assertIn(f"Ya registrado el {moment_es(at)} por ana@example.gob.cl.", text)
        self.assertIn("Comentario: " + comment.replace("\n", " "), text.replace("\n", " "))
        self.assertEqual(self.browser.find_elements(By.TAG_NAME, "form"), [])
        status, _, body = self.request("POST", urllib.parse.urlsplit(link).path,
                                       urllib.parse.urlencode({"proof": proof, "comment": "otra vez"}))
        self.assertEqual(status, 200, body)
        self.assertIn("Ya registrado el ", body)
        self.assertNotIn("otra vez", body)
        # A form without its proof (the control part's link) is refused.
        status, _, body = self.request("POST", urllib.parse.urlsplit(control_link).path,
                                       urllib.parse.urlencode({"comment": "sin prueba"}))
        self.assertEqual(status, 403, body)
        self.assertEqual(len(self.acks_in_ledger()), 1)

        # 7a. A tampered token: 404, nothing else.
        middle = len(token) // 2
        tampered = token[:middle] + "".join("B" if ch == "A" else "A" for ch in token[middle:middle + 3]) \
            + token[middle + 3:]
        self.assertNotEqual(tampered, token)
        tokens.append(tampered)
        status, _, body = self.request("GET", "/ack/" + tampered)
        self.assertEqual(status, 404, body)
        self.open(base + "/ack/" + tampered, "tampered.png")
        self.assertEqual(self.heading(), "Enlace no válido")
        self.assertEqual(self.request("GET", "/calendar/" + tampered + ".ics")[0], 404)

        # 5. From the click on, part 1 gets no stage; part 2 gets its overdue
        # ones and its escalation, whose e-mail to the boss tells of the click.
        def control_went_on():
            later = self.stages_of("c2", confirmed)
            return "escalation" in later and len([s for s in later if s.startswith("overdue-")]) >= 2
        self.assertTrue(wait_until(control_went_on, self.due + ESCALATE_AFTER + 8 - time.time()),
                        self.receiver.items())
        self.assertEqual(self.stages_of("c1", confirmed), [], self.receiver.items())
        if confirmed < self.due + ESCALATE_AFTER:
            self.assertNotIn(("c1", "escalation"), {(c, s) for _, c, s in self.receiver.items()})
        # The escalation webhook may come before the SMTP server has the boss's e-mail.
        boss_mails = lambda: [m for m in self.mails().values() if m["To"] == "jefe@example.gob.cl"]
        self.assertTrue(wait_until(boss_mails, 10), self.d.log_text())
        boss = boss_mails()
        told = [m.get_body(("plain",)).get_content() for m in boss]
        told = [t for t in told if "Avisaron que ya enviaron los medios de verificación:" in t]
        self.assertEqual(len(told), 1, told)
        news = told[0].split("Avisaron que ya enviaron los medios de verificación:\n")[1].split("\n\n")[0]
        self.assertTrue(news.startswith("- Compromiso 1 · Programa a: ana@example.gob.cl, el "), news)
        self.assertIn(' — "' + comment.replace("\n", " ") + '"', news)
        # The boss is told why the alert reaches them, not asked to act; the
        # officer's own escalation asks her to act and says who else knows.
        self.assertIn("Recibe este aviso porque su dirección está registrada para escalamientos.",
                      told[0])
        self.assertNotIn("a su cargo", told[0])
        owner_escalations = lambda: [
            m.get_body(("plain",)).get_content() for m in self.mails().values()
            if m["To"] == "ana@example.gob.cl" and str(m["Subject"]).startswith("[plazo] Escalamiento")]
        self.assertTrue(wait_until(owner_escalations, 10), self.d.log_text())
        for text in owner_escalations():
            self.assertRegex(text, r"(Un compromiso a su cargo sigue abierto|\d+ compromisos a su "
                                   r"cargo siguen abiertos) mucho después de su vencimiento\.")
            self.assertIn("Este aviso se envió también a los contactos de escalamiento.", text)
            self.assertNotIn("Recibe este aviso porque", text)

        # 8. The admin revokes: the old link is refused, the reminders resume,
        # and the link of the next e-mail works again.
        seen = {url for m in self.mails().values() for url in self.links_of(m)[0].values()}
        out = self.plazod("ack", "revoke", "p-a/c1")
        revoked = time.time()
        self.assertIn("revoked 1 acknowledgement of p-a/c1", out)
        status, _, body = self.request("GET", urllib.parse.urlsplit(link).path)
        self.assertEqual(status, 410, body)
        self.open(link, "revoked.png")
        self.assertEqual(self.heading(), "Enlace revocado")
        self.assertEqual(json.loads(self.plazod("ack", "list", "--json")), [])
        history = json.loads(self.plazod("ack", "list", "--json", "--all"))
        self.assertEqual(len(history), 1)
        self.assertIn("revoked_at", history[0])
        self.assertIn("\nplazo_acknowledged_parts 0\n", self.request("GET", "/metrics")[2])
        self.assertTrue(wait_until(lambda: any(s.startswith("overdue-")
                                               for s in self.stages_of("c1", revoked)), 8),
                        self.receiver.items())

        def fresh_link():
            for m in self.mails().values():
                fresh = self.links_of(m)[0].get(1)
                if m["To"] == "ana@example.gob.cl" and fresh and fresh not in seen:
                    return fresh
            return None
        self.assertTrue(wait_until(fresh_link, 5), self.d.log_text())
        fresh = fresh_link()
        tokens.append(fresh[len(base + "/ack/"):])
        status, _, body = self.request("GET", urllib.parse.urlsplit(fresh).path)
        self.assertEqual(status, 200, body)
        self.assertIn('name="proof"', body)

        # 7b. Past link_expiry the first e-mail's links are 410.
        # (written just after its links were signed)
        issued = os.path.getmtime([p for p, m in self.mails().items()
                                   if m["To"] == "ana@example.gob.cl" and "vencen hoy" in str(m["Subject"])][0])
        expired = lambda: self.request("GET", urllib.parse.urlsplit(control_link).path)[0] == 410
        self.assertTrue(wait_until(expired, issued + LINK_EXPIRY + 3 - time.time()),
                        self.request("GET", urllib.parse.urlsplit(control_link).path))
        title, text = self.open(control_link, "expired.png")
        self.assertEqual(self.heading(), "Enlace vencido")
        self.assertIn("Este enlace venció el ", text)

        # Still one acknowledgement and one webhook of it.
        self.assertEqual(len(self.acks_in_ledger()), 1)
        self.assertEqual(len(self.receiver.of_kind("acknowledged")), 1)

        # 10. No token, nor proof, in plazod's log; the click is there.
        log = self.d.log_text()
        self.assertIn("acknowledged p-a/c1", log)
        for secret in tokens + [proof]:
            self.assertNotIn(secret, log)
            self.assertNotIn(secret[-22:], log)
        self.assertEqual(self.d.stop(), 0)

    def verify_signature(self, record):
        verify = os.path.join(REPO, "tests", "webhook_verify", "verify.js")
        node = shutil.which("node")
        self.assertTrue(node and os.path.isdir(os.path.join(REPO, "tests", "webhook_verify", "node_modules",
                                                            "standardwebhooks")),
                        "node or npm standardwebhooks is missing: run scripts/setup.sh")
        r = subprocess.run([node, verify, SECRET, record], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("verified", r.stdout)
        # Under another secret it fails: the check above means something.
        r = subprocess.run([node, verify, "whsec_d3Jvbmctc2VjcmV0", record], capture_output=True,
                           text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0, r.stdout)


if __name__ == "__main__":
    daemon_e2e.PLAZOD = os.path.abspath(sys.argv.pop(1))
    REPO = os.path.abspath(sys.argv.pop(1))
    SCREENSHOTS = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
