from flask import Blueprint

bp = Blueprint("submissions", __name__, template_folder="templates")

from app.submissions import (  # noqa: E402,F401
    coauthor_routes,
    comment_routes,
    coverage,  # keeps the dashboard's coverage counts (session listeners)
    editor_routes,
    hooks,
    routes,
    template_helpers,
    workflow_routes,
)
