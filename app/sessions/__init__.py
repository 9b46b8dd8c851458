from flask import Blueprint

bp = Blueprint("sessions", __name__, template_folder="templates")

from app.sessions import (  # noqa: E402,F401
    account_hooks,
    board_routes,
    routes,
    template_helpers,
)
