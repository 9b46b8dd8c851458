"""The menu is rendered once per language and set of rights, then kept (app/main/chrome.py):
each person still gets the menu of their own rights and language, in whatever order they
come to the same process."""

import re

from tests.factories import make_user


def _menu(page) -> list[str]:
    nav = re.search(r'<nav class="main-nav".*?</nav>', page.get_data(as_text=True), re.S)
    assert nav is not None
    return re.findall(r">([^<>]+)</a>", nav.group(0))


def test_each_person_gets_the_menu_of_their_rights(client, signed_in_client):
    admin, member = make_user(role="admin"), make_user()
    visitor_menu = _menu(client.get("/privacy"))
    admin_menu = _menu(signed_in_client(admin).get("/privacy"))
    member_menu = _menu(signed_in_client(member).get("/privacy"))
    assert "Admin" in admin_menu and "My organizations" in admin_menu
    assert "Admin" not in member_menu and "My organizations" in member_menu
    assert "My organizations" not in visitor_menu and "Sign in" in visitor_menu
    # The visitor's menu again, after the others were kept: still the visitor's.
    assert _menu(client.get("/privacy")) == visitor_menu


def test_the_menu_and_language_menu_follow_the_language(client):
    english = client.get("/privacy").get_data(as_text=True)
    client.post("/language", data={"locale": "id", "next": "/privacy"})
    indonesian = client.get("/privacy").get_data(as_text=True)
    assert 'value="id" lang="id" selected' in indonesian
    assert 'value="en" lang="en" selected' in english
    assert _menu_text(indonesian) != _menu_text(english)


def _menu_text(page: str) -> str:
    return re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)
