"""Publishing a compilation changes the consultation's phase only when the facilitator
chooses it, after a confirmation that says what it does (issue 14, defect 2)."""

from app.timeutil import utcnow
from tests.compilations.test_grouping_and_pages import _compiled


def test_the_publish_button_leads_to_a_confirmation_that_says_what_it_does(
    app, scenario, signed_in_client, db
):
    compilation = _compiled(app, scenario)
    staff = signed_in_client(scenario.facilitator)
    index = staff.get(f"/consultations/{scenario.consultation.slug}/compilations")
    assert f'href="/compilations/{compilation.id}/publish"' in index.get_data(as_text=True)
    page = staff.get(f"/compilations/{compilation.id}/publish")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Drafting stays open" in body
    assert (
        'name="close_drafting"' in body
        and "checked" not in body.split('name="close_drafting"')[1][:60]
    )
    assert compilation.published_at is None  # opening the confirmation changes nothing


def test_a_post_without_confirmation_publishes_nothing(app, scenario, signed_in_client, db):
    compilation = _compiled(app, scenario)
    staff = signed_in_client(scenario.facilitator)
    answer = staff.post(f"/compilations/{compilation.id}/publish")
    assert answer.status_code == 422
    db.session.refresh(compilation)
    assert compilation.published_at is None


def test_publishing_keeps_drafting_open_unless_chosen(app, scenario, signed_in_client, db):
    consultation = scenario.consultation
    before = consultation.state(utcnow())
    compilation = _compiled(app, scenario)
    staff = signed_in_client(scenario.facilitator)
    answer = staff.post(f"/compilations/{compilation.id}/publish", data={"confirm": "yes"})
    assert answer.status_code == 303
    db.session.refresh(compilation)
    db.session.refresh(consultation)
    assert compilation.published_at is not None
    assert consultation.compiled_at is None
    assert consultation.state(utcnow()) == before


def test_publishing_can_also_close_drafting_when_chosen(app, scenario, signed_in_client, db):
    compilation = _compiled(app, scenario)
    staff = signed_in_client(scenario.facilitator)
    answer = staff.post(
        f"/compilations/{compilation.id}/publish",
        data={"confirm": "yes", "close_drafting": "y"},
    )
    assert answer.status_code == 303
    db.session.refresh(scenario.consultation)
    assert scenario.consultation.state(utcnow()) == "compiled"
