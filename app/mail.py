"""E-mail, always sent by a job.

The message waits in the outbox with its content encrypted; the job gets only the outbox id,
sends, and deletes the row. With no mail backend configured nothing is queued or sent.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from jinja2_fragments.flask import render_block
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.jobs import enqueue, job
from app.security import EncryptedText
from app.timeutil import utcnow

# Messages "sent" with the memory backend (tests only).
SENT: list[EmailMessage] = []


class OutboxMessage(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The recipient's account when there is one (for their language); None for invitations.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    template: Mapped[str] = mapped_column(String(40))
    # The recipient address and the template's values, encrypted until the job sends them.
    payload: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def mail_enabled() -> bool:
    return current_app.config["MAIL_BACKEND"] != "none"


def queue_email(user, template: str, to: str | None = None, **values: Any) -> bool:
    """Queue an e-mail to a person (to their confirmed address unless `to` is given)."""
    address = to or user.email
    if not mail_enabled() or not address:
        return False
    message = OutboxMessage(
        user_id=user.id,
        template=template,
        payload=json.dumps({"to": address, "values": values}),
    )
    db.session.add(message)
    db.session.flush()
    enqueue("deliver_email", message.id)
    return True


def queue_email_to_address(address: str, template: str, **values: Any) -> bool:
    """An e-mail to someone who may have no account yet (sent in the sender's language)."""
    if not mail_enabled() or not address:
        return False
    from flask_babel import get_locale

    payload = {"to": address, "values": values, "locale": str(get_locale())}
    message = OutboxMessage(user_id=None, template=template, payload=json.dumps(payload))
    db.session.add(message)
    db.session.flush()
    enqueue("deliver_email", message.id)
    return True


@job("deliver_email")
def deliver_email(record_id: str, outbox_id: int) -> None:
    from app.auth.models import User

    message = db.session.get(OutboxMessage, outbox_id)
    if message is None:  # already sent by an earlier try
        return
    user = db.session.get(User, message.user_id) if message.user_id else None
    data = json.loads(message.payload)
    locale = (user.locale if user else data.get("locale")) or "en"
    # A request context at BASE_URL lets templates build external links with url_for.
    with (
        current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]),
        force_locale(locale),
    ):
        email = _build(message.template, data["to"], data["values"])
    _send(email)
    db.session.delete(message)


def _build(template: str, to: str, values: dict[str, Any]) -> EmailMessage:
    path = f"email/{template}.txt"
    context = dict(values)
    email = EmailMessage()
    email["Subject"] = render_block(path, "subject", **context).strip()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = to
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=current_app.config["MAIL_FROM"].split("@")[-1])
    email.set_content(render_block(path, "body", **context).strip() + "\n")
    return email


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
    if config["MAIL_USE_SSL"]:
        client = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], context=context)
    else:
        client = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"])
    with client:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            client.starttls(context=context)
        if config["MAIL_USERNAME"]:
            client.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        client.send_message(email)
