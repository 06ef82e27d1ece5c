#!/usr/bin/env python3
"""What in plazo's e-mails looks like spam: real e-mails written by `plazod
run` to the outbox, scored by Debian's SpamAssassin with local tests only.

The store has two programs of one officer. The bundled example program
(examples/store) cut to three open parts, with date-time dues 7 and 14 days
(and a few seconds) ahead and a schedule that reminds 14 and 7 days before;
and a second program of two parts due seconds later, on a schedule whose
stages come seconds apart. Within about ten seconds of its start the daemon
writes: a digest of all five parts (the reminders of both programs at one
instant), a "due today" digest and an "overdue" digest of the second
program's two parts, and an escalation to the chief; then `plazod send-test`
writes its test message. Three daemons: Spanish as with the embedded defaults
(no [email]: mail to the outbox; no links), Spanish with `[http] public_url`
(the officers' acknowledgement buttons and calendar link), and English with
links.

Each .eml is scanned by `spamassassin -t -L` with a private configuration: a
temporary HOME, its own site configuration folder (Debian's plugin loading
files, /etc/spamassassin/*.pre, and our local.cf: no Bayes, no auto-welcome
list or TxRep, no DNS, no Razor, Pyzor or DCC) and an empty user preferences
file; the rules are the installed ones, nothing welcome-listed, no score
changed. The "Content analysis details" table is printed and every rule
scoring more than 0.5 points fails the test (negative scores are fine).

    python3 tests/spam_score.py PLAZOD SOURCE_DIR

Fails, not skips, when spamassassin is not installed. PLAZO_KEEP=1 keeps the
temporary folders (the .eml files and SpamAssassin's output) to look at.
"""
import email
import email.policy
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_e2e import Notify, rfc3339, wait_until  # noqa: E402

PLAZOD = None
SOURCE = None
MAX_POINTS = 0.5
OWNER = "encargado.pil@example.gob.cl"
CHIEF = "jefatura.control@example.gob.cl"
EXAMPLE = os.path.join("examples", "store", "sence-intermediacion-laboral.toml")

SA_INSTALL = ("spamassassin is not installed: this test needs Debian's SpamAssassin "
              "(apt-get install -y --no-install-recommends spamassassin)")

# Our settings for SpamAssassin, in its site configuration folder: nothing
# learnt, nothing remembered, nothing asked of the network.
SA_LOCAL_CF = """\
use_bayes 0
bayes_auto_learn 0
ifplugin Mail::SpamAssassin::Plugin::AWL
use_auto_whitelist 0
endif
ifplugin Mail::SpamAssassin::Plugin::TxRep
use_txrep 0
endif
dns_available no
skip_rbl_checks 1
ifplugin Mail::SpamAssassin::Plugin::Razor2
use_razor2 0
endif
ifplugin Mail::SpamAssassin::Plugin::Pyzor
use_pyzor 0
endif
ifplugin Mail::SpamAssassin::Plugin::DCC
use_dcc 0
endif
"""

# One line of the report's table: " 1.2 RULE_NAME   description".
RULE_LINE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$")


def example_store(dues):
    """The example program with its first len(dues) open parts, their due
    dates replaced by dues (Unix times); no webhooks, the settings' schedule."""
    with open(os.path.join(SOURCE, EXAMPLE), encoding="utf-8") as f:
        text = f.read()
    head, *blocks = text.split("\n[[commitment]]\n")
    head = "\n".join(line for line in head.split("\n")
                     if not line.startswith(("webhooks =", "schedule =")))
    open_blocks = [b for b in blocks if not re.search(r'^status = "cumplido"$', b, re.M)]
    if len(open_blocks) < len(dues):
        raise AssertionError(f"{EXAMPLE} has {len(open_blocks)} open parts, {len(dues)} needed")
    out = head
    for block, due in zip(open_blocks, dues):
        block, n = re.subn(r"^due = .*$", f"due = {rfc3339(due)}", block, count=1, flags=re.M)
        if n != 1:
            raise AssertionError(f"a part of {EXAMPLE} has no due line")
        out += "\n[[commitment]]\n" + block.rstrip("\n") + "\n"
    name = re.search(r'^name = "(.*)"$', head, re.M).group(1)
    return out, name


SECOND_PROGRAM = "Programa de Acompañamiento y Acceso Efectivo a la Educación Superior"


SECOND_PARTS = [  # (text, verification, status) of the second program's parts
    ("Elaborar un informe de seguimiento de la cohorte 2024 que incluya tasas de acceso, "
     "permanencia y titulación oportuna por región.",
     "Informe de seguimiento de la cohorte 2024, aprobado por la jefatura de la División de "
     "Educación Superior.", "pendiente"),
    ("Actualizar la matriz de marco lógico del programa con indicadores de propósito y "
     "componentes medibles.",
     "Matriz de marco lógico actualizada y oficio conductor a la Dirección de Presupuestos.",
     "en_evaluacion"),
]


def second_store(due):
    """A second program of the same officer: two parts due at due, on the
    fast "rapido" schedule."""
    text = (f'[program]\nid = "pace"\nname = "{SECOND_PROGRAM}"\n'
            f'ministry = "MINISTERIO DE EDUCACION"\n'
            f'service = "SUBSECRETARIA DE EDUCACION SUPERIOR"\n'
            f'owners = ["{OWNER}"]\nschedule = "rapido"\n')
    for number, (what, verification, status) in enumerate(SECOND_PARTS, 1):
        text += (f'\n[[commitment]]\nnumber = {number}\ntext = "{what}"\n'
                 f'verification = "{verification}"\ndue = {rfc3339(due)}\nstatus = "{status}"\n')
    return text


class Digest:
    """A temporary store, settings and state folder, `plazod run` on them
    until it has written its first e-mail to the outbox, then stopped."""

    def __init__(self, label, language, links):
        self.label = label
        self.dir = tempfile.mkdtemp(prefix=f"plazo-spam-{label}-")
        self.store = os.path.join(self.dir, "store")
        self.state = os.path.join(self.dir, "state")
        os.mkdir(self.store)
        http = '[http]\nlisten = "127.0.0.1:0"\npublic_url = "https://plazo.example.gob.cl"\n' \
            if links else ""
        self.settings = os.path.join(self.dir, "plazod.toml")
        with open(self.settings, "w") as f:
            # The embedded defaults (no [email]: mail to <state>/outbox) but a
            # schedule that fires within seconds.
            f.write(f'''[daemon]
store = "store"
state = "state"
timezone = "America/Santiago"
language = "{language}"
schedule = "pronto"
{http}
[schedule.pronto]
before = ["14d", "7d"]
on_due = true
overdue_max = 0

[schedule.rapido]
before = ["2s"]
on_due = true
overdue_every = "2s"
overdue_max = 1
escalate_after = "3s"
escalate_to = ["{CHIEF}"]
''')
        # Two parts due in 7 days and one in 14, a few seconds from now: the
        # 7d stages of the first two and the 14d stage of the third fire at
        # the same instant as the before-2s stage of the second program's
        # two parts: one digest of five items. Then that program's due,
        # overdue and escalation stages, 2, 4 and 5 seconds later.
        soon = int(time.time()) + 4
        text, name = example_store([soon + 7 * 86400, soon + 7 * 86400, soon + 14 * 86400])
        self.programs = [name, SECOND_PROGRAM]
        with open(os.path.join(self.store, "pil.toml"), "w", encoding="utf-8") as f:
            f.write(text)
        with open(os.path.join(self.store, "pace.toml"), "w", encoding="utf-8") as f:
            f.write(second_store(soon + 2))
        self.notify = Notify(self.dir)
        self.log_path = os.path.join(self.dir, "plazod.log")
        self.log = open(self.log_path, "ab")
        self.proc = None

    def start(self):
        env = dict(os.environ, NOTIFY_SOCKET=self.notify.path)
        self.proc = subprocess.Popen([PLAZOD, "run", "--config", self.settings], env=env,
                                     stdout=self.log, stderr=self.log)
        self.notify.wait_for("READY=1")

    def mails(self):
        return sorted(glob.glob(os.path.join(self.state, "outbox", "new", "*.eml")))

    def finish(self, expected=5, timeout=30):
        """Waits for the daemon's expected e-mails, stops it, adds the
        message of `plazod send-test`; returns the .eml paths."""
        ok = wait_until(lambda: len(self.mails()) >= expected, timeout)
        self.proc.terminate()
        code = self.proc.wait(timeout=20)
        self.log.close()
        if not ok:
            raise AssertionError(f"{self.label}: {len(self.mails())} e-mails in the outbox "
                                 f"after {timeout} s, {expected} expected:\n{self.log_text()}")
        if code != 0:
            raise AssertionError(f"{self.label}: plazod exited {code}:\n{self.log_text()}")
        test = subprocess.run([PLAZOD, "send-test", "--email", OWNER, "--config", self.settings],
                              capture_output=True, text=True, timeout=30)
        if test.returncode != 0:
            raise AssertionError(f"{self.label}: plazod send-test exited {test.returncode}:\n"
                                 f"{test.stderr}")
        return self.mails()

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def remove(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()
        self.notify.sock.close()
        if not os.environ.get("PLAZO_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)


def describe(raw, programs):
    """The recipient, subject and how many commitments the e-mail carries
    (its "Compromiso N · program" lines in the plain-text part)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",)).get_content()
    items = sum(1 for line in text.splitlines()
                if any(line.endswith(" · " + p) for p in programs))
    return str(msg["To"]), str(msg["Subject"]), items


class SpamAssassin:
    """spamassassin with a private configuration in a temporary folder."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="plazo-spam-sa-")
        self.home = os.path.join(self.dir, "home")
        self.site = os.path.join(self.dir, "site")
        os.mkdir(self.home)
        os.mkdir(self.site)
        # Debian's plugin loading (v3xx.pre, v4xx.pre, init.pre), nothing else
        # of /etc/spamassassin: its local.cf and 65_debian.cf stay out.
        for pre in glob.glob("/etc/spamassassin/*.pre"):
            shutil.copy(pre, self.site)
        with open(os.path.join(self.site, "local.cf"), "w") as f:
            f.write(SA_LOCAL_CF)
        self.prefs = os.path.join(self.dir, "user_prefs")
        open(self.prefs, "w").close()

    def scan(self, path):
        env = dict(os.environ, HOME=self.home)
        with open(path, "rb") as f:
            run = subprocess.run(["spamassassin", "-t", "-L", "-x",
                                  f"--siteconfigpath={self.site}", "-p", self.prefs],
                                 stdin=f, capture_output=True, env=env, timeout=120)
        return run

    def remove(self):
        if not os.environ.get("PLAZO_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)


def report_table(output):
    """The rules of the "Content analysis details" table: [(points, rule,
    description)], descriptions joined across their wrapped lines; and the
    report's text, from "Spam detection software" to the table's end."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines)
                  if line.startswith("Content analysis details:")), None)
    if start is None:
        return None, None
    first = next((i for i in range(start, -1, -1)
                  if lines[i].startswith("Spam detection software")), start)
    rules = []
    end = len(lines)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.startswith(" pts rule name") or line.startswith("----"):
            continue
        m = RULE_LINE.match(line)
        if m:
            rules.append([float(m.group(1)), m.group(2), m.group(3).strip()])
        elif rules and line.startswith(" ") and line.strip():
            rules[-1][2] += " " + line.strip()
        elif rules:
            end = i
            break
    return rules, "\n".join(lines[first:end]).rstrip()


class SpamScoreTest(unittest.TestCase):
    digests = {}  # label -> (Digest, [eml paths]) or the error making it

    @classmethod
    def setUpClass(cls):
        cls.started = time.time()
        cls.made = []
        cls.sa = None
        cls.addClassCleanup(cls.cleanup)
        if not shutil.which("spamassassin"):
            return  # every test fails, naming the package
        variants = [("es", "es", False), ("es-links", "es", True), ("en-links", "en", True)]
        for label, language, links in variants:
            cls.made.append(Digest(label, language, links))
        # All three at once: each waits seconds for its stages.
        running = []
        for d in cls.made:
            try:
                d.start()
                running.append(d)
            except (OSError, AssertionError) as e:
                cls.digests[d.label] = AssertionError(f"{d.label}: plazod run did not start: {e}")
        for d in running:
            try:
                cls.digests[d.label] = (d, d.finish())
            except (OSError, AssertionError, subprocess.TimeoutExpired) as e:
                cls.digests[d.label] = e
        print(f"plazod wrote the e-mails in {time.time() - cls.started:.1f} s", file=sys.stderr)
        cls.sa = SpamAssassin()

    @classmethod
    def cleanup(cls):
        for d in cls.made:
            d.remove()
        if cls.sa:
            cls.sa.remove()
        print(f"spam_score: {time.time() - cls.started:.1f} s in all", file=sys.stderr)

    def check(self, label):
        if self.sa is None:
            self.fail(SA_INSTALL)
        made = self.digests[label]
        if isinstance(made, Exception):
            raise made
        digest, paths = made
        about = {}
        for path in paths:
            with open(path, "rb") as f:
                about[path] = describe(f.read(), digest.programs)
        self.assertTrue(any(to == OWNER and n >= 2 for to, _, n in about.values()),
                        f"{label}: no digest of two or more commitments: {about}")
        high = []
        for path in paths:
            started = time.time()
            run = self.sa.scan(path)
            took = time.time() - started
            out = run.stdout.decode("utf-8", errors="replace")
            err = run.stderr.decode("utf-8", errors="replace")
            if os.environ.get("PLAZO_KEEP"):
                with open(path + ".spamassassin.txt", "w") as f:
                    f.write(out)
            self.assertEqual(run.returncode, 0, f"spamassassin exited {run.returncode}:\n{err}")
            # A line of our configuration SpamAssassin did not take.
            self.assertNotIn("config:", err, err)
            rules, report = report_table(out)
            self.assertIsNotNone(rules, f"no 'Content analysis details' in:\n{out}\n{err}")
            # The header with its folded lines, unfolded.
            header = re.search(r"^X-Spam-Status: .*(?:\n[ \t].*)*", out, re.M)
            self.assertIsNotNone(header, f"no X-Spam-Status in:\n{out}")
            header = " ".join(header.group(0).split())
            status = re.search(r"tests=(.*?) autolearn=", header)
            self.assertIsNotNone(status, header)
            name = os.path.basename(path)
            to, subject, items = about[path]
            print(f"\n== {label}: {name} to {to}, {items} commitments, "
                  f"spamassassin {took:.1f} s\nSubject: {subject}\n"
                  f"{header}\n\n{report}\n", file=sys.stderr)
            tests = {t for t in re.split(r"[\s,]+", status.group(1)) if t and t != "none"}
            self.assertEqual(tests, {r for _, r, _ in rules},
                             "the table and X-Spam-Status name different rules")
            high += [f"{name}: {r} {p:+.1f} ({d})" for p, r, d in rules if p > MAX_POINTS]
        if high:
            self.fail(f"{label}: rules above {MAX_POINTS} points:\n  " + "\n  ".join(high))

    def test_spanish_digest_with_the_embedded_defaults(self):
        self.check("es")

    def test_spanish_digest_with_acknowledgement_links(self):
        self.check("es-links")

    def test_english_digest_with_acknowledgement_links(self):
        self.check("en-links")


if __name__ == "__main__":
    PLAZOD = os.path.abspath(sys.argv.pop(1))
    SOURCE = os.path.abspath(sys.argv.pop(1))
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
