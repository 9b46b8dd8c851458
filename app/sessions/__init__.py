from flask import Blueprint

bp = Blueprint("sessions", __name__, template_folder="templates")

from app.sessions import account_hooks, board_routes, routes  # noqa: E402,F401
