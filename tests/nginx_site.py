"""The documented nginx site (examples/nginx/plazo.conf) in front of a real
plazod run: Debian's nginx, TLS with a certificate made here, the site's
own text with only paths and ports replaced.

- an officer's link from an e-mail works through it: the page, then the
  POST, recorded with the officer's address as nginx saw it (X-Forwarded-For
  from a loopback proxy), not nginx's;
- only /ack/ and /calendar/ pass: /metrics, /healthz, /api/v1/status and
  /calendar.ics are 404 from nginx;
- nginx's access log and plazod's log never hold a token.

    python3 nginx_site.py PLAZOD REPO_DIR
"""
import base64
import email
import email.policy
import glob
import html.parser
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_e2e  # noqa: E402
from daemon_e2e import Daemon, Receiver, wait_until  # noqa: E402

REPO = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FormReader(html.parser.HTMLParser):
    """The hidden inputs of a page's form."""

    def __init__(self):
        super().__init__()
        self.hidden = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a["value"]


class NginxSiteTest(unittest.TestCase):
    def setUp(self):
        if shutil.which("nginx") is None:
            self.skipTest("nginx is not installed (scripts/setup.sh installs it)")
        self.receiver = Receiver()
        self.http_port = free_port()
        self.tls_port = free_port()
        self.plain_port = free_port()
        self.d = Daemon(self.receiver.port, 'before = ["3s"]\noverdue_max = 0',
                        extra_settings=f'[http]\nlisten = "127.0.0.1:{self.http_port}"\n'
                                       f'users_file = "users"\n'
                                       f'public_url = "https://plazo.example.gob.cl"\n')
        # A control unit user "jefatura" with password "clave-de-prueba" (bcrypt, cost 4).
        hashed = subprocess.run([daemon_e2e.PLAZOD, "hash-password", "--cost", "4"], input="clave-de-prueba\n",
                                capture_output=True, text=True, check=True).stdout.strip()
        with open(os.path.join(self.d.dir, "users"), "w") as f:
            f.write(f"jefatura:{hashed}\n")
        self.nginx_dir = tempfile.mkdtemp(prefix="plazo-nginx-")
        self.start_nginx()

    def tearDown(self):
        pid_file = os.path.join(self.nginx_dir, "nginx.pid")
        if os.path.exists(pid_file):
            subprocess.run(["nginx", "-p", self.nginx_dir, "-c", self.conf, "-s", "stop"],
                           stderr=subprocess.DEVNULL)
        self.d.remove()
        self.receiver.stop()
        if not os.environ.get("PLAZO_KEEP"):
            shutil.rmtree(self.nginx_dir, ignore_errors=True)

    def start_nginx(self):
        n = self.nginx_dir
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=plazo.example.gob.cl", "-keyout", f"{n}/key.pem",
                        "-out", f"{n}/cert.pem"], check=True, capture_output=True)
        with open(os.path.join(REPO, "examples/nginx/plazo.conf")) as f:
            site = f.read()
        # Only what ties the site to an installed system: paths and ports.
        site = (site.replace("/etc/ssl/certs/plazo.example.gob.cl.pem", f"{n}/cert.pem")
                .replace("/etc/ssl/private/plazo.example.gob.cl.key", f"{n}/key.pem")
                .replace("/var/log/nginx/", f"{n}/")
                .replace("/etc/nginx/plazo_proxy.conf", os.path.join(REPO, "examples/nginx/plazo_proxy.conf"))
                .replace("127.0.0.1:9464", f"127.0.0.1:{self.http_port}")
                .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{self.tls_port} ssl http2;")
                .replace("listen [::]:443 ssl http2;", "")
                .replace("listen 80;", f"listen 127.0.0.1:{self.plain_port};")
                .replace("listen [::]:80;", "")
                .replace("allow 10.0.0.0/8;", "allow 127.0.0.7;"))
        self.assertNotIn("9464", site)
        with open(f"{n}/site.conf", "w") as f:
            f.write(site)
        self.conf = f"{n}/nginx.conf"
        with open(self.conf, "w") as f:
            f.write(f"pid {n}/nginx.pid;\nerror_log {n}/error.log;\nevents {{}}\nhttp {{\n"
                    f"  access_log {n}/other.log;\n"
                    f"  client_body_temp_path {n}; proxy_temp_path {n}; fastcgi_temp_path {n};\n"
                    f"  uwsgi_temp_path {n}; scgi_temp_path {n};\n"
                    f"  include {n}/site.conf;\n}}\n")
        subprocess.run(["nginx", "-t", "-p", n, "-c", self.conf], check=True, capture_output=True)
        subprocess.run(["nginx", "-p", n, "-c", self.conf], check=True)

    def request(self, method, path, body=None, source="127.0.0.1", auth=None):
        context = ssl.create_default_context(cafile=os.path.join(self.nginx_dir, "cert.pem"))
        context.check_hostname = False
        c = http.client.HTTPSConnection("127.0.0.1", self.tls_port, timeout=10, context=context,
                                        source_address=(source, 0))
        headers = {"Host": "plazo.example.gob.cl"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if auth is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        out = r.status, r.read().decode()
        c.close()
        return out

    def test_an_officer_acknowledges_through_the_site_and_no_token_is_logged(self):
        self.d.write_store("a", [(1, int(time.time()) + 5)])
        self.d.start()
        outbox = os.path.join(self.d.state, "outbox", "new")
        self.assertTrue(wait_until(lambda: glob.glob(outbox + "/*.eml"), 15))
        with open(glob.glob(outbox + "/*.eml")[0], "rb") as f:
            mail = email.message_from_binary_file(f, policy=email.policy.default)
        text = mail.get_body(("plain",)).get_content()
        lines = text.splitlines()
        link = lines[lines.index("Ya envié los medios de verificación:") + 1]
        self.assertTrue(link.startswith("https://plazo.example.gob.cl/ack/"))
        path = urllib.parse.urlsplit(link).path
        token = path[len("/ack/"):]

        # The page through nginx, then the form, from another client address.
        status, page = self.request("GET", path, source="127.0.0.7")
        self.assertEqual(status, 200, page)
        self.assertIn("Programa a", page)
        form = FormReader()
        form.feed(page)
        body = urllib.parse.urlencode({"proof": form.hidden["proof"], "comment": "por correo"})
        status, page = self.request("POST", path, body, source="127.0.0.7")
        self.assertEqual(status, 200, page)
        self.assertIn("Confirmación registrada", page)
        self.assertEqual(self.d.ledger("SELECT recipient, comment, client FROM acks"),
                         [("ana@example.gob.cl", "por correo", "127.0.0.7")])

        # Only the officers' routes leave the machine.
        for local_only in ["/metrics", "/healthz", "/api/v1/status", "/calendar.ics"]:
            status, page = self.request("GET", local_only)
            self.assertEqual(status, 404, local_only)
            self.assertNotIn("plazo_", page)
        status, page = self.request("GET", "/ack/" + token[:-3] + "abc")
        self.assertEqual(status, 404)
        self.assertIn("Enlace no válido", page)

        # The control unit's pages: from its network only (here 127.0.0.7),
        # then with a user of users_file.
        self.assertEqual(self.request("GET", "/")[0], 403)
        self.assertEqual(self.request("GET", "/programs/p-a")[0], 403)
        status, page = self.request("GET", "/", source="127.0.0.7")
        self.assertEqual(status, 401, page)
        status, page = self.request("GET", "/", source="127.0.0.7", auth="jefatura:otra")
        self.assertEqual(status, 401, page)
        status, page = self.request("GET", "/?state=acknowledged", source="127.0.0.7",
                                    auth="jefatura:clave-de-prueba")
        self.assertEqual(status, 200, page)
        self.assertIn("Seguimiento de compromisos", page)
        self.assertIn('href="/programs/p-a"', page)
        status, page = self.request("GET", "/programs/p-a", source="127.0.0.7", auth="jefatura:clave-de-prueba")
        self.assertEqual(status, 200, page)
        self.assertIn("por correo", page)  # the acknowledgement's comment
        self.assertIn("web login failed from 127.0.0.7", self.d.log_text())
        self.assertNotIn("clave-de-prueba", self.d.log_text())

        # No token in either log.
        with open(os.path.join(self.nginx_dir, "plazo.access.log")) as f:
            access = f.read()
        self.assertIn('"POST /ack/-" 200', access)
        self.assertNotIn(token[:20], access)
        self.assertIn("acknowledged p-a/c1", self.d.log_text())
        self.assertNotIn(token[:20], self.d.log_text())


if __name__ == "__main__":
    daemon_e2e.PLAZOD = os.path.abspath(sys.argv.pop(1))
    REPO = os.path.abspath(sys.argv.pop(1))
    unittest.main()
