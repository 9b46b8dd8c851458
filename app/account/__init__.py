from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")

from app.account import routes  # noqa: E402,F401
