"""The current time, in one place, so tests can move the clock."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Set only by tests (see tests/conftest.py: the `clock` fixture).
_frozen: datetime | None = None


def utcnow() -> datetime:
    return _frozen or datetime.now(UTC)


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in a time zone (as typed in a form) as an aware UTC datetime."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def utc_to_local(moment: datetime, zone: str) -> datetime:
    """An aware datetime as the naive wall-clock time of a zone (to fill a form)."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
