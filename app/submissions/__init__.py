from flask import Blueprint

bp = Blueprint("submissions", __name__, template_folder="templates")

from app.submissions import (  # noqa: E402,F401
    coauthor_routes,
    comment_routes,
    editor_routes,
    hooks,
    routes,
    template_helpers,
    workflow_routes,
)
