"""Set up reviews and consultations, and manage who takes part."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import force_locale
from sqlalchemy import select

from app.audit.services import record_event
from app.consultations.models import (
    Consultation,
    ConsultationInvitationLink,
    ConsultationStaff,
    GuidingQuestion,
    Participation,
    Review,
)
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import interface_locale
from app.notifications.services import notify_all
from app.policy import may_be_staff
from app.reference import gcm
from app.tokens import new_token, token_digest

INVITATION_LINK_LIFETIME = timedelta(days=14)


class NotOpen(Exception):
    """The consultation does not take organizations now (not published, or past deadline)."""


class InvitationRequired(Exception):
    pass


class AlreadyJoined(Exception):
    pass


class CannotLeave(Exception):
    """The organization has submitted work to this consultation."""


class LinkInvalid(Exception):
    pass


class LinkExpired(Exception):
    pass


class QuestionInUse(Exception):
    """Submissions already have text for this question."""


# Areas that hold work for a consultation answer these (see submissions).
LEAVE_CHECKS: list[Callable[[Consultation, object], bool]] = []
QUESTION_IN_USE_CHECKS: list[Callable[[GuidingQuestion], bool]] = []


# --- Reviews ---------------------------------------------------------------------------------


def save_review(by, review: Review | None, now: datetime, **fields) -> Review:
    review = review or Review(created_at=now)
    for name in ("level", "area_kind", "area", "cycle", "convening_body"):
        setattr(
            review, name, fields[name].strip() if isinstance(fields[name], str) else fields[name]
        )
    db.session.add(review)
    db.session.flush()
    record_event(by, "review.saved", review, now=now)
    return review


# --- Consultations ---------------------------------------------------------------------------


def _whole_words(slug: str, limit: int) -> str:
    """At most `limit` characters, cut between words ("...-decent-work", never "-decent-wor");
    a single word longer than the limit is cut."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1].rsplit("-", 1)[0]
    return cut if cut and len(cut) < len(slug[: limit + 1]) else slug[:limit]


def unique_slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = _whole_words(re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-"), 60)
    base = base or "consultation"
    slug, number = base, 1
    while db.session.scalar(select(Consultation.id).where(Consultation.slug == slug)):
        number += 1
        slug = f"{base}-{number}"
    return slug


def _search_text(consultation: Consultation) -> str:
    parts = [v for text in consultation.texts.values() for v in text.values()]
    return " ".join(parts).lower()


def create_consultation(by, now: datetime, *, review: Review, template: str = "", **fields):
    """A new, unpublished consultation; its creator becomes one of its facilitators."""
    consultation = Consultation(review=review, created_at=now, texts={}, published=False)
    apply_settings(consultation, fields)
    consultation.slug = unique_slug(fields["title"])
    consultation.staff.append(ConsultationStaff(user_id=by.id, role="facilitator"))
    db.session.add(consultation)
    if template:
        apply_template(consultation, template)
    db.session.flush()
    record_event(by, "consultation.created", consultation, now=now, template=template or None)
    return consultation


def apply_settings(consultation: Consultation, fields: dict) -> None:
    language = fields["original_language"]
    consultation.original_language = language
    texts = dict(consultation.texts or {})
    texts[language] = {
        "title": fields["title"].strip(),
        "description": fields.get("description") or "",
    }
    consultation.texts = texts
    consultation.search_text = _search_text(consultation)
    consultation.set_objectives(fields.get("objectives") or [])
    consultation.principles = sorted(set(fields.get("principles") or []))
    consultation.accepted_languages = sorted(set(fields.get("accepted_languages") or [language]))
    consultation.invitation_only = bool(fields.get("invitation_only"))
    consultation.timezone = fields["timezone"]
    consultation.opens_at = fields["opens_at"]
    consultation.deadline_at = fields["deadline_at"]
    consultation.review_meeting_at = fields.get("review_meeting_at")


def update_consultation(by, consultation: Consultation, now: datetime, **fields) -> None:
    apply_settings(consultation, fields)
    record_event(by, "consultation.updated", consultation, now=now)


def set_translation(consultation: Consultation, language: str, title: str, description: str):
    texts = dict(consultation.texts)
    if title.strip():
        texts[language] = {"title": title.strip(), "description": description or ""}
    elif language != consultation.original_language:
        texts.pop(language, None)
    consultation.texts = texts
    consultation.search_text = _search_text(consultation)


def set_all_translations(consultation: Consultation, sessions, language: str, values) -> None:
    """Save every text of a consultation in one language (see forms.all_texts_form); an
    empty field removes that text's translation."""
    if language == consultation.original_language:
        raise ValueError("the original is edited in the settings")
    set_translation(consultation, language, values["title"], values["description"])
    for question in consultation.questions:
        texts = dict(question.texts)
        text = values.get(f"q{question.id}_text") or ""
        if text:
            texts[language] = {"text": text, "help": values.get(f"q{question.id}_help") or ""}
        else:
            texts.pop(language, None)
        question.texts = texts
    for session in sessions:
        titles = dict(session.title_texts or {})
        title = values.get(f"s{session.id}_title") or ""
        if title:
            titles[language] = title
        else:
            titles.pop(language, None)
        session.title_texts = titles


def set_published(by, consultation: Consultation, published: bool, now: datetime) -> None:
    consultation.published = published
    record_event(
        by,
        "consultation.published" if published else "consultation.unpublished",
        consultation,
        now=now,
    )


# --- Questions -------------------------------------------------------------------------------

TEMPLATES = ("cluster-1", "cluster-2", "cluster-3", "cluster-4", "all")


def template_objectives(template: str) -> list[int]:
    if template == "all":
        return [o.number for o in gcm.objectives()]
    number = int(template.rsplit("-", 1)[1])
    return list(next(c for c in gcm.clusters() if c.number == number).objectives)


def apply_template(consultation: Consultation, template: str) -> None:
    """Scope and one question per objective, written in the consultation's language."""
    numbers = template_objectives(template)
    consultation.set_objectives(sorted(set(consultation.objectives) | set(numbers)))
    for number in numbers:
        text, help_text = template_question(number, consultation.original_language)
        add_question(consultation, text, help_text, [number], 500)


def template_question(number: int, language: str) -> tuple[str, str]:
    """The template's question on one GCM objective, and its help, in a content language."""
    with force_locale(interface_locale(language)):
        objective = gcm.objective(number)
        text = _(
            "Objective %(number)d, %(title)s: what has changed since the last review, "
            "what still stands in the way, and what do you recommend?",
            number=number,
            title=_(objective.title),
        )
        return text, _("Give concrete examples from your work. Say who is affected.")


def translate_template_questions(consultation: Consultation, language: str) -> int:
    """Add the interface catalog's wording, in `language`, to the questions that the
    template wrote and that have no text in that language yet. Returns how many."""
    added = 0
    for question in consultation.questions:
        if language in question.texts or len(question.objectives) != 1:
            continue
        number = question.objectives[0]
        original = question.texts.get(consultation.original_language, {})
        if (original.get("text"), original.get("help")) != template_question(
            number, consultation.original_language
        ):
            continue  # written or edited by hand: a person must translate it
        text, help_text = template_question(number, language)
        question.texts = {**question.texts, language: {"text": text, "help": help_text}}
        added += 1
    return added


def add_question(consultation, text: str, help_text: str, objectives, word_limit: int):
    position = max((q.position for q in consultation.questions), default=0) + 1
    key = _next_key(consultation)
    question = GuidingQuestion(
        key=key,
        position=position,
        objectives=sorted(set(objectives)),
        word_limit=word_limit,
        texts={consultation.original_language: {"text": text, "help": help_text}},
    )
    consultation.questions.append(question)
    return question


def _next_key(consultation: Consultation) -> str:
    used = {q.key for q in consultation.questions}
    number = len(used) + 1
    while f"q{number}" in used:
        number += 1
    return f"q{number}"


def update_question(
    question: GuidingQuestion, language: str, text: str, help_text: str, objectives, word_limit: int
) -> None:
    texts = dict(question.texts)
    texts[language] = {"text": text, "help": help_text}
    question.texts = texts
    question.objectives = sorted(set(objectives))
    question.word_limit = word_limit


def move_question(question: GuidingQuestion, direction: int) -> None:
    ordered = list(question.consultation.questions)
    index = ordered.index(question)
    other = index + direction
    if 0 <= other < len(ordered):
        ordered[index].position, ordered[other].position = (
            ordered[other].position,
            ordered[index].position,
        )


def delete_question(question: GuidingQuestion) -> None:
    if any(check(question) for check in QUESTION_IN_USE_CHECKS):
        raise QuestionInUse
    db.session.delete(question)


# --- Staff -----------------------------------------------------------------------------------


class NotEligibleForStaff(Exception):
    """The account does not have the platform role the consultation role needs."""


def assign_staff(admin, consultation: Consultation, user, role: str, now: datetime) -> None:
    if role == "focal-point":
        # Never assigned directly: proposed, then accepted (app/safeguarding/nominations.py).
        raise ValueError("focal points are proposed and accept, they are not assigned")
    if not may_be_staff(user, role):
        raise NotEligibleForStaff
    if user.id in consultation.staff_ids(role):
        return
    consultation.staff.append(ConsultationStaff(user_id=user.id, role=role))
    record_event(
        admin, "consultation.staff_assigned", consultation, now=now, user=user.id, role=role
    )


def remove_staff(admin, consultation: Consultation, staff: ConsultationStaff, now) -> None:
    record_event(
        admin,
        "consultation.staff_removed",
        consultation,
        now=now,
        user=staff.user_id,
        role=staff.role,
    )
    consultation.staff.remove(staff)
    if staff.role == "focal-point":
        from app.safeguarding.services import drop_unreadable_envelopes, forget_cached_roles

        db.session.flush()
        forget_cached_roles()
        drop_unreadable_envelopes(staff.user_id)


# --- Participation ---------------------------------------------------------------------------


def join(user, consultation: Consultation, org, now: datetime) -> Participation:
    if not consultation.published or now >= consultation.deadline_at:
        raise NotOpen
    participation = consultation.participation_of(org)
    if participation and participation.joined:
        raise AlreadyJoined
    if consultation.invitation_only and participation is None:
        raise InvitationRequired
    if participation is None:
        participation = Participation(consultation_id=consultation.id, organization_id=org.id)
        db.session.add(participation)
    participation.state, participation.joined_at = "joined", now
    record_event(user, "consultation.joined", consultation, now=now, organization=org.id)
    return participation


def leave(user, consultation: Consultation, org, now: datetime) -> None:
    participation = consultation.participation_of(org)
    if participation is None or not participation.joined:
        return
    if any(check(consultation, org) for check in LEAVE_CHECKS):
        raise CannotLeave
    if participation.invited_at is not None:
        participation.state, participation.joined_at = "invited", None
    else:
        db.session.delete(participation)
    record_event(user, "consultation.left", consultation, now=now, organization=org.id)


def invite_organization(by, consultation: Consultation, org, now: datetime) -> None:
    if consultation.participation_of(org) is not None:
        return
    db.session.add(
        Participation(
            consultation_id=consultation.id, organization_id=org.id, state="invited", invited_at=now
        )
    )
    record_event(by, "consultation.invited", consultation, now=now, organization=org.id)
    owners = [m.user for m in org.owners()]
    notify_all(
        owners,
        "consultation.invited",
        now,
        url_for("consultations.view", slug=consultation.slug),
        consultation=consultation.title,
        org=org.name,
    )


def create_invitation_link(by, consultation: Consultation, now: datetime) -> str:
    token = new_token()
    db.session.add(
        ConsultationInvitationLink(
            consultation=consultation,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + INVITATION_LINK_LIFETIME,
        )
    )
    record_event(by, "consultation.invitation_link", consultation, now=now)
    return token


def find_invitation_link(token: str, now: datetime) -> ConsultationInvitationLink:
    link = db.session.scalar(
        select(ConsultationInvitationLink).where(
            ConsultationInvitationLink.token_hash == token_digest(token)
        )
    )
    if link is None or link.used_at is not None:
        raise LinkInvalid
    if link.expires_at <= now:
        raise LinkExpired
    return link


def join_with_link(user, token: str, org, now: datetime) -> Participation:
    link = find_invitation_link(token, now)
    consultation = link.consultation
    if consultation.participation_of(org) is None:
        db.session.add(
            Participation(
                consultation_id=consultation.id,
                organization_id=org.id,
                state="invited",
                invited_at=now,
            )
        )
    participation = join(user, consultation, org, now)
    link.used_at, link.used_by_organization_id = now, org.id
    return participation
