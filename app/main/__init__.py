from flask import Blueprint

bp = Blueprint("main", __name__, template_folder="templates")

from app.main import chrome, routes  # noqa: E402,F401
