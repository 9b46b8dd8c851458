"""The text of each kind of notification, made in the reader's language when shown."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
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
        "%(person)s asked to join %(org)s.", person=_person(p), org=p["org"]
    ),
    "org.join_approved": lambda p: _("You are now a member of %(org)s.", org=p["org"]),
    "org.join_refused": lambda p: _("Your request to join %(org)s was not accepted.", org=p["org"]),
    "org.member_joined": lambda p: _("%(person)s joined %(org)s.", person=_person(p), org=p["org"]),
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
    "consultation.opened": lambda p: _(
        "%(consultation)s is open for drafting until %(deadline)s.",
        consultation=p["consultation"],
        deadline=_moment(p),
    ),
    "consultation.deadline_changed": lambda p: _(
        "The deadline of %(consultation)s is now %(deadline)s.",
        consultation=p["consultation"],
        deadline=_moment(p),
    ),
    "consultation.closed": lambda p: _(
        "%(consultation)s is closed: no more submissions are taken.",
        consultation=p["consultation"],
    ),
    "consultation.compiled": lambda p: _(
        "The compilation of the submissions to %(consultation)s is published.",
        consultation=p["consultation"],
    ),
    "consultation.outcome": lambda p: _(
        "An outcome document of the review of %(consultation)s was recorded.",
        consultation=p["consultation"],
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
    "submission.coauthor_invited": lambda p: _(
        "%(org)s is invited to co-write a submission to %(consultation)s.",
        org=p["org"],
        consultation=p["consultation"],
    ),
    "submission.coauthor_accepted": lambda p: _(
        "%(org)s agreed to co-write your submission.", org=p["org"]
    ),
    "submission.coauthor_declined": lambda p: _(
        "%(org)s declined to co-write your submission.", org=p["org"]
    ),
    "submission.comment": lambda p: _(
        "A new comment on the submission to %(consultation)s.", consultation=p["consultation"]
    ),
    "submission.sign_off": lambda p: _(
        "Please confirm the final text of the submission to %(consultation)s.",
        consultation=p["consultation"],
    ),
    "submission.submitted": lambda p: _(
        "The submission to %(consultation)s is sent.", consultation=p["consultation"]
    ),
    "submission.accepted": lambda p: _(
        "The submission to %(consultation)s was accepted.", consultation=p["consultation"]
    ),
    "submission.returned": lambda p: _(
        "The submission to %(consultation)s was returned with feedback.",
        consultation=p["consultation"],
    ),
    "submission.extended": lambda p: _(
        "The submission to %(consultation)s has a later deadline now.",
        consultation=p["consultation"],
    ),
    "submission.endorsed": lambda p: _(
        "An organization signed on to the submission to %(consultation)s.",
        consultation=p["consultation"],
    ),
    "translation.added": lambda p: _(
        "A translation into %(language)s of your submission to %(consultation)s was added. "
        "Please check it.",
        language=_language(p),
        consultation=p["consultation"],
    ),
    "translation.translator": lambda p: _(
        "You are invited to translate the accepted submissions of %(consultation)s.",
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


def _moment(params) -> str:
    """A moment kept as ISO text, shown in the consultation's time zone and the reader's
    language."""
    from datetime import datetime

    from app.i18n import in_zone

    return in_zone(datetime.fromisoformat(params["deadline"]), params.get("zone") or "UTC")


def _language(params) -> str:
    from app.reference import language_name_in_reader_language

    return language_name_in_reader_language(params.get("language", ""))


def _text_kind(params) -> str:
    return _("comment") if params.get("text") == "comment" else _("point on the live board")


# What a notification e-mail says happened: the kind of event, never names or texts (an inbox
# may be read by someone else). A reporter's e-mail does not say it is about a safety report.
EMAIL_EVENTS = {
    "org.verified": _l("your organization is verified"),
    "org.rejected": _l("a decision on your organization's verification"),
    "org.verification_revoked": _l("a decision on your organization's verification"),
    "org.join_requested": _l("a request to join your organization"),
    "org.join_approved": _l("an answer to your request to join"),
    "org.join_refused": _l("an answer to your request to join"),
    "org.member_joined": _l("a new member in your organization"),
    "org.role_changed": _l("a change to your role in an organization"),
    "org.removed": _l("a change to your membership"),
    "consultation.invited": _l("an invitation to a consultation"),
    "consultation.deadline_7d": _l("a deadline reminder"),
    "consultation.deadline_1d": _l("a deadline reminder"),
    "consultation.opened": _l("a consultation is open for drafting"),
    "consultation.deadline_changed": _l("a new deadline for a consultation"),
    "consultation.closed": _l("a consultation is closed"),
    "consultation.compiled": _l("a compilation is published"),
    "consultation.outcome": _l("the outcome of a review"),
    "session.reminder_1d": _l("a session reminder"),
    "session.reminder_1h": _l("a session reminder"),
    "session.cancelled": _l("a cancelled session"),
    "session.minutes": _l("the minutes of a session"),
    "moderation.flagged": _l("a flagged text to look at"),
    "moderation.hidden": _l("a moderation decision about your text"),
    "moderation.unhidden": _l("a moderation decision about your text"),
    "submission.coauthor_invited": _l("a co-author invitation"),
    "submission.coauthor_accepted": _l("an answer to your co-author invitation"),
    "submission.coauthor_declined": _l("an answer to your co-author invitation"),
    "submission.comment": _l("a comment on your submission"),
    "submission.sign_off": _l("a request to confirm a submission"),
    "submission.submitted": _l("a submission was sent"),
    "submission.accepted": _l("a decision on your submission"),
    "submission.returned": _l("feedback on your submission"),
    "submission.extended": _l("a new deadline for your submission"),
    "submission.endorsed": _l("a sign-on to your submission"),
    "outcome.recorded": _l("what a review did with your submission"),
    "translation.added": _l("a translation of your submission"),
    "translation.translator": _l("an invitation to translate"),
    "safety.report": _l("a new safety report"),
    "safety.message": _l("a new message on a safety report"),
    "safety.update": _l("a new message for you"),
    "safety.nominated": _l("a proposal for a new role"),
    "safety.focal_point_joined": _l("a new safeguarding focal point"),
    "safety.shared": _l("a safety report shared with you"),
}


def email_event(kind: str) -> str:
    event = EMAIL_EVENTS.get(kind)
    return str(event) if event is not None else _("a new notification")


def _person(params) -> str:
    """People are kept by id and named as they are now; a deleted account is a former member."""
    name = params.get("_name")
    return name if name else _("former member")


def _with_names(params, names: dict[int, str] | None) -> dict:
    person_id = params.get("person_id")
    if person_id is None:
        return params
    if names is None:
        names = _names_of({person_id})
    return {**params, "_name": names.get(person_id)}


def _names_of(ids: set[int]) -> dict[int, str]:
    from app.auth.models import User

    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return dict(rows.tuples().all())


def describe(notification: Notification, names: dict[int, str] | None = None) -> str:
    render = MESSAGES.get(notification.kind)
    if render is None:
        return _("You have a new notification.")
    try:
        return render(_with_names(notification.params or {}, names))
    except (KeyError, ValueError):
        return _("You have a new notification.")


def describe_all(notifications) -> dict[int, str]:
    """The text of each notification, with every person's name looked up in one query."""
    ids = {n.params.get("person_id") for n in notifications if n.params} - {None}
    names = _names_of(ids)
    return {n.id: describe(n, names) for n in notifications}
