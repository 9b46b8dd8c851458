"""The current time, in one place, so tests can move the clock."""

from datetime import UTC, datetime

# Set only by tests (see tests/conftest.py: the `clock` fixture).
_frozen: datetime | None = None


def utcnow() -> datetime:
    return _frozen or datetime.now(UTC)
