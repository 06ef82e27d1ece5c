#!/usr/bin/python3
"""An SMTP server for plazo's tests, on aiosmtpd (Debian's python3-aiosmtpd).

Listens on a free loopback port, prints "PORT <n>" on one line once it
accepts connections, and stores every message it accepts in --dir as
<n>.eml (the bytes as received) with <n>.json beside it: the envelope, the
client's port (one port per connection), whether TLS was on and who logged
in. Runs until it is terminated.

Modes:
  plain     no TLS at all
  starttls  STARTTLS offered and required before MAIL
  implicit  TLS from the first byte (smtps)
With --user and --password, AUTH is required (after TLS when there is TLS).
A recipient whose address starts with "rechazo@" is refused with 550.
"""
import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, folder, implicit_tls):
        self.folder = folder
        self.implicit_tls = implicit_tls
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("rechazo@"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, str(self.count))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "client_port": session.peer[1],
            "tls": self.implicit_tls or session.ssl is not None,
            "user": session.auth_data.login.decode() if session.authenticated else None,
        }
        # Written before the reply, and renamed into place, so a client that
        # got its 250 finds both files whole.
        for suffix, data in ((".eml", envelope.original_content),
                             (".json", json.dumps(record).encode())):
            with open(base + suffix + ".tmp", "wb") as f:
                f.write(data)
            os.rename(base + suffix + ".tmp", base + suffix)
        return "250 2.0.0 Message accepted"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self.user
              and auth_data.password == self.password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--mode", choices=["plain", "starttls", "implicit"], default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    # Quiet: the tests provoke refused logins and failed handshakes on
    # purpose, and aiosmtpd warns about AUTH without STARTTLS in implicit
    # TLS mode. What the tests check is in the files.
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")

    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    implicit = args.mode == "implicit"
    handler = Recorder(args.dir, implicit)
    auth = Authenticator(args.user, args.password) if args.user else None

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return SMTP(handler,
                    hostname="peer.test",
                    tls_context=context if args.mode == "starttls" else None,
                    require_starttls=args.mode == "starttls",
                    auth_required=auth is not None,
                    # With implicit TLS aiosmtpd does not see a STARTTLS, so
                    # it would refuse AUTH; the connection is TLS anyway.
                    auth_require_tls=args.mode == "starttls",
                    authenticator=auth,
                    loop=loop)

    server = loop.run_until_complete(
        loop.create_server(factory, "127.0.0.1", 0, ssl=context if implicit else None))
    port = server.sockets[0].getsockname()[1]
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    print("PORT %d" % port, flush=True)
    loop.run_forever()
    server.close()


if __name__ == "__main__":
    sys.exit(main())
