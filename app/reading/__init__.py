"""Public reading and search of published inputs: the public editions as pages."""

from flask import Blueprint

bp = Blueprint("reading", __name__, template_folder="templates")

from app.reading import routes  # noqa: E402,F401


@bp.app_template_global()
def cite_line(passage) -> str:
    """How to cite a published passage: consultation, credit, reference, date, address."""
    from flask import current_app, url_for
    from flask_babel import format_date, gettext

    address = current_app.config["BASE_URL"] + url_for(
        "reading.consultation", slug=passage.consultation.slug, submission=passage.submission_ref
    )
    url = f"{address}#{passage.anchor}"
    return gettext(
        "%(credit)s. In: %(consultation)s, compiled input, version %(version)d, %(reference)s. "
        "Published %(date)s. %(url)s",
        credit=passage.credit,
        consultation=passage.consultation.title,
        version=passage.compilation.number,
        reference=passage.reference,
        date=format_date(passage.published_at, "long"),
        url=url,
    )


@bp.app_template_global()
def highlight(text: str, query: str):
    from app.reading.search import highlight as marked

    return marked(text, query)
