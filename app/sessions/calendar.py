"""One session as an iCalendar (RFC 5545) event, for people's own calendars.

A single event needs only escaping and line folding, so this is written here rather than
with a library. Times are in UTC: every calendar shows them in its owner's zone.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def ics(session, link: str, *, private: bool, now: datetime) -> str:
    description = session.agenda
    location = ""
    if private:
        location = session.place or session.meeting_link or ""
        if session.meeting_link:
            description = f"{session.meeting_link}\n\n{description}"
    host = current_app.config["BASE_URL"].split("//", 1)[-1]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//GCM consultations//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:session-{session.id}@{host}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(session.starts_at)}",
        f"DTEND:{_stamp(session.ends_at)}",
        f"SUMMARY:{_escape(session.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{link}",
    ]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if session.cancelled_at is not None:
        lines.append("STATUS:CANCELLED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
