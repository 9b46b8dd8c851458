"""Translations of accepted submissions, made by people (organizations and volunteers)."""

from flask import Blueprint

bp = Blueprint("translations", __name__, template_folder="templates")

from app.submission_translations import account_hooks, routes  # noqa: E402,F401
