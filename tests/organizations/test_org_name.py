"""An organization's name with its badge, written the same way one at a time and in lists."""

from markupsafe import Markup

from app.organizations.template_helpers import org_name, org_name_items
from tests.factories import make_org


def test_a_verified_name_links_to_its_profile_with_its_badge(app, db):
    org = make_org(name='Migrants <"United">', verified=True)
    with app.test_request_context("/"):
        html = str(org_name(org))
    assert html.startswith(
        f'<a href="/organizations/{org.id}" dir="auto">Migrants &lt;&#34;United&#34;&gt;</a> '
    )
    assert 'class="badge badge-verified"' in html and "Verified" in html


def test_an_unverified_name_has_no_badge_and_unlinked_names_are_isolated(app, db):
    org = make_org(name="Pending Org", verified=False)
    with app.test_request_context("/"):
        assert str(org_name(org)) == f'<a href="/organizations/{org.id}" dir="auto">Pending Org</a>'
        assert str(org_name(org, link=False)) == "<bdi>Pending Org</bdi>"


def test_a_list_writes_each_name_as_org_name_does(app, db):
    orgs = [make_org(name="B <b>", verified=True), make_org(name="A", verified=False)]
    with app.test_request_context("/"):
        listed = org_name_items(orgs)
        one_by_one = Markup("").join(Markup("<li>{}</li>").format(org_name(o)) for o in orgs)
        assert str(org_name_items([])) == ""
    assert isinstance(listed, Markup)
    assert str(listed) == str(one_by_one)
