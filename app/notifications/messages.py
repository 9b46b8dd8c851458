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
}


def describe(notification: Notification) -> str:
    render = MESSAGES.get(notification.kind)
    if render is None:
        return _("You have a new notification.")
    try:
        return render(notification.params)
    except KeyError:
        return _("You have a new notification.")
