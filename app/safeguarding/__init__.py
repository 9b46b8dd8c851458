from flask import Blueprint

bp = Blueprint("safeguarding", __name__, url_prefix="/safety", template_folder="templates")

from app.safeguarding import key_routes, routes, template_helpers  # noqa: E402,F401
