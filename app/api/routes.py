"""/api/v1: published compilations, their passages, outcomes, and an Atom feed (docs/api.md).

Every answer is the same for everyone: the public editions only, whoever asks.
"""

from __future__ import annotations

import json
from math import ceil
from xml.etree import ElementTree

from flask import Response, abort
from flask_login import AnonymousUserMixin

from app.api import bp, data
from app.compilations.models import Compilation
from app.extensions import db
from app.outcomes import exports
from app.outcomes import services as outcomes
from app.outcomes.template_helpers import cite
from app.pagination import requested_page
from app.reading.queries import public_consultation

PASSAGES_PER_PAGE = 500
FEED_ENTRIES = 50
ATOM = "http://www.w3.org/2005/Atom"


def _json(payload: dict) -> Response:
    body = json.dumps(payload, ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json")


@bp.get("/compilations")
def compilations():
    found = data.published_compilations()
    counts = data.passage_counts([c.id for c in found])
    return _json(
        {
            "schema": data.SCHEMA,
            "compilations": [data.compilation_summary(c, counts.get(c.id, 0)) for c in found],
        }
    )


@bp.get("/compilations/<int:compilation_id>")
def compilation(compilation_id: int):
    found = db.session.get(Compilation, compilation_id)
    if found is None or found.published_at is None or not found.consultation.published:
        abort(404)
    page = requested_page()
    total = data.passage_counts([found.id]).get(found.id, 0)
    pages = max(1, ceil(total / PASSAGES_PER_PAGE))
    if page > pages:
        abort(404)
    passages = data.passages_page(found, page, PASSAGES_PER_PAGE)
    payload = {"schema": data.SCHEMA, **data.compilation_summary(found, total)}
    payload["page"], payload["pages"] = page, pages
    payload["next"] = (
        data.absolute("api.compilation", compilation_id=found.id, page=page + 1)
        if page < pages
        else None
    )
    payload["passages"] = [data.passage_data(p, found.consultation.slug) for p in passages]
    return _json(payload)


@bp.get("/outcomes/<slug>")
def outcome(slug: str):
    """What the review did with the public texts (the outcome page's open data)."""
    consultation = public_consultation(slug)
    submissions = outcomes.accepted_submissions(consultation)
    rows = outcomes.rows_for(AnonymousUserMixin(), consultation, submissions)
    body = exports.to_json(
        consultation,
        outcomes.documents_of(consultation),
        exports.table(rows, cite),
        outcomes.progress_by_objective(consultation, rows),
    )
    return Response(body, mimetype="application/json")


@bp.get("/feed.atom")
def feed():
    """New publications: one entry per published version of a public consultation."""
    found = data.published_compilations(limit=FEED_ENTRIES)
    root = ElementTree.Element("feed", xmlns=ATOM)
    _text(root, "title", "GCM consultations: published inputs")
    _text(root, "id", data.absolute("api.feed"))
    ElementTree.SubElement(root, "link", rel="self", href=data.absolute("api.feed"))
    ElementTree.SubElement(root, "link", href=data.absolute("reading.index"))
    latest = data.published_at(found[0]) if found else "1970-01-01T00:00:00+00:00"
    _text(root, "updated", latest)
    author = ElementTree.SubElement(root, "author")
    _text(author, "name", "GCM consultations")
    for item in found:
        root.append(_entry(item))
    body = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def _entry(item: Compilation) -> ElementTree.Element:
    consultation = item.consultation
    entry = ElementTree.Element("entry")
    title = data.original_title(consultation)
    _text(entry, "title", f"{title}: compiled input, version {item.number}")
    _text(entry, "id", data.absolute("api.compilation", compilation_id=item.id))
    _text(entry, "updated", data.published_at(item))
    _text(entry, "published", data.published_at(item))
    author = ElementTree.SubElement(entry, "author")
    _text(author, "name", consultation.review.convening_body)
    href = data.absolute("reading.consultation", slug=consultation.slug)
    ElementTree.SubElement(entry, "link", rel="alternate", type="text/html", href=href)
    json_href = data.absolute("api.compilation", compilation_id=item.id)
    ElementTree.SubElement(entry, "link", rel="related", type="application/json", href=json_href)
    for found in item.files:
        if found.edition == "public":
            url = data.absolute("compilations.download", compilation_id=item.id, file_id=found.id)
            ElementTree.SubElement(entry, "link", rel="enclosure", href=url, length=str(found.size))
    _text(entry, "summary", f"Public edition of the compiled input to {title}.")
    return entry


def _text(parent: ElementTree.Element, tag: str, value: str) -> None:
    ElementTree.SubElement(parent, tag).text = value
