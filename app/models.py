"""Imports every model, so that Alembic and create_all (in tests) see the whole schema."""

from app.audit.models import AuditEvent  # noqa: F401
from app.auth.models import AccountToken, RecoveryCode, User  # noqa: F401
from app.jobs import JobRecord  # noqa: F401
from app.mail import OutboxMessage  # noqa: F401
