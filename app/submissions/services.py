"""A submission's life: start, co-authors, attribution, sign-off, decisions, endorsements."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select

from app.audit.services import record_event
from app.extensions import db
from app.i18n import content_language
from app.notifications.services import notify_all
from app.submissions.models import (
    ATTRIBUTIONS,
    Coauthor,
    CoauthorLink,
    Endorsement,
    Section,
    SignOff,
    Submission,
)
from app.submissions.states import SubmissionState as State
from app.text import word_count
from app.tokens import new_token, token_digest

COAUTHOR_LINK_LIFETIME = timedelta(days=14)
OPEN_STATES = {State.DRAFT, State.SIGN_OFF, State.SUBMITTED, State.RETURNED, State.ACCEPTED}


class DeadlinePassed(Exception):
    pass


class NotVerified(Exception):
    """The consultation takes submissions from verified organizations only."""


class OverWordLimit(Exception):
    def __init__(self, sections: list[tuple[Section, int]]):
        super().__init__("over the word limit")
        self.sections = sections  # (section, words)


class EmptySubmission(Exception):
    pass


class WrongState(Exception):
    pass


class AlreadyExists(Exception):
    def __init__(self, submission: Submission):
        super().__init__("this organization already has a submission here")
        self.submission = submission


class LinkInvalid(Exception):
    pass


def _link(submission: Submission) -> str:
    return url_for("submissions.view", submission_id=submission.id)


def _people(submission: Submission, roles=("owner", "editor"), org_ids=None):
    from app.organizations.models import Membership

    org_ids = org_ids or submission.organization_ids()
    query = select(Membership).where(
        Membership.organization_id.in_(org_ids), Membership.role.in_(roles)
    )
    return [m.user for m in db.session.scalars(query)]


def start_submission(user, consultation, org, now: datetime) -> Submission:
    if not consultation.is_open(now):
        raise DeadlinePassed
    existing = db.session.scalar(
        select(Submission).where(
            Submission.consultation_id == consultation.id,
            Submission.lead_organization_id == org.id,
            Submission.state != State.WITHDRAWN,
        )
    )
    if existing is not None:
        raise AlreadyExists(existing)
    submission = Submission(
        consultation=consultation,
        lead_organization=org,
        created_at=now,
        language=_default_language(consultation, user),
    )
    for question in consultation.questions:
        section = Section(question=question, key=question.key, updated_at=now)
        section.set_objectives(question.objectives)
        submission.sections.append(section)
    db.session.add(submission)
    db.session.flush()
    record_event(user, "submission.started", submission, now=now, organization=org.id)
    return submission


def _default_language(consultation, user) -> str:
    accepted = list(consultation.accepted_languages)
    language = content_language(user.locale or "")
    return language if language in accepted else consultation.original_language


def set_details(user, submission: Submission, language: str, attribution: str, now) -> None:
    if attribution not in ATTRIBUTIONS:
        raise ValueError(attribution)
    submission.language = language
    if submission.attribution != attribution:
        submission.attribution = attribution
        _clear_sign_offs(submission)
        record_event(user, "submission.attribution", submission, now=now, choice=attribution)


def set_section_tags(section: Section, contribution_types, objectives) -> None:
    section.contribution_types = sorted(set(contribution_types))
    section.set_objectives(objectives)


# --- Co-authors ----------------------------------------------------------------------------


def invite_coauthor(user, submission: Submission, org, now: datetime) -> Coauthor:
    if org.id in {submission.lead_organization_id} | {
        c.organization_id for c in submission.coauthors
    }:
        raise WrongState
    coauthor = Coauthor(organization_id=org.id, invited_at=now)
    submission.coauthors.append(coauthor)
    db.session.flush()
    owners = [m.user for m in org.owners()]
    notify_all(
        owners,
        "submission.coauthor_invited",
        now,
        url_for("submissions.coauthor", submission_id=submission.id, coauthor_id=coauthor.id),
        org=org.name,
        consultation=submission.consultation.title,
    )
    record_event(user, "coauthor.invited", submission, now=now, organization=org.id)
    return coauthor


def create_coauthor_link(user, submission: Submission, now: datetime) -> str:
    token = new_token()
    db.session.add(
        CoauthorLink(
            submission=submission,
            token_hash=token_digest(token),
            expires_at=now + COAUTHOR_LINK_LIFETIME,
        )
    )
    record_event(user, "coauthor.link_created", submission, now=now)
    return token


def find_coauthor_link(token: str, now: datetime) -> CoauthorLink:
    digest = token_digest(token)
    link = db.session.scalar(select(CoauthorLink).where(CoauthorLink.token_hash == digest))
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise LinkInvalid
    return link


def use_coauthor_link(user, token: str, org, now: datetime) -> Coauthor:
    link = find_coauthor_link(token, now)
    coauthor = invite_coauthor(user, link.submission, org, now)
    link.used_at = now
    return coauthor


def respond_to_invitation(user, coauthor: Coauthor, accept: bool, attribution: str, now):
    if coauthor.state != "invited":
        raise WrongState
    coauthor.state = "accepted" if accept else "declined"
    coauthor.attribution = attribution if attribution in ATTRIBUTIONS else "named"
    coauthor.decided_at = now
    submission = coauthor.submission
    _clear_sign_offs(submission)
    record_event(
        user,
        f"coauthor.{coauthor.state}",
        submission,
        now=now,
        organization=coauthor.organization_id,
    )
    leads = _people(submission, ("owner",), {submission.lead_organization_id})
    notify_all(
        leads,
        f"submission.coauthor_{coauthor.state}",
        now,
        _link(submission),
        org=coauthor.organization.name,
    )


def leave_coauthoring(user, coauthor: Coauthor, now: datetime) -> None:
    submission = coauthor.submission
    if submission.state not in (State.DRAFT, State.RETURNED, State.SIGN_OFF):
        raise WrongState
    coauthor.state = "left"
    _clear_sign_offs(submission)
    record_event(user, "coauthor.left", submission, now=now, organization=coauthor.organization_id)


# --- Sign-off, submission and decisions ---------------------------------------------------


def _check_deadline(submission: Submission, now: datetime) -> None:
    if now >= submission.deadline():
        raise DeadlinePassed


def check_ready(submission: Submission) -> None:
    """Word limits are enforced when submitting, with the sections named."""
    over = []
    for section in submission.ordered_sections():
        words = word_count(section.text)
        if words > section.question.word_limit:
            over.append((section, words))
    if over:
        raise OverWordLimit(over)
    if not any(section.text.strip() for section in submission.sections):
        raise EmptySubmission


def empty_sections(submission: Submission) -> list[tuple[int, Section]]:
    """(number, section) of the sections with no text, when some others have text (a
    submission with no text at all is refused outright)."""
    ordered = submission.ordered_sections()
    empty = [(n, s) for n, s in enumerate(ordered, start=1) if not s.text.strip()]
    return empty if len(empty) < len(ordered) else []


def request_submission(user, submission: Submission, now: datetime) -> None:
    """The lead asks every writing organization to confirm the final text.

    The text is frozen while they do; the lead's own confirmation is given now.
    """
    if submission.state not in (State.DRAFT, State.RETURNED):
        raise WrongState
    _check_deadline(submission, now)
    consultation = submission.consultation
    if consultation.requires_verification and not submission.lead_organization.is_verified:
        raise NotVerified
    check_ready(submission)
    submission.state = State.SIGN_OFF
    record_event(user, "submission.sign_off_requested", submission, now=now)
    sign_off(user, submission, submission.lead_organization, now)
    others = [c.organization_id for c in submission.accepted_coauthors()]
    if others:
        owners = _people(submission, ("owner",), set(others))
        notify_all(
            owners, "submission.sign_off", now, _link(submission), consultation=consultation.title
        )


def sign_off(user, submission: Submission, org, now: datetime) -> None:
    if submission.state != State.SIGN_OFF:
        raise WrongState
    _check_deadline(submission, now)
    if not any(s.organization_id == org.id for s in submission.sign_offs):
        submission.sign_offs.append(SignOff(organization_id=org.id, user_id=user.id, signed_at=now))
        record_event(user, "submission.signed_off", submission, now=now, organization=org.id)
    signed = {s.organization_id for s in submission.sign_offs}
    if submission.organization_ids() <= signed:
        _submit(user, submission, now)


def _submit(user, submission: Submission, now: datetime) -> None:
    submission.state = State.SUBMITTED
    submission.submitted_at = now
    record_event(user, "submission.submitted", submission, now=now)
    notify_all(
        _people(submission),
        "submission.submitted",
        now,
        _link(submission),
        consultation=submission.consultation.title,
    )


def reopen(user, submission: Submission, now: datetime) -> None:
    """Back to drafting during sign-off (e.g. to fix the text); confirmations are cleared."""
    if submission.state != State.SIGN_OFF:
        raise WrongState
    submission.state = State.DRAFT
    _clear_sign_offs(submission)
    record_event(user, "submission.reopened", submission, now=now)


def _clear_sign_offs(submission: Submission) -> None:
    submission.sign_offs.clear()
    if submission.state == State.SIGN_OFF:
        submission.state = State.DRAFT


def withdraw(user, submission: Submission, now: datetime) -> None:
    if submission.state == State.WITHDRAWN:
        raise WrongState
    _check_deadline(submission, now)
    submission.state = State.WITHDRAWN
    record_event(user, "submission.withdrawn", submission, now=now)


def accept(facilitator, submission: Submission, now: datetime) -> None:
    if submission.state != State.SUBMITTED:
        raise WrongState
    from app.compilations.references import assign_reference_number

    submission.state, submission.decided_at = State.ACCEPTED, now
    assign_reference_number(submission)  # fixed now, never reused: S-014
    record_event(facilitator, "submission.accepted", submission, now=now)
    notify_all(
        _people(submission, ("owner", "editor", "viewer")),
        "submission.accepted",
        now,
        _link(submission),
        consultation=submission.consultation.title,
    )


def return_with_feedback(facilitator, submission: Submission, feedback: str, now) -> None:
    if submission.state != State.SUBMITTED:
        raise WrongState
    submission.state, submission.decided_at = State.RETURNED, now
    submission.feedback = feedback
    submission.sign_offs.clear()
    record_event(facilitator, "submission.returned", submission, now=now)
    notify_all(
        _people(submission, ("owner", "editor", "viewer")),
        "submission.returned",
        now,
        _link(submission),
        consultation=submission.consultation.title,
    )


def extend_deadline(facilitator, submission: Submission, until: datetime, now) -> None:
    submission.deadline_extended_to = until
    record_event(
        facilitator, "submission.deadline_extended", submission, now=now, until=until.isoformat()
    )
    notify_all(
        _people(submission),
        "submission.extended",
        now,
        _link(submission),
        consultation=submission.consultation.title,
    )


# --- Endorsements -------------------------------------------------------------------------


def endorse(user, submission: Submission, org, attribution: str, now: datetime) -> Endorsement:
    existing = next((e for e in submission.endorsements if e.organization_id == org.id), None)
    if existing is not None:
        existing.attribution = attribution
        return existing
    endorsement = Endorsement(organization_id=org.id, attribution=attribution, created_at=now)
    submission.endorsements.append(endorsement)
    record_event(user, "submission.endorsed", submission, now=now, organization=org.id)
    leads = _people(submission, ("owner",), {submission.lead_organization_id})
    notify_all(
        leads,
        "submission.endorsed",
        now,
        _link(submission),
        consultation=submission.consultation.title,
    )
    return endorsement


def withdraw_endorsement(user, endorsement: Endorsement, now: datetime) -> None:
    record_event(
        user,
        "submission.endorsement_withdrawn",
        endorsement.submission,
        now=now,
        organization=endorsement.organization_id,
    )
    db.session.delete(endorsement)
