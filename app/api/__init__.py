"""Open data, read-only: published public editions, their passages and the outcomes."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def allow_other_sites(response):
    """Any site may read this data from a browser: it is the same for everyone, public, and
    never depends on who asks (no cookie is read for it), so sharing it exposes nothing."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


from app.api import routes  # noqa: E402,F401
