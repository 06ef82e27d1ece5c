#!/usr/bin/python3
"""Parses an e-mail file with Python's email package (an implementation
independent of plazo's) and prints what a mail reader would see, as JSON:
  {"headers": [[name, decoded value], ...], "subject": "...",
   "parts": [{"type": "text/plain", "charset": "utf-8",
              "encoding": "quoted-printable", "text": "..."}],
   "defects": ["..."], "bare_lf": false}
Usage: parse_email.py FILE
"""
import email
import email.policy
import json
import sys


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        parts.append({
            "type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "encoding": part.get("Content-Transfer-Encoding"),
            "text": part.get_content(),
        })
    defects = [type(d).__name__ for d in message.defects]
    for part in message.walk():
        defects += [type(d).__name__ for d in part.defects]
    result = {
        "headers": [[k, str(v)] for k, v in message.items()],
        "subject": str(message["Subject"]),
        "content_type": message.get_content_type(),
        "parts": parts,
        "defects": defects,
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
    }
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
