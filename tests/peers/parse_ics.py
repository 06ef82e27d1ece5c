#!/usr/bin/python3
"""Parses an iCalendar file with Debian's python3-icalendar (an implementation
independent of plazo's) and prints what a calendar app would import, as JSON:
  {"calendar": {"prodid": ..., "version": ..., "method": ..., "calscale": ...,
                "name": ...},
   "events": N, "todos": N, "alarms": N,
   "items": [{"type": "VEVENT", "uid": ..., "summary": ..., "description": ...,
              "dtstart": "2026-12-31", "dtend": "2027-01-01" | null,
              "all_day": true, "dtstamp": "2026-12-05T12:00:00+00:00",
              "alarms": [{"action": "DISPLAY", "trigger_seconds": -2559600,
                          "description": ...}]}],
   "errors": ["..."],
   "raw": {"bare_lf": false, "bare_cr": false, "crlf_at_end": true,
           "longest_line": 75, "split_utf8": 0}}
"errors" lists what the parser met but let pass (icalendar records broken
properties instead of failing); "raw" checks the bytes the parser forgives:
line ends, the 75-octet limit and UTF-8 kept whole on every physical line.
Usage: parse_ics.py FILE
"""
import datetime
import json
import sys

import icalendar


def text(component, name):
    value = component.get(name)
    return None if value is None else str(value)


def when(component, name):
    value = component.get(name)
    return None if value is None else value.dt.isoformat()


def raw_checks(raw):
    lines = raw.split(b"\r\n")
    split = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            split += 1
    return {
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
        "bare_cr": b"\r" in raw.replace(b"\r\n", b""),
        "crlf_at_end": raw.endswith(b"\r\n"),
        "longest_line": max((len(line) for line in lines), default=0),
        "split_utf8": split,
    }


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    calendar = icalendar.Calendar.from_ical(raw)
    items = []
    errors = []
    counts = {"VEVENT": 0, "VTODO": 0, "VALARM": 0}
    for component in calendar.walk():
        errors += ["%s: %s" % (component.name, e) for e in getattr(component, "errors", [])]
        if component.name in counts:
            counts[component.name] += 1
        if component.name not in ("VEVENT", "VTODO"):
            continue
        start = component.get("DTSTART") or component.get("DUE")
        alarms = []
        for alarm in component.subcomponents:
            if alarm.name != "VALARM":
                continue
            trigger = alarm.get("TRIGGER")
            seconds = None
            if trigger is not None and isinstance(trigger.dt, datetime.timedelta):
                seconds = int(trigger.dt.total_seconds())
            alarms.append({
                "action": text(alarm, "ACTION"),
                "trigger_seconds": seconds,
                "trigger_related": trigger.params.get("RELATED") if trigger is not None else None,
                "description": text(alarm, "DESCRIPTION"),
            })
        items.append({
            "type": component.name,
            "uid": text(component, "UID"),
            "summary": text(component, "SUMMARY"),
            "description": text(component, "DESCRIPTION"),
            "dtstart": None if start is None else start.dt.isoformat(),
            "dtend": when(component, "DTEND"),
            "all_day": start is not None and not isinstance(start.dt, datetime.datetime),
            "dtstamp": when(component, "DTSTAMP"),
            "alarms": alarms,
        })
    result = {
        "calendar": {
            "prodid": text(calendar, "PRODID"),
            "version": text(calendar, "VERSION"),
            "method": text(calendar, "METHOD"),
            "calscale": text(calendar, "CALSCALE"),
            "name": text(calendar, "X-WR-CALNAME"),
        },
        "events": counts["VEVENT"],
        "todos": counts["VTODO"],
        "alarms": counts["VALARM"],
        "items": items,
        "errors": errors,
        "raw": raw_checks(raw),
    }
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
