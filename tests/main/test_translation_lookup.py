"""Each request finds its translations once (app/i18n.py: RequestDomain), and still follows
a change of language within the request and a forced language."""

from flask import session
from flask_babel import Domain, force_locale, refresh

from app.i18n import DOMAIN, RequestDomain, gettext, lazy_gettext


def test_the_catalog_is_found_once_per_request(app, monkeypatch):
    found = []
    original = Domain.get_translations

    def counting(self):
        found.append(1)
        return original(self)

    monkeypatch.setattr(Domain, "get_translations", counting)
    assert isinstance(DOMAIN, RequestDomain)
    with app.app_context(), app.test_request_context("/"):
        session["locale"] = "id"
        for _ in range(50):
            gettext("Sign in")
            str(lazy_gettext("Sign out"))
        assert len(found) == 1
    with app.app_context(), app.test_request_context("/"):  # a new request finds it again
        gettext("Sign in")
    assert len(found) == 2


def test_a_change_of_language_within_the_request_is_followed(app):
    with app.test_request_context("/"):
        session["locale"] = "id"
        indonesian = gettext("Sign in")
        session["locale"] = "ar"
        refresh()  # as main.set_language does after a choice
        arabic = gettext("Sign in")
        with force_locale("ne"):
            nepali = gettext("Sign in")
        assert gettext("Sign in") == arabic
    assert len({indonesian, arabic, nepali, "Sign in"}) == 4


def test_templates_translate_through_the_same_lookup(app):
    with app.test_request_context("/"):
        session["locale"] = "fil"
        rendered = app.jinja_env.from_string('{{ _("Sign in") }}').render()
        assert rendered == gettext("Sign in") != "Sign in"
