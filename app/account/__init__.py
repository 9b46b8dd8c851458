from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")

from app.account import routes, sections  # noqa: E402,F401
