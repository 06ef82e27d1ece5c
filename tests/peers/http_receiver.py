#!/usr/bin/python3
"""A webhook receiver for plazo's tests, on Python's http.server.

Listens on a free loopback port, prints "PORT <n>" on one line once it
accepts connections, and appends one JSON line per request to --log:
method, path, headers, body, the client's port (one port per connection)
and, with --secret, whether the Standard Webhooks signature checks out
("signature_ok"), verified here with Python's hmac: an implementation
independent of plazo's.

The path chooses the answer:
  /status/<code>  answer <code> (e.g. /status/500, /status/429, /status/404)
  /hang           never answer (the client must time out)
  /close          close the connection without answering
  anything else   200
Runs until it is terminated.
"""
import argparse
import base64
import hashlib
import hmac
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def signing_key(secret):
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):], validate=True)
    return secret.encode()


def signature_ok(key, headers, body):
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    expected = base64.b64encode(
        hmac.new(key, b"%s.%s.%s" % (msg_id.encode(), timestamp.encode(), body),
                 hashlib.sha256).digest()).decode()
    for candidate in headers.get("webhook-signature", "").split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


def make_handler(log_path, key):
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            record = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "client_port": self.client_address[1],
            }
            if key is not None:
                record["signature_ok"] = signature_ok(key, self.headers, body)
            with lock:
                with open(log_path, "a", encoding="utf-8") as log:
                    log.write(json.dumps(record, ensure_ascii=False) + "\n")
            if self.path.startswith("/hang"):
                time.sleep(3600)
                return
            if self.path.startswith("/close"):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            status = 200
            if self.path.startswith("/status/"):
                status = int(self.path.split("/")[2])
            reply = json.dumps({"status": status}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass  # quiet: the log file is the record

    return Handler


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client closing a kept-alive connection is no news


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--secret")
    args = parser.parse_args()
    key = signing_key(args.secret) if args.secret is not None else None
    server = QuietServer(("127.0.0.1", 0), make_handler(args.log, key))
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
