#!/usr/bin/env python3
"""End-to-end tests of `plazod run`: the real daemon as a child process, a
real HTTP receiver on a free loopback port, the outbox folder for e-mail, a
datagram socket as systemd's NOTIFY_SOCKET, and the SQLite ledger on disk.
Commitments have date-time dues a few seconds ahead so stages fire now.

usage: daemon_e2e.py PLAZOD [unittest args]
Prints the lateness of every webhook delivery it saw (figures for the notes);
no test asserts a wall-clock time.
"""
import http.server
import json
import os
import pty
import resource
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from datetime import datetime, timedelta, timezone

PLAZOD = None
LATENESS_MS = []


class Receiver:
    """An HTTP server recording every POST; can be told to fail or stall."""

    def __init__(self):
        self.requests = []  # (arrival unix time, webhook-id, payload dict)
        self.mode = "ok"    # ok | fail | slow
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if outer.mode == "fail":
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if outer.mode == "slow":
                    time.sleep(0.05)
                with outer.lock:
                    outer.requests.append((time.time(), self.headers["webhook-id"], json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def items(self):
        """(arrival, id, commitment id, stage) for every item received."""
        with self.lock:
            return [(t, i, it["commitment"]["id"], it["stage"])
                    for t, i, p in self.requests for it in p["items"]]


class Notify:
    """Our own NOTIFY_SOCKET: collects the daemon's sd_notify datagrams."""

    def __init__(self, folder):
        self.path = os.path.join(folder, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.messages = []

    def wait_for(self, needle, timeout=10):
        deadline = time.time() + timeout
        for m in self.messages:
            if needle in m:
                return m
        while time.time() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                m = self.sock.recv(4096).decode()
            except socket.timeout:
                break
            self.messages.append(m)
            if needle in m:
                return m
        raise AssertionError(f"no {needle!r} from the daemon; got {self.messages}")

    def forget(self):
        """Drops every message so far, also those not yet read."""
        self.sock.setblocking(False)
        try:
            while self.sock.recv(4096):
                pass
        except BlockingIOError:
            pass
        self.messages.clear()


def rfc3339(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Daemon:
    """A temporary store, settings and state folder, and plazod run on them."""

    def __init__(self, port, schedule, extra_settings=""):
        self.dir = tempfile.mkdtemp(prefix="plazo-e2e-")
        self.store = os.path.join(self.dir, "store")
        self.state = os.path.join(self.dir, "state")
        os.mkdir(self.store)
        with open(os.path.join(self.dir, "secret"), "w") as f:
            f.write("whsec_c2VjcmV0LWZvci10ZXN0cw==\n")
        self.settings = os.path.join(self.dir, "plazod.toml")
        with open(self.settings, "w") as f:
            f.write(f'''[daemon]
store = "store"
state = "state"
[delivery]
first_retry = "1s"
max_retry = "2s"
[webhook.equipo]
url = "http://127.0.0.1:{port}/hook"
secret_file = "secret"
timeout = "5s"
[schedule.fast]
{schedule}
{extra_settings}
''')
        self.notify = Notify(self.dir)
        self.proc = None
        self.log = open(os.path.join(self.dir, "plazod.log"), "ab")

    def write_store(self, name, parts, owners='["ana@example.gob.cl"]', atomic=True,
                    webhook="equipo"):
        text = f'[program]\nid = "p-{name}"\nname = "Programa {name}"\nowners = {owners}\n' \
               f'webhooks = ["{webhook}"]\nschedule = "fast"\n'
        for number, due in parts:
            text += f"\n[[commitment]]\nnumber = {number}\ntext = \"Parte {number}\"\ndue = {rfc3339(due)}\n"
        path = os.path.join(self.store, f"{name}.toml")
        if atomic:  # like an editor: write aside, rename over
            tmp = os.path.join(self.store, f".{name}.toml.swp")
            with open(tmp, "w") as f:
                f.write(text)
            os.rename(tmp, path)
        else:
            with open(path, "w") as f:
                f.write(text)

    def start(self, extra_env=None):
        env = dict(os.environ, NOTIFY_SOCKET=self.notify.path, **(extra_env or {}))
        self.proc = subprocess.Popen([PLAZOD, "run", "--config", self.settings], env=env,
                                     stdout=self.log, stderr=self.log)
        self.notify.wait_for("READY=1")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            return self.proc.wait(timeout=20)
        return self.proc.returncode if self.proc else None

    def remove(self):
        """Stops the daemon if it runs and removes its folder (kept when
        PLAZO_KEEP is set, to look at after a failure)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        self.notify.sock.close()
        if not os.environ.get("PLAZO_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_text(self):
        self.log.flush()
        with open(os.path.join(self.dir, "plazod.log"), errors="replace") as f:
            return f.read()

    def ledger(self, sql):
        db = sqlite3.connect(os.path.join(self.state, "ledger.db"))
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()


def wait_until(predicate, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


class DaemonTest(unittest.TestCase):
    def setUp(self):
        self.receiver = Receiver()
        self.daemons = []

    def tearDown(self):
        for d in self.daemons:
            d.remove()
        self.receiver.stop()

    def daemon(self, schedule, extra=""):
        d = Daemon(self.receiver.port, schedule, extra)
        self.daemons.append(d)
        return d

    def test_every_stage_arrives_once_at_its_instant(self):
        d = self.daemon('before = ["2s"]\noverdue_every = "2s"\noverdue_max = 2\n'
                        'escalate_after = "3s"\nescalate_to = ["jefe@example.gob.cl"]')
        due = int(time.time()) + 4
        d.write_store("a", [(1, due)])
        d.start()
        expected = {"before-2s": due - 2, "due": due, "overdue-1": due + 2,
                    "escalation": due + 3, "overdue-2": due + 4}
        self.assertTrue(wait_until(lambda: len(self.receiver.items()) >= 5, 15), self.receiver.items())
        time.sleep(0.5)
        items = self.receiver.items()
        self.assertEqual(sorted(s for _, _, _, s in items), sorted(expected))
        for arrival, _, _, stage in items:
            LATENESS_MS.append((arrival - expected[stage]) * 1000)
            self.assertGreaterEqual(arrival, expected[stage] - 0.001, stage)
        # E-mail went to the outbox folder: owner for every stage, the boss
        # for the escalation only.
        mails = os.listdir(os.path.join(d.state, "outbox", "new"))
        self.assertEqual(len(mails), 6)
        self.assertEqual(d.stop(), 0)
        self.assertIn("STOPPING=1", d.notify.wait_for("STOPPING=1"))

    def test_a_snoozed_program_gets_nothing_and_its_stages_are_recorded_skipped(self):
        d = self.daemon('before = ["2s"]\noverdue_every = "2s"\noverdue_max = 1')
        due = int(time.time()) + 3
        d.write_store("a", [(1, due)])
        d.write_store("b", [(1, due)])
        # Program b is snoozed until the day after tomorrow (here, in UTC or
        # Santiago alike): none of its stages today may go out.
        path = os.path.join(d.store, "b.toml")
        with open(path) as f:
            text = f.read()
        until = (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat()
        with open(path + ".tmp", "w") as f:
            f.write(text.replace("[program]\n", f'[program]\nsnooze_until = {until}\nsnooze_reason = "licencia"\n', 1))
        os.rename(path + ".tmp", path)
        d.start()
        # a's three stages arrive; b's never do.
        self.assertTrue(wait_until(lambda: len(self.receiver.items()) >= 3, 15), self.receiver.items())
        time.sleep(1)
        with self.receiver.lock:
            programs = {it["program"]["id"] for _, _, p in self.receiver.requests for it in p["items"]}
        self.assertEqual(programs, {"p-a"})
        self.assertEqual(d.stop(), 0)
        skipped = d.ledger("SELECT key FROM deliveries WHERE state = 'skipped' AND key LIKE 'p-b/%' ORDER BY key")
        self.assertEqual(len(skipped), 6, skipped)  # before-2s, due, overdue-1; e-mail and webhook
        self.assertIn(f"(snoozed until {until}: licencia)", d.log_text())

    def test_sigterm_exits_zero_and_reports_status(self):
        d = self.daemon('before = ["1d"]')
        d.write_store("a", [(1, int(time.time()) + 3 * 86400)])
        # WatchdogSec=0.4s as systemd would pass it: WATCHDOG=1 every 0.2 s.
        d.start({"WATCHDOG_USEC": "400000"})
        ready = d.notify.wait_for("READY=1")
        self.assertIn("STATUS=1 open, next reminder", ready)
        d.notify.wait_for("WATCHDOG=1", timeout=5)
        started = time.time()
        self.assertEqual(d.stop(), 0)
        self.assertLess(time.time() - started, 10)

    def test_second_daemon_on_the_same_state_folder_exits_naming_the_first(self):
        d = self.daemon('before = ["1d"]')
        d.write_store("a", [(1, int(time.time()) + 3 * 86400)])
        d.start()
        started = time.time()
        second = subprocess.run([PLAZOD, "run", "--config", d.settings], capture_output=True,
                                text=True, timeout=10)
        self.assertEqual(second.returncode, 1, second.stderr)
        self.assertLess(time.time() - started, 5)
        self.assertIn(f"another plazod (PID {d.proc.pid}) is running on the state folder",
                      second.stderr)
        # Read-only commands keep working beside the running daemon.
        status = subprocess.run([PLAZOD, "status", "--config", d.settings], capture_output=True,
                                text=True, timeout=10)
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIsNone(d.proc.poll())
        # The lock goes with its holder, even after kill -9; the restart
        # removes what a crashed write left in the outbox's tmp/.
        d.stop(signal.SIGKILL)
        tmp = os.path.join(d.state, "outbox", "tmp")
        os.makedirs(tmp, exist_ok=True)
        half = os.path.join(tmp, ".ntf_half.eml.XyZ123")
        with open(half, "w") as f:
            f.write("half a mess")
        os.utime(half, (time.time() - 3600, time.time() - 3600))
        d.notify.messages.clear()  # READY must come from the new process
        d.start()
        self.assertFalse(os.path.exists(half))
        self.assertEqual(d.stop(), 0)

    def test_a_file_size_limit_is_an_error_in_the_log_not_a_silent_death(self):
        d = self.daemon('before = ["1d"]')
        d.write_store("a", [(1, int(time.time()) + 3 * 86400)])
        limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        run = subprocess.run([PLAZOD, "run", "--config", d.settings], capture_output=True,
                             text=True, timeout=20, preexec_fn=limit)
        # SIGXFSZ would end it with -25 and no word; it must say why.
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn("too large", run.stderr.lower())

    def test_priority_prefixes_only_where_journald_reads_them(self):
        d = self.daemon('before = ["1d"]')
        d.write_store("a", [(1, int(time.time()) + 3 * 86400)])
        env = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"}
        master, slave = pty.openpty()
        proc = subprocess.Popen([PLAZOD, "run", "--config", d.settings], env=env,
                                stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        seen = b""
        deadline = time.time() + 10
        while b"plazod started" not in seen and time.time() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                seen += os.read(master, 4096)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=20), 0)
        os.close(master)
        self.assertIn(b"info: plazod started", seen)
        self.assertNotIn(b"<6>", seen)
        # Not a terminal (the other tests' log file): journald's prefixes.
        d.start()
        self.assertEqual(d.stop(), 0)
        self.assertIn("<6>plazod started", d.log_text())

    def test_an_empty_store_checks_runs_and_picks_up_the_first_file(self):
        d = self.daemon('before = ["1s"]\noverdue_max = 0')
        # A fresh install before the first import: valid, with a warning.
        check = subprocess.run([PLAZOD, "check", "--config", d.settings], capture_output=True,
                               text=True, timeout=10)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertIn("warning: no store files (*.toml) in the store folder yet", check.stderr)
        # send-test needs no store at all.
        sent = subprocess.run([PLAZOD, "send-test", "--webhook", "equipo", "--config", d.settings],
                              capture_output=True, text=True, timeout=20)
        self.assertEqual(sent.returncode, 0, sent.stderr)
        d.start()
        self.assertIn("STATUS=0 open, next reminder none", d.notify.wait_for("READY=1"))
        due = int(time.time()) + 3
        d.write_store("a", [(1, due)])
        self.assertTrue(wait_until(lambda: any(s == "due" for *_, s in self.receiver.items()), 10),
                        d.log_text())
        self.assertEqual(d.stop(), 0)

    def test_edit_by_rename_takes_effect_and_broken_edit_keeps_old_schedule(self):
        d = self.daemon('before = ["1s"]\noverdue_max = 0')
        far = int(time.time()) + 3600
        d.write_store("a", [(1, far)])
        d.start()
        # Move the due date close: the new plan is in force after the edit.
        due = int(time.time()) + 3
        d.write_store("a", [(1, due)])
        d.notify.wait_for("RELOADING=1")
        self.assertTrue(wait_until(lambda: any(s == "due" for *_, s in self.receiver.items()), 10))
        # A broken edit: logged with its place, the old schedule stays.
        with open(os.path.join(d.store, "b.toml"), "w") as f:
            f.write('[program]\nid = "b"\nname = 3\n')
        self.assertTrue(wait_until(lambda: "b.toml:3:8: 'name' must be a string" in d.log_text(), 5))
        # b.toml was never accepted: nothing runs on a last good version.
        status = d.notify.wait_for("config error")
        self.assertIn("b.toml:3:8", status)
        self.assertEqual(d.proc.poll(), None)
        self.assertEqual(d.stop(), 0)

    def test_a_broken_edit_then_kill_9_runs_on_the_last_good_version(self):
        d = self.daemon('before = ["1s"]\noverdue_every = "2s"\noverdue_max = 5',
                        extra='[http]\nlisten = "127.0.0.1:0"\n')
        due_a = int(time.time()) + 8
        d.write_store("a", [(1, due_a)])
        d.write_store("b", [(1, int(time.time()) + 3600)])
        d.start()
        # a.toml broken by an edit: it keeps its accepted version.
        with open(os.path.join(d.store, "a.toml"), "w") as f:
            f.write('[program]\nid = "p-a"\nname = 3\n')
        self.assertIn("running on the configuration accepted at",
                      d.notify.wait_for("running on the configuration accepted at"))
        # ... while an edit of b.toml takes effect (per file).
        due_b = int(time.time()) + 4
        d.write_store("b", [(1, due_b)])
        self.assertTrue(wait_until(lambda: "b.toml changed" in d.log_text() and
                                   d.log_text().count("configuration reloaded") == 2, 5),
                        d.log_text())
        # A crash now: the restarted daemon runs on a's last good version.
        d.proc.kill()
        d.proc.wait()
        d.notify.forget()
        d.start()
        ready = d.notify.wait_for("READY=1")
        self.assertIn("2 open", ready)
        self.assertIn("running on the configuration accepted at", ready)
        self.assertIn("a.toml:3:8: 'name' must be a string", ready)
        port = int(d.log_text().split("serving /healthz")[-1].split(":")[1].split()[0])
        import urllib.request
        health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read().decode()
        self.assertIn("running on the configuration accepted at", health)
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        self.assertIn("plazo_config_last_good 1", metrics)
        self.assertIn("plazo_config_errors 1", metrics)
        # The admin still sees the error.
        check = subprocess.run([PLAZOD, "check", "--config", d.settings], capture_output=True,
                               text=True, timeout=10)
        self.assertEqual(check.returncode, 1)
        self.assertIn("a.toml:3:8", check.stderr)
        # Both parts' stages come on time: a from the last good version.
        stages = lambda: {(c, s) for *_, c, s in self.receiver.items()}
        self.assertTrue(wait_until(lambda: {("c1", "due")} <= stages() and
                                   len([1 for *_, s in self.receiver.items() if s == "due"]) >= 2,
                                   15), (self.receiver.items(), d.log_text()))
        programs = {it["program"]["id"] for _, _, p in self.receiver.requests
                    for it in p["items"] if it["stage"] == "due"}
        self.assertEqual(programs, {"p-a", "p-b"})
        for arrival, _, _, stage in self.receiver.items():
            if stage == "due":
                self.assertGreaterEqual(arrival, min(due_a, due_b) - 0.001)
        # Fixed: back to the files on disk.
        d.write_store("a", [(1, due_a)])
        d.notify.wait_for("RELOADING=1")
        self.assertTrue(wait_until(lambda: "plazo_config_last_good 0" in urllib.request.urlopen(
            f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode(), 5))
        self.assertEqual(d.stop(), 0)

    def test_a_corrupt_last_good_copy_is_ignored_with_a_warning(self):
        d = self.daemon('before = ["1s"]\noverdue_max = 0')
        d.write_store("a", [(1, int(time.time()) + 3600)])
        with open(os.path.join(d.store, "b.toml"), "w") as f:
            f.write('[program\n')
        os.makedirs(d.state)
        with open(os.path.join(d.state, "last-good.config"), "wb") as f:
            f.write(b"PLAZOCFG\x01\x00\x00\x00garbage-garbage-garbage")  # 23 bytes
        # b.toml is invalid, so the copy is read: damaged, it is of no use.
        d.start()
        self.assertIn("last-good.config: a damaged record at byte 12; the 23 bytes from there "
                      "are ignored", d.log_text())
        self.assertIn("b.toml:1:9", d.log_text())
        self.assertEqual(d.stop(), 0)
        # Replaced by a whole copy of what is in force.
        with open(os.path.join(d.state, "last-good.config"), "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(b"PLAZOCFG"))
        self.assertIn(b'id = "p-a"', data)
        self.assertNotIn(b"garbage", data)

    def test_a_damaged_or_future_store_snapshot_is_ignored_logged_and_rebuilt(self):
        d = self.daemon('before = ["1s"]\noverdue_max = 0')
        later = int(time.time()) + 3600
        d.write_store("a", [(1, later)])
        d.write_store("b", [(1, later), (2, later)])
        hour_ago = time.time() - 3600  # older than the racy window: entries are trusted
        for name in ("a.toml", "b.toml"):
            os.utime(os.path.join(d.store, name), (hour_ago, hour_ago))
        snapshot = os.path.join(d.state, "store.snapshot")
        d.start()
        self.assertEqual(d.stop(), 0)
        with open(snapshot, "rb") as f:
            good = f.read()
        self.assertTrue(good.startswith(b"PLAZOSTO\x02\x00\x00\x00"), good[:16])
        flipped = bytearray(good)
        flipped[-20] ^= 0x40  # inside the last file's record, before its checksum
        for bad, says, then in (
                (good[:len(good) // 2], "a damaged record at byte ", "ignored, and rebuilt after this load"),
                (b"PLAZOSTO\x09\x00\x00\x00" + good[12:], "version 9, this plazod reads 2",
                 "ignored, and rebuilt after this load"),
                (bytes(flipped), "the entry of ", "is damaged; parsed instead, and the snapshot rebuilt")):
            with open(snapshot, "wb") as f:
                f.write(bad)
            d.notify.forget()
            d.start()
            # Not trusted: both files parsed, the plan whole, and a warning.
            self.assertIn("3 open", d.notify.wait_for("READY=1"))
            self.assertEqual(d.stop(), 0)
            self.assertIn("store snapshot: " + snapshot + ": " + says, d.log_text())
            self.assertIn(then, d.log_text())
            with open(snapshot, "rb") as f:
                rebuilt = f.read()
            self.assertEqual(len(rebuilt), len(good))
            self.assertTrue(rebuilt.startswith(b"PLAZOSTO\x02\x00\x00\x00"))
            self.assertIn(b'p-b', rebuilt)

    def test_a_ledger_deleted_while_running_is_restored_and_the_daemon_restarts(self):
        d = self.daemon('before = ["1s"]\noverdue_max = 0')
        due = int(time.time()) + 2
        d.write_store("a", [(1, due)])
        d.start()
        self.assertTrue(wait_until(lambda: len(self.receiver.items()) >= 2, 10))
        sent = d.ledger("SELECT count(*) FROM deliveries")[0][0]
        for suffix in ("", "-wal", "-shm"):
            path = os.path.join(d.state, "ledger.db" + suffix)
            if os.path.exists(path):
                os.unlink(path)
        # Noticed within seconds: the daemon stops, puts the ledger back, exits 1.
        self.assertEqual(d.proc.wait(timeout=15), 1)
        self.assertIn("the ledger was deleted or replaced while plazod ran", d.log_text())
        self.assertIn("restored from the open database", d.log_text())
        self.assertEqual(d.ledger("SELECT count(*) FROM deliveries")[0][0], sent)
        # Started again on it, nothing is sent twice.
        got = len(self.receiver.items())
        d.notify.forget()
        d.start()
        time.sleep(1.5)
        self.assertEqual(len(self.receiver.items()), got)
        self.assertEqual(d.stop(), 0)

    def test_an_update_stops_a_fulfilled_part_and_replans_a_moved_one(self):
        """plazod import --update on the store of a running daemon: commitment 1
        becomes cumplido (no more reminders), 1's second part moves from
        December 2031 to June 2031 (its stages follow the new date). Dates are
        far off; 'before' offsets in seconds, counted from the end of the due
        day (UTC), put the stages of those dates a few seconds from now."""
        t0 = int(time.time())

        def end_of(day):  # the due instant of a date due, in UTC
            return int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()) + 86400

        due_a, old_b, new_b = "2031-06-30", "2031-12-31", "2031-06-30"
        # A: a stage every second from t0+2 to t0+40, while it is open.
        before_a = ", ".join(f'"{end_of(due_a) - (t0 + 2 + k)}s"' for k in range(39))
        # B: one stage at t0+14 if due on new_b, one at t0+20 if due on old_b.
        at_new, at_old = t0 + 14, t0 + 20
        before_b = f'"{end_of(new_b) - at_new}s", "{end_of(old_b) - at_old}s"'
        quiet = 'timezone = "UTC"\nbefore = []\non_due = false\noverdue_max = 0'
        d = self.daemon(quiet, extra=f'[schedule.a]\ntimezone = "UTC"\nbefore = [{before_a}]\n'
                                     f'on_due = false\noverdue_max = 0\n'
                                     f'[schedule.b]\ntimezone = "UTC"\nbefore = [{before_b}]\n'
                                     f'on_due = false\noverdue_max = 0\n')
        sample = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "reports",
                              "informe-cumplimiento-intermediacion-laboral-2024.txt")
        with open(sample, encoding="utf-8") as f:
            lines = f.read().split("\n")
        lines[14] = lines[14].replace("Junio 2025", "Junio 2031")
        lines[15] = lines[15].replace("Diciembre 2025", "Diciembre 2031")
        v1 = os.path.join(d.dir, "v1.txt")
        with open(v1, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        lines[3] = lines[3].replace("31-12-2024", "30-06-2025")
        lines[14] = lines[14].replace("Calificación:</u> En evaluación",
                                      "Calificación:</u> Cumplido (30-06-2025)", 1)
        lines[15] = lines[15].replace("Diciembre 2031", "Junio 2031")
        v2 = os.path.join(d.dir, "v2.txt")
        with open(v2, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))

        # The admin imports the report, then edits the file: the program's
        # webhook and schedule, a schedule of its own for each of the two parts.
        store_file = os.path.join(d.store, "pil.toml")
        subprocess.run([PLAZOD, "import", v1, "--id", "pil", "--owner", "ana@example.gob.cl",
                        "-o", os.path.join(d.dir, "pil.toml")], check=True, capture_output=True)
        with open(os.path.join(d.dir, "pil.toml"), encoding="utf-8") as f:
            text = f.read()
        text = text.replace('owners = ["ana@example.gob.cl"]\n',
                            'owners = ["ana@example.gob.cl"]\nwebhooks = ["equipo"]  # el equipo\n'
                            'schedule = "fast"\n', 1)
        text = text.replace('id = "c1"\n', 'id = "c1"\nschedule = "a"\n', 1)
        text = text.replace('id = "c1-p2"\n', 'id = "c1-p2"\nschedule = "b"  # propio\n', 1)
        with open(store_file, "w", encoding="utf-8") as f:
            f.write(text)
        d.start()

        def items_of(commitment):
            return [(t, stage) for t, _, c, stage in self.receiver.items() if c == commitment]

        self.assertTrue(wait_until(lambda: len(items_of("c1")) >= 3, 15), self.receiver.items())
        d.notify.forget()
        update = subprocess.run([PLAZOD, "import", v2, "--update", store_file, "--json"],
                                capture_output=True, text=True)
        self.assertEqual(update.returncode, 0, update.stderr)
        report = json.loads(update.stdout)
        changes = {(c["commitment"], c["field"]): (c["from"], c["to"]) for c in report["changes"]}
        self.assertEqual(changes[("c1", "status")], ("en_evaluacion", "cumplido"))
        self.assertEqual(changes[("c1-p2", "due")], (old_b, new_b))
        d.notify.wait_for("RELOADING=1")
        d.notify.wait_for("READY=1")
        time.sleep(1.5)
        reminded = len(items_of("c1"))
        self.assertLess(reminded, 30)
        # B: the stage of the new date arrives, the old date's never does.
        self.assertTrue(wait_until(lambda: items_of("c1-p2"), at_new + 5 - time.time()),
                        self.receiver.items())
        time.sleep(max(0.0, at_old + 2 - time.time()))
        b = items_of("c1-p2")
        self.assertEqual(len(b), 1, b)
        self.assertGreaterEqual(b[0][0], at_new - 0.001)
        payload_b = [it for _, _, p in self.receiver.requests for it in p["items"]
                     if it["commitment"]["id"] == "c1-p2"]
        self.assertEqual(payload_b[0]["commitment"]["due"], new_b)
        # A, now cumplido, got nothing more.
        self.assertEqual(len(items_of("c1")), reminded)
        self.assertEqual(subprocess.run([PLAZOD, "check", "--config", d.settings],
                                        capture_output=True).returncode, 0)
        self.assertIn("webhooks = [\"equipo\"]  # el equipo\n", open(store_file).read())
        self.assertEqual(d.stop(), 0)

    def test_receiver_down_then_up_delivers_everything_once(self):
        self.receiver.mode = "fail"
        d = self.daemon('before = ["1s"]\noverdue_max = 0')
        due = int(time.time()) + 2
        d.write_store("a", [(n, due) for n in range(1, 6)])
        d.start()
        self.assertTrue(wait_until(lambda: "retrying" in d.log_text(), 10), d.log_text())
        self.receiver.mode = "ok"
        # before-1s and due of 5 parts, in one digest each: 2 notifications.
        self.assertTrue(wait_until(lambda: len({i for _, i, _, _ in self.receiver.items()}) == 2, 20))
        time.sleep(1)
        ids = [i for _, i, _, _ in self.receiver.items() for _ in [0]]
        self.assertEqual(len(self.receiver.items()), 10)
        attempts = d.ledger("select count(*) from attempts where ok = 0")[0][0]
        self.assertGreater(attempts, 0)
        self.assertEqual(d.ledger("select count(*) from outbox where state != 'sent'")[0][0], 0)
        self.assertEqual(d.stop(), 0)

    def test_given_up_deliveries_are_listed_by_status_and_secrets_stay_out_of_logs(self):
        self.receiver.mode = "fail"
        d = self.daemon('before = ["1s"]\noverdue_max = 0\non_due = false')
        # give up after 2 s of failing (retries every 1-2 s before that)
        text = open(d.settings).read().replace('max_retry = "2s"', 'max_retry = "2s"\ngive_up_after = "2s"')
        open(d.settings, "w").write(text)
        due = int(time.time()) + 2
        d.write_store("a", [(1, due)], owners="[]")
        d.start()
        self.assertTrue(wait_until(lambda: "gave up" in d.log_text(), 15), d.log_text())
        self.assertEqual(d.stop(), 0)
        out = subprocess.run([PLAZOD, "status", "--config", d.settings, "--json"],
                             capture_output=True, text=True, check=True).stdout
        deliveries = json.loads(out)["deliveries"]
        self.assertEqual(len(deliveries["given_up"]), 1)
        self.assertEqual(deliveries["given_up"][0]["destination"], "equipo")
        self.assertIn("503", deliveries["given_up"][0]["last_error"])
        table = subprocess.run([PLAZOD, "status", "--config", d.settings],
                               capture_output=True, text=True, check=True).stdout
        self.assertIn("1 given up", table)
        for secret in ("whsec_c2VjcmV0LWZvci10ZXN0cw==", "secret-for-tests"):
            self.assertNotIn(secret, d.log_text())

    def test_kill_9_in_a_burst_loses_nothing(self):
        self.receiver.mode = "slow"
        # 120 programs, each with its own endpoint (on the same receiver), all
        # due at the same instant: a burst of 120 webhook notifications.
        hooks = "".join(f'[webhook.w{n:03d}]\nurl = "http://127.0.0.1:{self.receiver.port}/w{n}"\n'
                        f'secret_file = "secret"\n' for n in range(120))
        d = self.daemon('before = ["1s"]\noverdue_max = 0\non_due = false', extra=hooks)
        due = int(time.time()) + 4
        for n in range(120):
            d.write_store(f"p{n:03d}", [(1, due)], owners="[]", webhook=f"w{n:03d}")
        d.start()
        self.assertTrue(wait_until(lambda: len(self.receiver.items()) >= 10, 15))
        d.proc.kill()  # SIGKILL in the middle of the burst
        d.proc.wait()
        got_before = len(self.receiver.items())
        d.start()
        self.assertTrue(wait_until(lambda: len({i for _, i, _, _ in self.receiver.items()}) == 120, 30),
                        len({i for _, i, _, _ in self.receiver.items()}))
        time.sleep(1)
        ids = [i for _, i, _, _ in self.receiver.items()]
        repeated = len(ids) - len(set(ids))
        print(f"kill -9 after {got_before} deliveries: {repeated} repeated (in flight), "
              f"{len(set(ids))} distinct of 120", file=sys.stderr)
        # Only deliveries in flight at the kill may repeat: at most the
        # transfers the sender runs at once ([delivery] max_in_flight, 256).
        self.assertLess(repeated, 120)
        self.assertEqual(len(set(ids)), 120)
        self.assertEqual(d.stop(), 0)


class SmtpTest(unittest.TestCase):
    """E-mail through a real SMTP server (aiosmtpd) with AUTH, via the daemon."""

    def setUp(self):
        self.receiver = Receiver()
        self.mail_dir = tempfile.mkdtemp(prefix="plazo-smtp-")
        peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers", "smtp_server.py")
        self.smtp = subprocess.Popen([sys.executable, peer, "--dir", self.mail_dir, "--mode", "plain",
                                      "--user", "plazo", "--password", "clave-secreta-smtp"],
                                     stdout=subprocess.PIPE, text=True)
        line = self.smtp.stdout.readline()
        self.assertTrue(line.startswith("PORT "), line)
        self.port = int(line.split()[1])

    def tearDown(self):
        self.smtp.terminate()
        self.smtp.wait()
        self.receiver.stop()
        if not os.environ.get("PLAZO_KEEP"):
            shutil.rmtree(self.mail_dir, ignore_errors=True)

    def test_digests_reach_the_smtp_server_with_auth_and_no_secret_in_the_log(self):
        d = Daemon(self.receiver.port, 'before = ["2s"]\noverdue_max = 0',
                   extra_settings=f'''[email]
url = "smtp://127.0.0.1:{self.port}"
starttls = false
username = "plazo"
password_env = "PLAZO_TEST_SMTP_PASSWORD"
from = "Plazo <plazo@example.gob.cl>"
''')
        self.addCleanup(d.remove)
        due = int(time.time()) + 4
        # Two parts for the same officers: one digest per officer per instant.
        d.write_store("a", [(1, due), (2, due)],
                      owners='["ana@example.gob.cl", "beto@example.gob.cl"]')
        d.start({"PLAZO_TEST_SMTP_PASSWORD": "clave-secreta-smtp"})
        mails = lambda: sorted(f for f in os.listdir(self.mail_dir) if f.endswith(".json"))
        # before-2s and due, to two officers: four messages.
        self.assertTrue(wait_until(lambda: len(mails()) >= 4, 20), d.log_text())
        time.sleep(0.5)
        self.assertEqual(len(mails()), 4)
        import email
        import email.policy
        subjects = []
        for name in mails():
            meta = json.load(open(os.path.join(self.mail_dir, name)))
            self.assertEqual(meta["user"], "plazo")
            eml = os.path.join(self.mail_dir, name[:-5] + ".eml")
            msg = email.message_from_binary_file(open(eml, "rb"), policy=email.policy.default)
            subjects.append(str(msg["Subject"]))
            self.assertIn("Compromiso 2", msg.get_body(preferencelist=("plain",)).get_content())
        self.assertTrue(all("2 compromisos" in s for s in subjects), subjects)
        self.assertEqual(d.stop(), 0)
        self.assertNotIn("clave-secreta-smtp", d.log_text())
        self.assertEqual(d.ledger("select count(*) from outbox where channel = 'email' and state = 'sent'")[0][0], 4)


class HttpTest(unittest.TestCase):
    """The read-only HTTP endpoint ([http] listen) of a running daemon."""

    def setUp(self):
        self.receiver = Receiver()
        self.d = Daemon(self.receiver.port, 'before = ["2s"]\noverdue_max = 0',
                        extra_settings='[http]\nlisten = "127.0.0.1:0"\n')
        due = int(time.time()) + 6
        self.due = due
        self.d.write_store("a", [(1, due), (2, due + 3600)])
        self.d.start()
        self.assertTrue(wait_until(lambda: "serving /healthz" in self.d.log_text(), 5))
        self.port = int(self.d.log_text().split("serving /healthz")[1].split(":")[1].split()[0])

    def tearDown(self):
        self.d.remove()
        self.receiver.stop()

    def get(self, path, method="GET", headers=None, body=None):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, r.getheader("Content-Type"), body.decode()

    def test_endpoints_answer_and_metrics_pass_promtool(self):
        self.assertEqual(self.get("/healthz")[0], 200)
        status, ctype, body = self.get("/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(ctype.startswith("text/plain; version=0.0.4"))
        self.assertIn("plazo_open_parts 2\n", body)
        self.assertIn('plazo_delivery_latency_seconds_bucket{channel="webhook",le="+Inf"}', body)
        # Bucket bounds as written, and the version.
        self.assertIn('plazo_delivery_latency_seconds_bucket{channel="webhook",le="0.05"}', body)
        self.assertIn('plazo_build_info{version="', body)
        self.assertIn('plazo_delivery_attempts_failed_total{channel="webhook"} ', body)
        check = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True,
                               text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        status, ctype, body = self.get("/api/v1/status")
        self.assertEqual((status, ctype), (200, "application/json"))
        doc = json.loads(body)
        self.assertEqual(sorted(doc),
                         ["at", "deliveries", "due_soon", "fulfilled", "later", "overdue", "page"])
        self.assertEqual(len(doc["due_soon"]), 2)
        self.assertEqual(doc["page"], {"offset": 0, "limit": 1000, "total": 2, "next": None})
        # A page of one: the next page holds the other part, at the same instant.
        status, _, body = self.get("/api/v1/status?limit=1")
        first = json.loads(body)
        self.assertEqual(len(first["due_soon"]), 1)
        second = json.loads(self.get(first["page"]["next"])[2])
        self.assertEqual((second["at"], second["page"]["next"]), (first["at"], None))
        self.assertEqual(first["due_soon"] + second["due_soon"], doc["due_soon"])
        status, ctype, body = self.get("/calendar.ics?owner=ana%40example.gob.cl")
        self.assertEqual((status, ctype), (200, "text/calendar; charset=utf-8"))
        self.assertEqual(body.count("BEGIN:VEVENT"), 2)
        self.assertEqual(self.get("/calendar.ics?owner=nadie@example.gob.cl")[2].count("BEGIN:VEVENT"), 0)
        self.assertEqual(self.get("/nope")[0], 404)
        self.assertEqual(self.d.stop(), 0)

    def test_malformed_requests_get_errors_and_the_scheduler_keeps_time(self):
        # A slowloris client: half a request, never finished.
        slow = socket.create_connection(("127.0.0.1", self.port))
        slow.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        self.assertEqual(self.get("/metrics", method="POST")[0], 405)
        self.assertEqual(self.get("/metrics", method="DELETE")[0], 405)
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        self.assertEqual(self.get("/ack/x", method="POST", headers={"Content-Type": "application/json"},
                                  body=b"{}")[0], 415)
        self.assertEqual(self.get("/ack/x", method="POST", headers=form, body=b"a=" + b"b" * 17000)[0], 413)
        self.assertEqual(self.get("/ack/x", method="POST", headers=form, body=b"proof=x")[0], 404)
        self.assertEqual(self.get("/healthz", headers={"X-Big": "a" * 10000})[0], 431)
        self.assertEqual(self.get("/../../etc/passwd")[0], 404)
        self.assertEqual(self.get("/%2e%2e/%2e%2e/etc/passwd")[0], 404)
        raw = socket.create_connection(("127.0.0.1", self.port))
        raw.sendall(b"NONSENSE\r\n\r\n")
        self.assertIn(b"400", raw.recv(4096))
        raw.close()
        # The stages still go out at their instants while the slow client hangs.
        self.assertTrue(wait_until(lambda: len(self.receiver.items()) >= 2, 15))
        for arrival, _, _, stage in self.receiver.items():
            expected = self.due - 2 if stage == "before-2s" else self.due
            LATENESS_MS.append((arrival - expected) * 1000)
        # The server gives up on the slow client after its 5 s request timeout.
        slow.settimeout(15)
        self.assertEqual(slow.recv(4096), b"")
        slow.close()
        self.assertEqual(self.get("/healthz")[0], 200)
        self.assertEqual(self.d.stop(), 0)


if __name__ == "__main__":
    PLAZOD = os.path.abspath(sys.argv.pop(1))
    result = unittest.main(exit=False, verbosity=2).result
    if LATENESS_MS:
        ordered = sorted(LATENESS_MS)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(f"webhook lateness over {len(ordered)} deliveries: max {ordered[-1]:.1f} ms, "
              f"p99 {p99:.1f} ms", file=sys.stderr)
    sys.exit(0 if result.wasSuccessful() else 1)
