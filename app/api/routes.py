"""/api/v1: published compilations, their passages, outcomes, and an Atom feed (docs/api.md).

Every answer is the same for everyone: the public editions only, whoever asks.
"""

from __future__ import annotations

import json
from math import ceil

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
    # The XML library (about 1 MB with its parser) loads with the first feed asked for, so a
    # worker that never serves the feed never holds it.
    from app.api.atom import feed_document

    body = feed_document(data.published_compilations(limit=FEED_ENTRIES))
    return Response(body, mimetype="application/atom+xml")
