from flask import Blueprint

bp = Blueprint("consultations", __name__, template_folder="templates")

from app.consultations import (  # noqa: E402,F401
    editing_routes,
    participation_routes,
    routes,
    staff_routes,
    template_helpers,
)
