"""The HTTP listener of a real plazod under abuse from many loopback
addresses, while an admin's prober asks /healthz from 127.0.0.1:

- 1,000 idle connections (25 from each of 127.0.0.2-41): every probe is
  answered, and the idle connections are closed after the request timeout;
- 200 slowloris clients (10 from each of 127.0.0.50-69) trickling a header
  line a second: every probe is answered, and every slow client is cut off
  although it never stops sending;
- 40 connections from one address: 32 are kept, the rest closed at once;
- a webhook stage due during the attacks arrives.

The probes' latency is printed (p50, p99, max); no test asserts a wall-clock
time, the figures go in notes.

    python3 http_abuse.py PLAZOD
"""
import os
import resource
import socket
import statistics
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_e2e  # noqa: E402
from daemon_e2e import Daemon, Receiver, wait_until  # noqa: E402

LATENCY_MS = {}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(port, source):
    s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
    return s


def closed_by_peer(s, timeout):
    """True when the server closed s (EOF or reset) within timeout (0: has
    already closed it)."""
    s.settimeout(timeout if timeout > 0 else 0.0)
    try:
        return s.recv(4096) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except (socket.timeout, BlockingIOError):
        return False


class HttpAbuseTest(unittest.TestCase):
    def setUp(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, 8192)
        if want < 2000:
            self.skipTest(f"needs 2000 file descriptors, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        self.receiver = Receiver()
        self.port = free_port()
        self.d = Daemon(self.receiver.port, 'before = ["2s"]\noverdue_max = 0',
                        extra_settings=f'[http]\nlisten = "127.0.0.1:{self.port}"\n')
        self.sockets = []

    def tearDown(self):
        for s in self.sockets:
            s.close()
        self.d.remove()
        self.receiver.stop()

    def probe(self, name, count=40):
        """count fresh-connection /healthz requests from 127.0.0.1; all must
        be answered 200. Keeps their latencies under name."""
        times = []
        for _ in range(count):
            start = time.perf_counter()
            s = connect(self.port, "127.0.0.1")
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
            s.close()
            times.append((time.perf_counter() - start) * 1000)
            self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:80])
            self.assertIn(b"X-Content-Type-Options: nosniff", answer)
            time.sleep(0.02)
        LATENCY_MS[name] = times

    def test_idle_connections_and_slowloris_do_not_starve_healthz(self):
        due = int(time.time()) + 12
        self.d.write_store("a", [(1, due)])
        self.d.start()

        # 1,000 idle connections: more than the listener keeps (512).
        for i in range(1000):
            self.sockets.append(connect(self.port, f"127.0.0.{2 + i // 25}"))
        self.probe("idle")
        idle = list(self.sockets)

        # 200 slowloris clients on top, each sending a header line a second.
        slow = [connect(self.port, f"127.0.0.{50 + i // 10}") for i in range(200)]
        self.sockets += slow
        for s in slow:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        cut = set()
        stop = threading.Event()

        def trickle():
            while not stop.is_set():
                for n, s in enumerate(slow):
                    if n in cut:
                        continue
                    try:
                        s.sendall(b"X-Slow: a\r\n")
                    except OSError:
                        cut.add(n)
                stop.wait(1)

        thread = threading.Thread(target=trickle)
        thread.start()
        try:
            self.probe("slowloris")
            # Each slow client is cut off after its 5 s request deadline,
            # although it keeps sending.
            self.assertTrue(wait_until(lambda: len(cut) == len(slow), 20), f"{len(cut)} of 200 cut off")
        finally:
            stop.set()
            thread.join()

        # The idle connections are gone too: evicted or timed out.
        self.assertTrue(all(closed_by_peer(s, 10) for s in idle))

        # One address gets 32 connections; the rest are closed at once.
        mine = [connect(self.port, "127.0.0.80") for _ in range(40)]
        self.sockets += mine
        time.sleep(0.5)
        closed = [s for s in mine if closed_by_peer(s, 0)]
        self.assertEqual(len(closed), 8)
        self.probe("per-client", 10)

        # The scheduler kept its time through it all.
        self.assertTrue(wait_until(lambda: len(self.receiver.items()) >= 2, 20))
        self.assertEqual(self.d.stop(), 0)


if __name__ == "__main__":
    daemon_e2e.PLAZOD = os.path.abspath(sys.argv.pop(1))
    result = unittest.main(exit=False, verbosity=2).result
    for name, times in LATENCY_MS.items():
        ordered = sorted(times)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(f"/healthz under {name}: {len(ordered)} probes, p50 {statistics.median(ordered):.1f} ms, "
              f"p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms", file=sys.stderr)
    sys.exit(0 if result.wasSuccessful() else 1)
