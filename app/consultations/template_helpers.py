"""Labels and small computations for the consultation templates."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask import url_for
from flask_babel import format_timedelta
from markupsafe import Markup

from app.consultations import bp
from app.consultations.models import STATE_LABELS, UN_REGIONS, Consultation, Review
from app.db import split_codes
from app.reference import country_name, gcm, language_name_in_reader_language
from app.web import user_attrs


@bp.app_template_global()
def area_label(review: Review) -> str:
    if review.area_kind == "country":
        return country_name(review.area)
    if review.area_kind == "region":
        return str(UN_REGIONS.get(review.area, review.area))
    return review.area


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
    cards = []
    for consultation, codes in rows:
        text, lang = consultation.text()
        review = consultation.review
        if review.id not in reviews:
            reviews[review.id] = review_label(review)
        state = consultation.state(now)
        left = None
        if state == "open":
            left = gettext("%(time)s left", time=time_left(consultation, now))
        cards.append(
            ConsultationCard(
                href=url_for("consultations.view", slug=consultation.slug),
                title=text.get("title", ""),
                title_attrs=user_attrs(lang),
                review=reviews[review.id],
                state=state_label(state),
                time_left=left,
                languages=", ".join(map(language_name_in_reader_language, split_codes(codes))),
            )
        )
    return cards
