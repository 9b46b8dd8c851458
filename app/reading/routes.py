"""Reading published inputs: per consultation, objective, country or area, language; search.

These pages are the same for everyone (the public edition): nobody sees more here for being
signed in, so no page depends on who asks.
"""

from __future__ import annotations

from flask import abort, request

from app.i18n import gettext as _
from app.pagination import requested_page
from app.reading import bp, queries
from app.reading.forms import SearchForm
from app.reading.publishing import current_publication
from app.reading.search import Filters, find_passages
from app.reference import LANGUAGE_CODES, country_codes, gcm, language_name_in_reader_language
from app.reference.regions import CONTINENTS, SUBREGIONS, area_name
from app.web import render, wants_fragment

PER_PAGE = 20
AREA_CODES = set(SUBREGIONS) | set(CONTINENTS)


@bp.get("/read")
def index():
    return render(
        "reading/index.html",
        **queries.facets(),
        form=SearchForm(formdata=None, published=queries.search_choices()),
    )


@bp.get("/search")
def search():
    form = SearchForm(request.args, published=_published_choices())
    valid = form.validate()
    filters = form.filters() if valid else Filters()
    found = find_passages(filters, requested_page(), PER_PAGE) if valid else None
    return render(
        "reading/search.html",
        "results",
        status=200 if valid else 422,
        form=form,
        filters=filters,
        page=found,
        params=filters.params(),
    )


def _published_choices() -> tuple[list, list, list]:
    """The lists of the search form. The results alone (htmx, as a reader types) show no
    form, and with none of these filters asked for, "All" is the only choice to check."""
    if wants_fragment() and not any(request.args.get(name) for name in PUBLISHED_FILTERS):
        return [], [], []
    return queries.search_choices()


PUBLISHED_FILTERS = ("consultation", "place", "language")


@bp.get("/read/consultations/<slug>")
def consultation(slug: str):
    found = queries.public_consultation(slug)
    compilation = current_publication(found.id)
    if compilation is None:
        abort(404)
    submission = request.args.get("submission", "")[:40]
    values = {"slug": slug, **({"submission": submission} if submission else {})}
    return _listing(
        found.title,
        Filters(consultation=slug, submission=submission),
        "reading.consultation",
        values,
        consultation=found,
        compilation=compilation,
    )


@bp.get("/read/objectives/<int:objective>")
def objective(objective: int):
    if objective not in {o.number for o in gcm.objectives()}:
        abort(404)
    title = gcm.objective(objective).label
    return _listing(
        title, Filters(objective=objective), "reading.objective", {"objective": objective}
    )


@bp.get("/read/places/<place>")
def place(place: str):
    if place not in AREA_CODES and place not in country_codes():
        abort(404)
    return _listing(area_name(place), Filters(place=place), "reading.place", {"place": place})


@bp.get("/read/languages/<language>")
def language(language: str):
    if language not in LANGUAGE_CODES:
        abort(404)
    title = _("Texts in %(language)s", language=language_name_in_reader_language(language))
    return _listing(title, Filters(language=language), "reading.language", {"language": language})


def _listing(title: str, filters: Filters, endpoint: str, values: dict, **context):
    return render(
        "reading/passages.html",
        "results",
        title=title,
        filters=filters,
        page=find_passages(filters, requested_page(), PER_PAGE),
        endpoint=endpoint,
        values=values,
        **context,
    )
