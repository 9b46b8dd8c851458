"""Public reading and search of published inputs: the public editions as pages."""

from functools import lru_cache
from urllib.parse import quote

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import format_date, get_locale
from markupsafe import Markup

from app.i18n import gettext

bp = Blueprint("reading", __name__, template_folder="templates")

from app.reading import routes  # noqa: E402,F401

# The template helpers below run for every passage shown: what passages share (a
# consultation's line, an objective's badge, a publication's citation) is made once per
# request and kept in `g`.


@bp.app_template_global()
def cite_line(passage) -> str:
    """How to cite a published passage: consultation, credit, reference, date, address."""
    template, title, date, address = _citing(passage.consultation, passage.published_at)
    url = f"{address}?submission={quote(passage.submission_ref)}#{passage.anchor}"
    return template % {
        "credit": passage.credit,
        "consultation": title,
        "version": passage.version,
        "reference": passage.reference,
        "date": date,
        "url": url,
    }


def _citing(consultation, published_at) -> tuple[str, str, str, str]:
    """What every passage of one publication shares in its citation (once per request)."""
    known = g.setdefault("reading_citations", {})
    key = (consultation.id, published_at)
    if key not in known:
        address = current_app.config["BASE_URL"] + url_for(
            "reading.consultation", slug=consultation.slug
        )
        template = gettext(
            "%(credit)s. In: %(consultation)s, compiled input, version %(version)d, "
            "%(reference)s. Published %(date)s. %(url)s"
        )
        date = format_date(published_at, "long")
        known[key] = (template, consultation.title, date, address)
    return known[key]


@bp.app_template_global()
def consultation_line(consultation) -> Markup:
    """A passage's consultation, linked, and its review."""
    from app.consultations.template_helpers import review_label

    known = g.setdefault("reading_consultation_lines", {})
    line = known.get(consultation.id)
    if line is None:
        line = known[consultation.id] = Markup('<a href="{}">{}</a> · {}').format(
            url_for("reading.consultation", slug=consultation.slug),
            consultation.title,
            review_label(consultation.review),
        )
    return line


@bp.app_template_global()
def objective_badges(numbers: list[int]) -> Markup:
    """Links to the reading pages of a passage's objectives."""
    locale, root = str(get_locale()), request.script_root
    return Markup("".join([_objective_badge(locale, root, number) for number in numbers]))


@lru_cache(maxsize=512)
def _objective_badge(_locale: str, _root: str, number: int) -> Markup:
    """One objective's badge, the same for every page in that language (and address)."""
    from app.reference import gcm

    return Markup('<a class="badge" href="{}">{}</a> ').format(
        url_for("reading.objective", objective=number), gcm.objective(number).short_label
    )


@bp.app_template_global()
def highlight(text: str, query: str):
    from app.reading.search import highlight as marked

    return marked(text, query)
