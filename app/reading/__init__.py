"""Public reading and search of published inputs: the public editions as pages."""

from flask import Blueprint

bp = Blueprint("reading", __name__, template_folder="templates")

from app.reading import routes  # noqa: E402,F401


@bp.app_template_global()
def cite_line(passage) -> str:
    """How to cite a published passage: consultation, credit, reference, date, address."""
    from urllib.parse import quote

    from app.i18n import gettext

    title, date, address = _citing(passage.consultation, passage.published_at)
    url = f"{address}?submission={quote(passage.submission_ref)}#{passage.anchor}"
    return gettext(
        "%(credit)s. In: %(consultation)s, compiled input, version %(version)d, %(reference)s. "
        "Published %(date)s. %(url)s",
        credit=passage.credit,
        consultation=title,
        version=passage.version,
        reference=passage.reference,
        date=date,
        url=url,
    )


def _citing(consultation, published_at) -> tuple[str, str, str]:
    """What every passage of one publication shares in its citation (once per request)."""
    from flask import current_app, g, url_for
    from flask_babel import format_date

    known = g.setdefault("reading_citations", {})
    key = (consultation.id, published_at)
    if key not in known:
        address = current_app.config["BASE_URL"] + url_for(
            "reading.consultation", slug=consultation.slug
        )
        known[key] = (consultation.title, format_date(published_at, "long"), address)
    return known[key]


@bp.app_template_global()
def highlight(text: str, query: str):
    from app.reading.search import highlight as marked

    return marked(text, query)
