"""People's text keeps its own direction and language inside the page's (issue "The whole
journey", defect 7): an English question in the Arabic interface must not read "?recommend"."""

from app.text import render_markdown
from tests.factories import (
    make_consultation,
    make_contribution,
    make_org,
    make_session,
    make_submission,
    make_user,
    register_for,
)


def _arabic(client):
    client.post("/language", data={"locale": "ar"})
    return client


def test_each_markdown_block_finds_its_own_direction():
    html = render_markdown("Do you recommend it?\n\n- one\n- two\n\n> quoted")
    assert '<p dir="auto">Do you recommend it?</p>' in html
    assert '<li dir="auto">one</li>' in html
    assert '<blockquote dir="auto">' in html


def test_board_points_and_names_are_isolated_in_the_arabic_interface(signed_in_client):
    owner = make_user()
    org = make_org(owner, name="Migrant Workers Network")
    consultation = make_consultation(title="Decent work")
    session = make_session(consultation, title="Opening dialogue")
    register_for(session, owner, org)
    make_contribution(session, owner, org, body="Do you recommend it?", show_org=True)
    page = _arabic(signed_in_client(owner)).get(f"/sessions/{session.id}/board")
    html = page.get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html  # the page is Arabic
    assert '<p dir="auto">Do you recommend it?</p>' in html
    assert "<bdi>Migrant Workers Network</bdi>" in html
    # The untranslated session title says it is English.
    assert 'lang="en" dir="auto">Opening dialogue</a>' in html
    assert '<bdi lang="en">Decent work</bdi>' in html


def test_untranslated_question_in_the_editor_carries_its_language(signed_in_client):
    owner = make_user()
    org = make_org(owner)
    consultation = make_consultation(languages=("en", "ar"))
    submission = make_submission(consultation, org, author=owner)
    question = consultation.questions[0].text("en")["text"]
    html = (
        _arabic(signed_in_client(owner))
        .get(f"/submissions/{submission.id}/sections/q1")
        .get_data(as_text=True)
    )
    assert f'<h1 class="question-heading" lang="en" dir="auto">{question}</h1>' in html


def test_a_description_is_rendered_once_and_a_draft_is_never_kept(client):
    """A consultation's description, read by every visitor, is rendered once per worker;
    people's own texts (drafts among them) go through the filter that keeps nothing."""
    from app.text import render_public_markdown
    from tests.factories import make_consultation

    consultation = make_consultation(title="Kept description")
    render_public_markdown.cache_clear()
    assert client.get(f"/consultations/{consultation.slug}").status_code == 200
    assert render_public_markdown.cache_info().currsize == 1  # kept for the next view
    markdown = client.application.jinja_env.filters["markdown"]
    assert not hasattr(markdown, "cache_info")
