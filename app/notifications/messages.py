"""The text of each kind of notification, made in the reader's language when shown."""

from __future__ import annotations

from flask_babel import gettext as _

from app.notifications.models import Notification


def _role(params) -> str:
    from app.organizations.models import MEMBER_ROLE_LABELS

    return str(MEMBER_ROLE_LABELS.get(params.get("role"), params.get("role", "")))


MESSAGES = {
    "org.verified": lambda p: _("%(org)s is now verified.", org=p["org"]),
    "org.rejected": lambda p: _(
        "%(org)s was not verified. Reason: %(reason)s", org=p["org"], reason=p["reason"]
    ),
    "org.verification_revoked": lambda p: _(
        "The verification of %(org)s was withdrawn. Reason: %(reason)s",
        org=p["org"],
        reason=p["reason"],
    ),
    "org.join_requested": lambda p: _(
        "%(person)s asked to join %(org)s.", person=p["person"], org=p["org"]
    ),
    "org.join_approved": lambda p: _("You are now a member of %(org)s.", org=p["org"]),
    "org.join_refused": lambda p: _("Your request to join %(org)s was not accepted.", org=p["org"]),
    "org.member_joined": lambda p: _(
        "%(person)s joined %(org)s.", person=p["person"], org=p["org"]
    ),
    "org.role_changed": lambda p: _(
        "Your role in %(org)s is now: %(role)s.", org=p["org"], role=_role(p)
    ),
    "org.removed": lambda p: _("You are no longer a member of %(org)s.", org=p["org"]),
    "consultation.invited": lambda p: _(
        "%(org)s is invited to take part in %(consultation)s.",
        org=p["org"],
        consultation=p["consultation"],
    ),
    "consultation.deadline_7d": lambda p: _(
        "One week left to submit to %(consultation)s.", consultation=p["consultation"]
    ),
    "consultation.deadline_1d": lambda p: _(
        "One day left to submit to %(consultation)s.", consultation=p["consultation"]
    ),
    "session.reminder_1d": lambda p: _(
        "Reminder: the session %(session)s starts tomorrow.", session=p["session"]
    ),
    "session.reminder_1h": lambda p: _(
        "Reminder: the session %(session)s starts in one hour.", session=p["session"]
    ),
    "session.cancelled": lambda p: _("The session %(session)s is cancelled.", session=p["session"]),
    "session.minutes": lambda p: _(
        "The minutes of %(session)s are published.", session=p["session"]
    ),
    "moderation.flagged": lambda p: _(
        "A text was flagged in %(consultation)s.", consultation=p["consultation"]
    ),
    "moderation.hidden": lambda p: _(
        "A facilitator hid your %(text)s. Reason: %(reason)s",
        text=_text_kind(p),
        reason=p["reason"],
    ),
    "moderation.unhidden": lambda p: _(
        "A facilitator showed your %(text)s again. Reason: %(reason)s",
        text=_text_kind(p),
        reason=p["reason"],
    ),
    "outcome.recorded": lambda p: _(
        "The facilitators recorded what the review of %(consultation)s did with your submission.",
        consultation=p["consultation"],
    ),
    # Safety notifications say that something arrived, never what or from whom.
    "safety.report": lambda p: _("A safety report arrived."),
    "safety.message": lambda p: _("A new message arrived on a safety report."),
    "safety.update": lambda p: _("There is an update on your safety report."),
    "safety.nominated": lambda p: _("You were proposed as a safeguarding focal point."),
    "safety.focal_point_joined": lambda p: _("A new safeguarding focal point joined."),
    "safety.shared": lambda p: _("A safety report was shared with you."),
}


def _text_kind(params) -> str:
    return _("comment") if params.get("text") == "comment" else _("point on the live board")


def describe(notification: Notification) -> str:
    render = MESSAGES.get(notification.kind)
    if render is None:
        return _("You have a new notification.")
    try:
        return render(notification.params)
    except KeyError:
        return _("You have a new notification.")
