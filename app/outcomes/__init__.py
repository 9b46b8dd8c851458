"""What the review did with each input: outcome documents and the uptake of each submission."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__, template_folder="templates")

from app.outcomes import routes, template_helpers  # noqa: E402,F401
