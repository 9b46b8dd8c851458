from flask import Blueprint

bp = Blueprint("moderation", __name__, template_folder="templates")

from app.moderation import routes, template_helpers  # noqa: E402,F401
