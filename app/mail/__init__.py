"""E-mail, always sent by a job.

The message waits in the outbox with its content encrypted; the job gets only the outbox id,
sends, and deletes the row. A message that cannot be sent stays, and is tried again later
with growing pauses (`send_due_emails`, run by `flask --app wsgi mail send-due`) until it is
marked failed; admins see how many failed and why. With no mail backend configured nothing
is queued or sent.
"""

from __future__ import annotations

import json
import logging
import re
import smtplib
import ssl
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from jinja2_fragments.flask import render_block
from sqlalchemy import delete, func, select

from app.database import rowcount
from app.extensions import db
from app.i18n import gettext as _
from app.jobs import enqueue, job
from app.mail.models import OutboxMessage
from app.timeutil import utcnow

log = logging.getLogger(__name__)

# Messages "sent" with the memory backend (tests only).
SENT: list[EmailMessage] = []

# Pauses before each new try of a message that could not be sent; after the last try it is
# marked failed and never tried again on its own (an admin can ask for one more round).
RETRY_PAUSES = (
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_PAUSES) + 1
# A message whose first job never ran (a worker died, Redis lost it) is sent by the sweep.
FIRST_TRY_GRACE = timedelta(minutes=15)
# Failed messages hold an address and a link: they are deleted after a week.
FAILED_KEPT_FOR = timedelta(days=7)


def mail_enabled() -> bool:
    return current_app.config["MAIL_BACKEND"] != "none"


def queue_email(user, template: str, to: str | None = None, **values: Any) -> bool:
    """Queue an e-mail to a person (to their confirmed address unless `to` is given)."""
    address = to or user.email
    if not mail_enabled() or not address:
        return False
    _add_to_outbox(user.id, template, {"to": address, "values": values})
    return True


def queue_email_to_address(address: str, template: str, locale: str, **values: Any) -> bool:
    """An e-mail to someone who has no account here, in the language chosen for them."""
    if not mail_enabled() or not address:
        return False
    _add_to_outbox(None, template, {"to": address, "values": values, "locale": locale})
    return True


def _add_to_outbox(user_id: int | None, template: str, payload: dict[str, Any]) -> None:
    message = OutboxMessage(
        user_id=user_id,
        template=template,
        payload=json.dumps(payload),
        next_attempt_at=utcnow() + FIRST_TRY_GRACE,
    )
    db.session.add(message)
    db.session.flush()
    enqueue("deliver_email", message.id)


@job("deliver_email")
def deliver_email(record_id: str, outbox_id: int) -> None:
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None or message.failed_at is not None:  # sent by an earlier try, or given up
        return
    attempt_delivery(message, utcnow())


def attempt_delivery(message: OutboxMessage, now: datetime) -> bool:
    """Send one message: deleted when sent; otherwise the failure is recorded on it."""
    try:
        _send(_build_message(message))
    except Exception as error:  # the server, the network, TLS, or a bug: all count as a try
        _record_failure(message, error, now)
        return False
    db.session.delete(message)
    return True


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.last_error = describe_failure(error)
    if message.attempts >= MAX_ATTEMPTS:
        message.failed_at, message.next_attempt_at = now, None
    else:
        message.next_attempt_at = now + RETRY_PAUSES[message.attempts - 1]
    # The kind of error only: the exception's text may hold the address.
    log.warning(
        "e-mail %s not sent (try %s): %s", message.id, message.attempts, type(error).__name__
    )


_ADDRESS = re.compile(r"<?[^\s<>@'\"]+@[^\s<>'\"]+>?")


def describe_failure(error: Exception) -> str:
    """What went wrong, for admins: the error's kind and the server's words, never an address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{code} {_text(text)}" for code, text in error.recipients.values())
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = f"{error.smtp_code} {_text(error.smtp_error)}"
    else:
        detail = str(error)
    detail = _ADDRESS.sub("[address]", detail).strip()
    return f"{type(error).__name__}: {detail}"[:200] if detail else type(error).__name__


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def send_due_emails(now: datetime) -> dict[str, int]:
    """Try every message that is due (again); drop failed ones older than a week. The caller
    commits after each message, so a crash never sends one twice."""
    counts = {"sent": 0, "waiting": 0, "failed": 0}
    due = db.session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.failed_at.is_(None), OutboxMessage.next_attempt_at <= now
        )
    ).all()
    for outbox_id in due:
        message = db.session.get(OutboxMessage, outbox_id)
        if message is None or message.failed_at is not None:
            continue
        if attempt_delivery(message, now):
            counts["sent"] += 1
        elif message.failed_at is not None:
            counts["failed"] += 1
        else:
            counts["waiting"] += 1
        db.session.commit()
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.failed_at < now - FAILED_KEPT_FOR))
    return counts


def outbox_summary() -> dict[str, Any]:
    """For admins: how many messages wait, how many failed, and the causes of failures."""
    waiting = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.failed_at.is_(None), OutboxMessage.attempts > 0
        )
    )
    failed = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.failed_at.is_not(None))
    )
    causes = db.session.execute(
        select(OutboxMessage.last_error, func.count(OutboxMessage.id))
        .where(OutboxMessage.attempts > 0)
        .group_by(OutboxMessage.last_error)
        .order_by(func.count(OutboxMessage.id).desc())
    ).all()
    return {"retrying": waiting, "failed": failed, "causes": causes}


def failed_count() -> int:
    return db.session.scalars(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.failed_at.is_not(None))
    ).one()


def retry_failed(now: datetime) -> int:
    """An admin's one more round for failed messages (after fixing the mail settings)."""
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
    ).all()
    for message in messages:
        message.failed_at, message.attempts = None, 0
        message.next_attempt_at = now + FIRST_TRY_GRACE
        enqueue("deliver_email", message.id)
    return len(messages)


def discard_failed() -> int:
    result = db.session.execute(delete(OutboxMessage).where(OutboxMessage.failed_at.is_not(None)))
    return rowcount(result) or 0


def _build_message(message: OutboxMessage) -> EmailMessage:
    from app.auth.models import User

    user = db.session.get(User, message.user_id) if message.user_id else None
    data = json.loads(message.payload)
    locale = (user.locale if user else data.get("locale")) or "en"
    values = dict(data.get("values", {}))
    if user is None and locale != "en":
        # Someone without an account may not read the language we guessed for them.
        with force_locale("en"):
            values["english_note"] = _(
                "This message from GCM consultations is written in another language. The page "
                "it links to can be shown in English."
            )
    # A request context at BASE_URL lets templates build external links with url_for.
    with (
        current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]),
        force_locale(locale),
    ):
        return _build(message.template, data["to"], values)


def _build(template: str, to: str, values: dict[str, Any]) -> EmailMessage:
    from app.notifications.messages import email_event

    path = f"email/{template}.txt"
    context = dict(values)
    if "kind" in context:
        context["event"] = email_event(context["kind"])
    email = EmailMessage()
    email["Subject"] = render_block(path, "subject", **context).strip()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = to
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id(current_app.config["MAIL_FROM"])
    email.set_content(render_block(path, "body", **context).strip() + "\n")
    return email


def message_id(sender: str) -> str:
    """Random, unlike email.utils.make_msgid, which puts the process id and time in it."""
    return f"<{uuid.uuid4().hex}@{sender.rsplit('@', 1)[-1]}>"


def _send(email: EmailMessage) -> None:
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        SENT.append(email)
    elif backend == "directory":
        folder = Path(config["MAIL_DIRECTORY"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4()}.eml").write_bytes(bytes(email))
    elif backend == "smtp":
        _send_smtp(email)


def _send_smtp(email: EmailMessage) -> None:
    config = current_app.config
    context = ssl.create_default_context()
    timeout = config["MAIL_TIMEOUT"]
    client: smtplib.SMTP
    if config["MAIL_USE_SSL"]:
        client = smtplib.SMTP_SSL(
            config["MAIL_SERVER"], config["MAIL_PORT"], context=context, timeout=timeout
        )
    else:
        client = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with client:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            client.starttls(context=context)
        if config["MAIL_USERNAME"]:
            client.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        client.send_message(email)
