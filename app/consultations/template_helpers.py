"""Labels and small computations for the consultation templates."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask import url_for
from flask_babel import format_timedelta
from markupsafe import Markup, escape

from app.consultations import bp
from app.consultations.models import STATE_LABELS, UN_REGIONS, Consultation, Review
from app.db import split_codes
from app.reference import country_name, gcm, language_names_in_reader_language
from app.web import id_addresses, user_attrs


@bp.app_template_global()
def area_label(review: Review) -> str:
    return area_name(review.area_kind, review.area)


def area_name(kind: str, area: str) -> str:
    """A review's area in the reader's language: a country, a UN region, or as written."""
    if kind == "country":
        return country_name(area)
    if kind == "region":
        return str(UN_REGIONS.get(area, area))
    return area


@bp.app_template_global()
def review_label(review: Review) -> str:
    from app.i18n import gettext

    return gettext(
        "%(level)s review, %(area)s, %(cycle)s",
        level=gcm.level_label(review.level),
        area=area_label(review),
        cycle=review.cycle,
    )


@bp.app_template_global()
def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


@bp.app_template_global()
def time_left(consultation: Consultation, now: datetime) -> str:
    return format_timedelta(consultation.deadline_at - now, granularity="minute", threshold=1.1)


@bp.app_template_global()
def objective_label(number: int) -> str:
    return gcm.objective(number).label


@bp.app_template_global()
def principle_label(key: str) -> str:
    return gcm.principle(key).label


@bp.app_template_global()
def level_label(level: str) -> str:
    return gcm.level_label(level)


@bp.app_template_filter("objective_short")
def objective_short(number: int) -> str:
    return gcm.objective(number).short_label


@bp.app_template_global()
def submission_states() -> list[tuple[str, str]]:
    from app.submissions.states import SUBMISSION_STATE_LABELS

    return [(str(state), str(label)) for state, label in SUBMISSION_STATE_LABELS.items()]


class ConsultationCard(NamedTuple):
    href: str
    title: str
    title_attrs: Markup
    review: str
    state: str
    time_left: str | None
    languages: str


@bp.app_template_global()
def consultation_cards(rows, now: datetime) -> list[ConsultationCard]:
    """The consultation list's cards, each written here in one go: a template that called
    eight helpers per card spent more time calling them than they took."""
    from app.i18n import gettext

    reviews: dict[int, str] = {}
    attrs: dict[str, Markup] = {}
    names = language_names_in_reader_language()
    cards = []
    for consultation, codes in rows:
        text, lang = consultation.text()
        review = consultation.review
        if review.id not in reviews:
            reviews[review.id] = review_label(review)
        if lang not in attrs:
            attrs[lang] = user_attrs(lang)
        state = consultation.state(now)
        left = None
        if state == "open":
            left = gettext("%(time)s left", time=time_left(consultation, now))
        cards.append(
            ConsultationCard(
                href=url_for("consultations.view", slug=consultation.slug),
                title=text.get("title", ""),
                title_attrs=attrs[lang],
                review=reviews[review.id],
                state=state_label(state),
                time_left=left,
                languages=", ".join(names.get(code, code) for code in split_codes(codes)),
            )
        )
    return cards


class SubmissionLine(NamedTuple):
    lead: Markup  # linked when the submission was sent
    state: str
    drafting_ends: str
    extend_href: str


@bp.app_template_global()
def dashboard_submission_lines(rows, consultation: Consultation) -> list[SubmissionLine]:
    """The dashboard's table of submissions, each line written here in one go."""
    from app.i18n import in_zone
    from app.submissions.states import STAFF_VISIBLE_STATES, SUBMISSION_STATE_LABELS

    view = id_addresses("submissions.view", "submission_id")
    extend = id_addresses("submissions.extend", "submission_id")
    lines = []
    # Rows unpacked by position: a row's attribute by name costs a caught exception.
    for submission_id, state, extended_to, lead_name in rows:
        lead = escape(lead_name)
        if state in STAFF_VISIBLE_STATES:  # sent: its facilitators may read it
            lead = Markup(f'<a href="{view(submission_id)}">{lead}</a>')
        ends = extended_to or consultation.deadline_at
        lines.append(
            SubmissionLine(
                lead=lead,
                state=str(SUBMISSION_STATE_LABELS.get(state, state)),
                drafting_ends=in_zone(ends, consultation.timezone, "short"),
                extend_href=extend(submission_id),
            )
        )
    return lines


class ParticipantLine(NamedTuple):
    name: Markup
    listed: bool
    state: str
    verification: str


@bp.app_template_global()
def dashboard_participant_lines(rows) -> list[ParticipantLine]:
    """The dashboard's table of organizations, each line written here in one go."""
    from app.i18n import gettext
    from app.organizations.models import OrgName
    from app.organizations.template_helpers import org_names, verification_label

    states = {"joined": gettext("Taking part")}
    invited = gettext("Invited")
    # Rows unpacked by position: a row's attribute by name costs a caught exception.
    names = org_names(OrgName(org_id, name, ver) for _state, org_id, name, _listed, ver in rows)
    return [
        ParticipantLine(
            name=shown,
            listed=listed,
            state=states.get(state, invited),
            verification=verification_label(verification),
        )
        for (state, _id, _name, listed, verification), shown in zip(rows, names, strict=True)
    ]
