#!/usr/bin/env python3
"""End-to-end tests of plazod's webhook formats and delivery rules, with the
real daemon (`plazod run`) as a child process, a real HTTP receiver on a free
loopback port recording the exact body bytes and headers of every POST, and
the official checkers: the npm `standardwebhooks` library for signatures
(tests/webhook_verify/verify.js) and the platforms' own types and parsers for
chat bodies (tests/chat_formats/validate.mjs).

  - format = json, slack, mattermost, teams, googlechat: every notification
    arrives signed; digests per instant (Google Chat: per program, threaded);
    Slack's 50-block limit is respected with a count of the rest; mrkdwn
    escaping;
  - key rotation with secret_files: two signatures, either secret verifies;
  - Retry-After on 429 and 503, capped by [delivery] max_retry;
  - 410 Gone: the webhook is disabled (no retry, later notifications given up
    without a request), shown by status and /metrics, kept across a restart,
    enabled again by an edit of its settings.

usage: webhook_formats.py PLAZOD SOURCE_DIR [unittest args]
PLAZO_KEEP=1 keeps each test's temporary folder (settings, store, state,
plazod.log, the recorded deliveries) to look at after a failure.
Prints the observed Retry-After gaps.
"""
import base64
import http.server
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

PLAZOD = None
SOURCE = None
GAPS = []  # (what, seconds between the first request and its retry)

SECRET = "whsec_" + base64.b64encode(b"secret-for-webhook-format-tests").decode()
OLD_SECRET = "whsec_" + base64.b64encode(b"the-old-secret-being-rotated-out").decode()
NEW_SECRET = "whsec_" + base64.b64encode(b"the-new-secret-being-rotated-in!").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"an-unrelated-secret-nobody-uses").decode()

CHAT_FORMATS = ["slack", "mattermost", "teams", "googlechat"]

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_e2e import Notify, rfc3339, wait_until  # noqa: E402


class Receiver:
    """An HTTP server recording every POST (exact body bytes, headers with
    lower-case names, the path, the status it answered). Per path it answers
    200 (the default), 410 Gone, or a status with Retry-After for the first
    N requests and 200 after: see answer()."""

    def __init__(self):
        self.requests = []  # dicts: at, path, target (path?query), headers, body (bytes), status
        self.rules = {}     # path -> ("ok",) | ("gone",) | ("retry", status, retry_after, n)
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                at = time.time()
                path = self.path.split("?", 1)[0]  # the query (e.g. Google Chat's) kept in "target"
                with outer.lock:
                    rule = outer.rules.get(path, ("ok",))
                    seen = sum(1 for r in outer.requests if r["path"] == path)
                    status, extra = 200, {}
                    if rule[0] == "gone":
                        status = 410
                    elif rule[0] == "retry" and seen < rule[3]:
                        status, extra = rule[1], {"Retry-After": str(rule[2])}
                    outer.requests.append({"at": at, "path": path, "target": self.path,
                                           "status": status, "body": body,
                                           "headers": {k.lower(): v for k, v in self.headers.items()}})
                answer = b"" if status == 200 else http.HTTPStatus(status).phrase.encode()
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, path, *rule):
        with self.lock:
            self.rules[path] = rule

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def at(self, path):
        """The requests to path so far, oldest first."""
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def summary(self):
        """What arrived, for failure messages."""
        with self.lock:
            lines = [f"{r['at']:.3f} {r['target']} -> {r['status']} id={r['headers'].get('webhook-id')} "
                     f"{len(r['body'])} bytes: {r['body'][:240]!r}" for r in self.requests]
        return "received:\n  " + ("\n  ".join(lines) if lines else "(nothing)")


def write_atomically(path, text):
    """Like an editor: write aside, rename over."""
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".swp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(tmp, path)


def long_text(n):
    """A commitment's text as reports have them: long, Spanish, accents, and
    the characters chat formats must escape (<, &, *)."""
    return (f"Elaborar un diagnóstico técnico & financiero del Programa de Intermediación Laboral "
            f"(parte {n}), con énfasis en la población más vulnerable: niñas, niños y adolescentes, "
            f"mujeres jefas de hogar y personas mayores; revisar los *indicadores de propósito* cuya "
            f"cobertura sea < 50 % en 2023 & 2024, y proponer ajustes al diseño, la focalización y la "
            f"articulación con la Subsecretaría del Trabajo y el Servicio Nacional de Capacitación y "
            f"Empleo, según las recomendaciones del panel evaluador de la Dirección de Presupuestos.")


def verification_text(n):
    return (f"Informe de diagnóstico (versión final) & acta de validación firmada por la jefatura del "
            f"*Departamento de Estudios*, con montos < 1.000 UTM detallados; anexo N° {n}.")


class Daemon:
    """A temporary folder with settings, store, state and secret files, and
    plazod run on them. The test writes the settings (settings())."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="plazo-webhooks-")
        self.store = os.path.join(self.dir, "store")
        self.state = os.path.join(self.dir, "state")
        os.mkdir(self.store)
        for name, secret in (("secret", SECRET), ("old", OLD_SECRET), ("new", NEW_SECRET)):
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(secret + "\n")
            os.chmod(os.path.join(self.dir, name), 0o600)
        self.settings_path = os.path.join(self.dir, "plazod.toml")
        self.notify = Notify(self.dir)
        self.proc = None
        self.starts = 0
        self.log = open(os.path.join(self.dir, "plazod.log"), "ab")

    def settings(self, webhooks, delivery='first_retry = "1s"\nmax_retry = "2s"', extra=""):
        """Writes the settings: webhooks is the [webhook.X] tables' text;
        one schedule, fast, with a single stage at the due instant."""
        write_atomically(self.settings_path, f'''[daemon]
store = "store"
state = "state"
[delivery]
{delivery}
{webhooks}
[schedule.fast]
before = []
on_due = true
overdue_max = 0
{extra}
''')

    def write_program(self, name, program_name, parts, webhooks, owners="[]"):
        """parts: (number, due unix time) pairs; each part's text and
        verification from long_text/verification_text."""
        hooks = ", ".join(f'"{w}"' for w in webhooks)
        text = (f'[program]\nid = "p-{name}"\nname = "{program_name}"\n'
                f'service = "Servicio Nacional de Capacitación y Empleo"\n'
                f'ministry = "Ministerio del Trabajo y Previsión Social"\n'
                f'owners = {owners}\nwebhooks = [{hooks}]\nschedule = "fast"\n')
        for number, due in parts:
            text += (f'\n[[commitment]]\nnumber = {number}\ntext = "{long_text(number)}"\n'
                     f'verification = "{verification_text(number)}"\ndue = {rfc3339(due)}\n')
        write_atomically(os.path.join(self.store, f"{name}.toml"), text)

    def start(self):
        env = dict(os.environ, NOTIFY_SOCKET=self.notify.path)
        self.proc = subprocess.Popen([PLAZOD, "run", "--config", self.settings_path], env=env,
                                     stdout=self.log, stderr=self.log)
        self.starts += 1
        self.notify.wait_for("READY=1")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            return self.proc.wait(timeout=20)
        return self.proc.returncode if self.proc else None

    def remove(self):
        """Stops the daemon if it runs and removes its folder (kept when
        PLAZO_KEEP is set)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        self.notify.sock.close()
        if os.environ.get("PLAZO_KEEP"):
            print(f"kept {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_text(self):
        self.log.flush()
        with open(os.path.join(self.dir, "plazod.log"), errors="replace") as f:
            return f.read()

    def log_tail(self, n=4000):
        return "plazod.log:\n" + self.log_text()[-n:]

    def ledger(self, sql, args=()):
        db = sqlite3.connect(os.path.join(self.state, "ledger.db"))
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def run(self, *args):
        return subprocess.run([PLAZOD, *args, "--config", self.settings_path], capture_output=True,
                              text=True, timeout=30)

    def http_port(self):
        """The port of [http] listen = "127.0.0.1:0" of the latest start."""
        ports = lambda: re.findall(r"serving /healthz.* on [^\s]*:(\d+)", self.log_text())
        if not wait_until(lambda: len(ports()) >= self.starts, 5):
            raise AssertionError(f"no 'serving /healthz' line for start {self.starts}\n{self.log_text()[-3000:]}")
        return int(ports()[-1])

    def metrics(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port()}/metrics", timeout=5) as r:
            return r.read().decode()


class WebhookTest(unittest.TestCase):
    def setUp(self):
        self.receiver = Receiver()
        self.d = Daemon()
        self.records = 0

    def tearDown(self):
        self.d.remove()
        self.receiver.stop()

    def why(self):
        return f"{self.receiver.summary()}\n{self.d.log_tail()}"

    def record(self, request):
        """Writes request as {"headers", "body"} for verify.js; returns the file."""
        self.records += 1
        path = os.path.join(self.d.dir, f"delivery-{self.records:03d}.json")
        with open(path, "w") as f:
            json.dump({"headers": request["headers"], "body": request["body"].decode("utf-8")}, f)
        return path

    def node(self):
        node = shutil.which("node")
        self.assertTrue(node, "node is missing: run scripts/setup.sh")
        return node

    def verify(self, secret, files):
        """Runs verify.js (npm standardwebhooks) on files under secret."""
        verify = os.path.join(SOURCE, "tests", "webhook_verify", "verify.js")
        self.assertTrue(os.path.isdir(os.path.join(SOURCE, "tests", "webhook_verify", "node_modules",
                                                   "standardwebhooks")),
                        "npm standardwebhooks is missing: run scripts/setup.sh")
        return subprocess.run([self.node(), verify, secret, *files], capture_output=True, text=True,
                              timeout=60)

    def assert_signed(self, request):
        h = request["headers"]
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
            self.assertIn(name, h, f"{request['path']}: no {name} header; headers {h}")
        self.assertTrue(h.get("content-type", "").startswith("application/json"), h)
        self.assertRegex(h["webhook-signature"], r"^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$")

    # ------------------------------------------------------------ formats

    def test_every_format_arrives_signed_valid_and_digested(self):
        """Five webhooks, one per format; 42 parts of two programs due at one
        instant."""
        formats = ["json"] + CHAT_FORMATS
        hooks = "".join(f'[webhook.{f}]\nurl = "{self.receiver.url("/" + f)}"\nsecret_file = "secret"\n'
                        f'format = "{f}"\ntimeout = "5s"\n' for f in formats)
        self.d.settings(hooks)
        due = int(time.time()) + 4
        self.d.write_program("a", "Programa Alfa de Intermediación Laboral",
                             [(n, due) for n in range(1, 41)], formats)
        self.d.write_program("b", "Programa Beta de Capacitación en Oficios",
                             [(n, due) for n in range(1, 3)], formats)
        check = self.d.run("check")
        self.assertEqual(check.returncode, 0, check.stderr)
        self.d.start()

        # One digest per instant for the two programs together; Google Chat:
        # one message per program (its threads are per program).
        expected = {"json": 1, "slack": 1, "mattermost": 1, "teams": 1, "googlechat": 2}
        arrived = lambda: all(len(self.receiver.at("/" + f)) >= n for f, n in expected.items())
        self.assertTrue(wait_until(arrived, 20), self.why())
        # Nothing more comes, and nothing is left in the outbox.
        self.assertTrue(wait_until(lambda: self.d.ledger(
            "SELECT count(*) FROM outbox WHERE state != 'sent'")[0][0] == 0, 5), self.why())
        time.sleep(0.5)
        for f, n in expected.items():
            self.assertEqual(len(self.receiver.at("/" + f)), n, f"{f}\n{self.why()}")
        with self.receiver.lock:
            everything = list(self.receiver.requests)
        self.assertTrue(all(r["status"] == 200 for r in everything), self.why())

        # Every delivery, of every format, carries the Standard Webhooks
        # headers and verifies with the official library (and not under
        # another secret).
        files = []
        for r in everything:
            self.assert_signed(r)
            files.append(self.record(r))
        ok = self.verify(SECRET, files)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        self.assertEqual(ok.stdout.count("verified "), len(files), ok.stdout)
        bad = self.verify(OTHER_SECRET, files[:1])
        self.assertNotEqual(bad.returncode, 0, bad.stdout)

        # json: SPEC 5.3's payload, unchanged; the texts exactly as stored.
        (j,) = self.receiver.at("/json")
        payload = json.loads(j["body"])
        self.assertEqual(payload["version"], 1)
        self.assertEqual(payload["id"], j["headers"]["webhook-id"])
        self.assertEqual(payload["kind"], "due")
        self.assertEqual(payload["destination"], "json")
        self.assertIn("sent_at", payload)
        self.assertEqual(len(payload["items"]), 42, j["body"][:2000])
        got = {(it["program"]["id"], it["commitment"]["id"]) for it in payload["items"]}
        want = {("p-a", f"c{n}") for n in range(1, 41)} | {("p-b", "c1"), ("p-b", "c2")}
        self.assertEqual(got, want)
        for it in payload["items"]:
            self.assertEqual(sorted(it), ["commitment", "days_left", "late", "program", "stage"])
            self.assertEqual(it["stage"], "due")
            n = it["commitment"]["number"]
            self.assertEqual(it["commitment"]["text"], long_text(n))
            self.assertEqual(it["commitment"]["verification"], verification_text(n))
            # A date-time due: its instant beside the date, and days_left 0
            # at the due stage.
            self.assertEqual(datetime.fromisoformat(it["commitment"]["due_at"]).timestamp(), due)
            self.assertEqual(it["days_left"], 0)

        raw = {f: [r["body"] for r in self.receiver.at("/" + f)] for f in CHAT_FORMATS}
        bodies = {f: [json.loads(b) for b in raw[f]] for f in CHAT_FORMATS}
        # Every chat body passes the platforms' own checks.
        chat_file = os.path.join(self.d.dir, "chat-bodies.json")
        with open(chat_file, "w") as f:
            json.dump([{"format": fmt, "body": b} for fmt in CHAT_FORMATS for b in bodies[fmt]], f,
                      ensure_ascii=False, indent=1)
        validate = os.path.join(SOURCE, "tests", "chat_formats", "validate.mjs")
        v = subprocess.run([self.node(), validate, chat_file], capture_output=True, text=True,
                           timeout=300)
        print(f"\nvalidate.mjs:\n{v.stdout}{v.stderr}", file=sys.stderr)
        self.assertEqual(v.returncode, 0, f"validate.mjs {chat_file}:\n{v.stdout}{v.stderr}")

        # Google Chat: one message per program, threaded by the program's id,
        # holding that program's items only.
        print(f"googlechat posted to {[r['target'] for r in self.receiver.at('/googlechat')]}",
              file=sys.stderr)
        threads = sorted(b.get("thread", {}).get("threadKey") for b in bodies["googlechat"])
        self.assertEqual(threads, ["p-a", "p-b"])
        for b in bodies["googlechat"]:
            text = json.dumps(b, ensure_ascii=False)
            mine, other = (("Programa Alfa", "Programa Beta") if b["thread"]["threadKey"] == "p-a"
                           else ("Programa Beta", "Programa Alfa"))
            self.assertIn(mine, text)
            self.assertNotIn(other, text)

        # Teams: a Workflows message with one Adaptive Card.
        (teams,) = bodies["teams"]
        self.assertEqual(teams["type"], "message")
        self.assertEqual(teams["attachments"][0]["contentType"], "application/vnd.microsoft.card.adaptive")

        # Every chat message shows all its items, or the first ones and the
        # count of the rest ("Y N compromisos más, ...").
        totals = {"slack": [42], "mattermost": [42], "teams": [42],
                  "googlechat": [40 if b["thread"]["threadKey"] == "p-a" else 2
                                 for b in bodies["googlechat"]]}
        for fmt in CHAT_FORMATS:
            for body, size, total in zip(bodies[fmt], map(len, raw[fmt]), totals[fmt]):
                shown = self.items_shown(fmt, body)
                text = json.dumps(body, ensure_ascii=False)
                more = [int(n) for n in re.findall(
                    r"Y (\d+) compromisos? más, que no caben? en este mensaje\\*\.", text)]
                print(f"{fmt}: {shown} of {total} items shown, closing line {more}, "
                      f"{size} bytes", file=sys.stderr)
                self.assertLessEqual(len(more), 1, f"{fmt}: {more}")
                self.assertGreater(shown, 0, f"{fmt}: {text[:3000]}")
                self.assertEqual(shown + sum(more), total, f"{fmt}: {shown} shown, more {more}")

        # Every chat says the hour of a date-time due, in the schedule's zone
        # (the default, America/Santiago).
        hhmm = datetime.fromtimestamp(due, ZoneInfo("America/Santiago")).strftime("%H:%M")
        for fmt in CHAT_FORMATS:
            for body in bodies[fmt]:
                text = json.dumps(body, ensure_ascii=False)
                self.assertIn(f"vencen hoy a las {hhmm}", text, fmt)
                self.assertIn(f"vence hoy a las {hhmm} (fecha de vencimiento: ", text, fmt)
                self.assertNotIn(" 0 días", text, fmt)

        # Slack: 42 items do not fit 50 blocks: the first ones, then the
        # count of the rest.
        (slack,) = bodies["slack"]
        self.check_slack_digest(slack, 42)

    @staticmethod
    def items_shown(fmt, body):
        """How many commitments a chat body shows, by their titles."""
        title = re.compile(r"^(?::red_circle: )?\*Compromiso \d+|^(?:<font[^>]*>)?<b>Compromiso \d+|"
                           r"^Compromiso \d+")
        if fmt == "slack":
            texts = [b.get("text", {}).get("text", "") for b in body["blocks"] if b.get("type") == "section"]
        elif fmt == "mattermost":
            texts = [a.get("title", "") for a in body.get("attachments", [])]
        elif fmt == "teams":
            texts = [c["items"][0].get("text", "") for c in body["attachments"][0]["content"]["body"]
                     if c.get("type") == "Container" and c.get("items")]
        else:
            texts = [w.get("textParagraph", {}).get("text", "")
                     for sec in body["cardsV2"][0]["card"]["sections"] for w in sec.get("widgets", [])]
        return sum(1 for t in texts if title.match(t))

    def check_slack_digest(self, slack, total):
        self.assertTrue(isinstance(slack.get("text"), str) and slack["text"].strip(), slack)
        blocks = slack["blocks"]
        self.assertLessEqual(len(blocks), 50)
        title = re.compile(r"^(?::red_circle: )?\*Compromiso \d+")
        shown = [b for b in blocks if b.get("type") == "section"
                 and title.match(b.get("text", {}).get("text", ""))]
        texts = []  # every mrkdwn text of the message

        def collect(node):
            if isinstance(node, dict):
                if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                    texts.append(node["text"])
                for v in node.values():
                    collect(v)
            elif isinstance(node, list):
                for v in node:
                    collect(v)
        collect(blocks)
        everything = "\n".join(texts + [slack["text"]])
        more = re.findall(r"Y (\d+) compromisos? más, que no caben? en este mensaje\.", everything)
        summary = f"{len(blocks)} blocks, {len(shown)} items shown; closing {more}"
        print(f"\nslack digest of {total}: {summary}", file=sys.stderr)
        self.assertEqual(len(more), 1, f"{summary}\n{json.dumps(slack, ensure_ascii=False)[:3000]}")
        self.assertGreater(len(shown), 0, summary)
        self.assertLess(len(shown), total, summary)
        self.assertEqual(len(shown) + int(more[0]), total, summary)
        # mrkdwn: the texts' < and & are escaped; a raw < only opens Slack's
        # link syntax (<https://...|label>), a raw & only starts an entity.
        for t in texts:
            bare = re.sub(r"<(?:https?://|mailto:|[#@!])[^<>]*>", "", t)
            self.assertNotIn("<", bare, t)
            self.assertNotIn(">", bare, t)
            self.assertIsNone(re.search(r"&(?!amp;|lt;|gt;)", t), t)
        items = "\n".join(b["text"]["text"] for b in shown)
        self.assertIn("&lt; 50 %", items)
        self.assertIn("técnico &amp; financiero", items)

    # ------------------------------------------------------------ key rotation

    def test_secret_files_sign_with_both_keys_during_a_rotation(self):
        self.d.settings(f'[webhook.equipo]\nurl = "{self.receiver.url("/hook")}"\n'
                        f'secret_files = ["old", "new"]\n')
        due = int(time.time()) + 3
        self.d.write_program("a", "Programa Alfa", [(1, due), (2, due + 1)], ["equipo"])
        check = self.d.run("check")
        self.assertEqual(check.returncode, 0, check.stderr)

        # Both secret_file and secret_files: an error at its place.
        both = os.path.join(self.d.dir, "both.toml")
        with open(self.d.settings_path) as f:
            text = f.read()
        with open(both, "w") as f:
            f.write(text.replace('secret_files = ["old", "new"]\n',
                                 'secret_file = "old"\nsecret_files = ["old", "new"]\n'))
        bad = subprocess.run([PLAZOD, "check", "--config", both], capture_output=True, text=True,
                             timeout=30)
        self.assertEqual(bad.returncode, 1, bad.stderr)
        self.assertRegex(bad.stderr, r"both\.toml:\d+:\d+: .*secret_files?\b")

        self.d.start()
        self.assertTrue(wait_until(lambda: len(self.receiver.at("/hook")) >= 2, 15), self.why())
        files = []
        for r in self.receiver.at("/hook"):
            self.assert_signed(r)
            signatures = r["headers"]["webhook-signature"].split(" ")
            self.assertEqual(len(signatures), 2, r["headers"])
            self.assertTrue(all(s.startswith("v1,") for s in signatures), signatures)
            self.assertNotEqual(signatures[0], signatures[1])
            files.append(self.record(r))
        for name, secret in (("old", OLD_SECRET), ("new", NEW_SECRET)):
            ok = self.verify(secret, files)
            self.assertEqual(ok.returncode, 0, f"{name} secret: {ok.stdout}{ok.stderr}")
            self.assertEqual(ok.stdout.count("verified "), len(files), ok.stdout)
        refused = self.verify(OTHER_SECRET, files)
        self.assertNotEqual(refused.returncode, 0, refused.stdout)
        self.assertEqual(refused.stdout.count("FAILED "), len(files), refused.stdout)
        self.assertEqual(self.d.stop(), 0)
        for secret in (OLD_SECRET, NEW_SECRET):
            self.assertNotIn(secret, self.d.log_text())

    # ------------------------------------------------------------ Retry-After

    def retry_gap(self, status, retry_after, wait):
        """A webhook answering status with Retry-After: retry_after to its
        first request and 200 after; returns the seconds between the two."""
        self.d.settings(f'[webhook.equipo]\nurl = "{self.receiver.url("/hook")}"\n'
                        f'secret_file = "secret"\n',
                        delivery='first_retry = "1s"\nmax_retry = "10s"')
        self.receiver.answer("/hook", "retry", status, retry_after, 1)
        due = int(time.time()) + 3
        self.d.write_program("a", "Programa Alfa", [(1, due)], ["equipo"])
        self.d.start()
        self.assertTrue(wait_until(lambda: len(self.receiver.at("/hook")) >= 1, 10), self.why())
        self.assertTrue(wait_until(lambda: len(self.receiver.at("/hook")) >= 2, wait), self.why())
        time.sleep(0.3)
        first, second, *rest = self.receiver.at("/hook")
        self.assertEqual((first["status"], second["status"]), (status, 200), self.why())
        self.assertEqual(rest, [], self.why())
        # A retry is the same message: same id, same body.
        self.assertEqual(first["headers"]["webhook-id"], second["headers"]["webhook-id"])
        self.assertEqual(first["body"], second["body"])
        gap = second["at"] - first["at"]
        GAPS.append((f"{status} Retry-After: {retry_after}", gap))
        print(f"\n{status} with Retry-After: {retry_after} (first_retry 1s, max_retry 10s): "
              f"retried after {gap:.2f} s", file=sys.stderr)
        self.assertEqual(self.d.stop(), 0)
        return gap

    def test_429_retry_after_is_waited_for(self):
        gap = self.retry_gap(429, 3, 15)
        self.assertGreaterEqual(gap, 3 - 0.2, self.why())

    def test_503_retry_after_is_waited_for(self):
        gap = self.retry_gap(503, 3, 15)
        self.assertGreaterEqual(gap, 3 - 0.2, self.why())

    def test_retry_after_beyond_max_retry_is_capped(self):
        gap = self.retry_gap(429, 3600, 10 + 8)
        self.assertLessEqual(gap, 10 + 3, self.why())

    # ------------------------------------------------------------ 410 Gone

    def status_json(self):
        s = self.d.run("status", "--json")
        self.assertEqual(s.returncode, 0, s.stderr)
        return json.loads(s.stdout)

    @staticmethod
    def disabled_of(doc):
        # Top-level per the contract; under "deliveries" accepted too.
        if "webhooks_disabled" in doc:
            return doc["webhooks_disabled"]
        return doc.get("deliveries", {}).get("webhooks_disabled", [])

    def test_410_gone_disables_the_webhook_until_its_settings_change(self):
        hooks = (f'[webhook.gone]\nurl = "{self.receiver.url("/gone")}"\nsecret_file = "secret"\n'
                 f'[webhook.ok]\nurl = "{self.receiver.url("/ok")}"\nsecret_file = "secret"\n')
        self.d.settings(hooks, extra='[http]\nlisten = "127.0.0.1:0"\n')
        self.receiver.answer("/gone", "gone")
        t0 = int(time.time())
        parts = [(1, t0 + 3), (2, t0 + 6)]
        self.d.write_program("a", "Programa Alfa", parts, ["gone", "ok"])
        self.d.start()

        # The first notification: one request, 410, given up, webhook disabled.
        self.assertTrue(wait_until(lambda: self.receiver.at("/gone"), 10), self.why())
        self.assertTrue(wait_until(lambda: "410 Gone" in self.d.log_text() and
                                   "disabled" in self.d.log_text(), 5), self.why())
        # The second: not posted at all, given up in the ledger; the other
        # webhook of the program gets both.
        gone_given_up = lambda: self.d.ledger(
            "SELECT count(*) FROM outbox WHERE channel = 'webhook' AND destination = 'gone' "
            "AND state = 'given_up'")[0][0]
        ok_items = lambda: [it["commitment"]["id"] for r in self.receiver.at("/ok")
                            for it in json.loads(r["body"])["items"]]
        self.assertTrue(wait_until(lambda: sorted(ok_items()) == ["c1", "c2"] and gone_given_up() == 2,
                                   15), f"ok items {ok_items()}, gone given up {gone_given_up()}\n"
                                        f"{self.why()}")
        time.sleep(1.5)  # 1 s of first_retry and some: a retry would be here by now
        self.assertEqual(len(self.receiver.at("/gone")), 1, self.why())
        self.assertEqual(self.d.ledger("SELECT count(*) FROM outbox WHERE destination = 'gone' "
                                       "AND state != 'given_up'")[0][0], 0)

        def check_disabled(when):
            doc = self.status_json()
            given_up = [e for e in doc["deliveries"]["given_up"] if e["destination"] == "gone"]
            self.assertEqual(len(given_up), 2, f"{when}: {doc['deliveries']}")
            disabled = self.disabled_of(doc)
            self.assertEqual([w["name"] for w in disabled], ["gone"], f"{when}: {doc}")
            self.assertEqual(sorted(disabled[0]), ["detail", "name", "since"], disabled)
            self.assertRegex(disabled[0]["since"],
                             r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
            self.assertTrue(disabled[0]["detail"], disabled)
            text = self.d.run("status")
            self.assertEqual(text.returncode, 0, text.stderr)
            # "gone ... disabled" on a line, or a "disabled" heading over a "gone" line.
            self.assertRegex(text.stdout, r"(?i)\bgone\b.*disabled|disabled.*\n\s+gone\b",
                             f"{when}: status does not say gone is disabled")
            self.assertIn('plazo_webhook_disabled{webhook="gone"} 1\n', self.d.metrics(), when)

        check_disabled("while running")

        # Still disabled after a restart.
        self.assertEqual(self.d.stop(), 0)
        self.d.notify.forget()
        self.d.start()
        check_disabled("after a restart")

        # The admin points it elsewhere: enabled again, a later notification
        # goes out (the given-up ones stay given up).
        with open(self.d.settings_path) as f:
            text = f.read()
        self.d.notify.forget()
        write_atomically(self.d.settings_path,
                         text.replace(self.receiver.url("/gone") + '"', self.receiver.url("/gone-ok") + '"'))
        self.d.notify.wait_for("RELOADING=1")
        self.d.notify.wait_for("READY=1")
        due3 = int(time.time()) + 3
        self.d.write_program("a", "Programa Alfa", parts + [(3, due3)], ["gone", "ok"])
        self.assertTrue(wait_until(lambda: self.receiver.at("/gone-ok"), 12), self.why())
        time.sleep(0.5)
        again = self.receiver.at("/gone-ok")
        self.assertEqual(len(again), 1, self.why())
        self.assertGreaterEqual(again[0]["at"], due3 - 0.001)
        self.assertEqual([it["commitment"]["id"] for it in json.loads(again[0]["body"])["items"]], ["c3"])
        self.assertEqual(len(self.receiver.at("/gone")), 1, self.why())
        self.assertEqual(self.disabled_of(self.status_json()), [])
        self.assertNotIn('plazo_webhook_disabled{webhook="gone"} 1\n', self.d.metrics())
        self.assertEqual(self.d.stop(), 0)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: webhook_formats.py PLAZOD SOURCE_DIR [unittest args]")
    PLAZOD = os.path.abspath(sys.argv.pop(1))
    SOURCE = os.path.abspath(sys.argv.pop(1))
    result = unittest.main(exit=False, verbosity=2).result
    for what, gap in GAPS:
        print(f"retry gap: {what}: {gap:.2f} s", file=sys.stderr)
    sys.exit(0 if result.wasSuccessful() else 1)
