from flask import Blueprint

bp = Blueprint("organizations", __name__, template_folder="templates")

from app.organizations import (  # noqa: E402,F401
    account_hooks,
    member_routes,
    routes,
    template_helpers,
    verification_routes,
)
