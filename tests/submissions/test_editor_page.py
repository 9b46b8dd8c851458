"""The section editor page: what it reads, and its tag lists made without WTForms."""

import re

import pytest
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from app.submissions.editor_page import _comment_fields, tag_lists
from app.submissions.forms import CommentForm, TagsForm
from app.submissions.models import Comment, Section
from app.timeutil import utcnow
from tests.factories import make_consultation, make_org, make_submission, make_user

TEXT = "Fees are high. Recruiters keep passports. Wages come late."


def _commented(db, submission, people, quotes=("Fees are high", "keep passports")):
    """Comments on q1 by each of these people, every other one quoting the text, each
    answered by the last of them."""
    section = submission.section("q1")
    for number, person in enumerate(people):
        first = Comment(
            section_id=section.id,
            author_id=person.id,
            body=f"Comment {number}",
            quote=quotes[number // 2 % len(quotes)] if number % 2 == 0 else None,
            created_at=utcnow(),
        )
        db.session.add(first)
        db.session.flush()
        db.session.add(
            Comment(
                section_id=section.id,
                parent_id=first.id,
                author_id=people[-1].id,
                body=f"Answer {number}",
                created_at=utcnow(),
            )
        )
    db.session.commit()


@pytest.mark.parametrize("reader", ["writer", "facilitator"])
def test_the_editor_reads_the_same_statements_however_many_comments_and_coauthors(
    signed_in_client, db, count_queries, reader
):
    """Comment authors' names, co-authors and objectives come with fixed statements (a
    facilitator reading a sent submission adds the consultation's staff, once); a section
    nobody commented on asks for no comments."""
    facilitator, owner = make_user(role="facilitator"), make_user()
    org = make_org(owner)
    consultations = [
        make_consultation(facilitator=facilitator, objectives=objectives)
        for objectives in [(6, 7), (6, 7), (2, 6, 7, 23)]
    ]
    coauthors = [make_org(make_user()) for _ in range(3)]
    uncommented, small, large = [
        make_submission(consultation, org, texts={"q1": TEXT}, coauthors=others)
        for consultation, others in zip(consultations, [(), (), coauthors], strict=True)
    ]
    large.section("q1").set_objectives([2, 6, 7, 23])
    large.section("q1").contribution_types = ["challenge", "pledge"]
    _commented(db, small, [owner])
    _commented(db, large, [owner] + [make_user() for _ in range(5)])
    if reader == "facilitator":
        for submission in (uncommented, small, large):
            submission.state = "submitted"
        db.session.commit()
    client = signed_in_client(facilitator if reader == "facilitator" else owner)
    urls = [f"/submissions/{s.id}/sections/q1" for s in (uncommented, small, large)]
    counted, pages = [], []
    for url in urls:
        with count_queries() as statements:
            page = client.get(url)
        assert page.status_code == 200
        counted.append(len(statements))
        pages.append(page.get_data(as_text=True))
    assert "No comments yet." in pages[0] and "Comment 0" in pages[1]
    assert "Comment 5" in pages[2] and "Answer 5" in pages[2]
    assert pages[2].count('<mark class="passage"') == 2  # "Fees are high" twice, "passports"
    assert counted[0] + 1 == counted[1] == counted[2], counted


def _squeezed(markup) -> str:
    return re.sub(r">\s+<", "><", str(markup)).strip()


@pytest.mark.parametrize("language", ["en", "ar", "zh_Hans"])
def test_the_kept_tag_lists_are_the_markup_of_the_form_macro(app, db, language):
    owner = make_user()
    submission = make_submission(org=make_org(owner), texts={"q1": TEXT})
    section = submission.section("q1")
    section.contribution_types = ["challenge", "good practice"]
    section.set_objectives([6, 23])
    db.session.commit()
    macro = (
        '{% from "_macros.html" import checkboxes %}'
        "{{ checkboxes(form.contribution_types, columns=false) }}{{ checkboxes(form.objectives) }}"
    )
    with app.test_request_context(), force_locale(language):
        form = TagsForm(formdata=None)
        form.contribution_types.data = list(section.contribution_types)
        form.objectives.data = [str(n) for n in section.objectives]
        expected = _squeezed(render_template_string(macro, form=form))
        assert _squeezed(tag_lists(section)) == expected
        assert expected.count(" checked ") == 4


@pytest.mark.parametrize("editable", [True, False])
def test_the_kept_comment_fields_are_the_empty_form_rendered_afresh(app, editable):
    with app.test_request_context(), force_locale("ar"):
        kept = _comment_fields(None, editable, 42)
        later = _comment_fields(None, editable, 7)
        fresh = _comment_fields(CommentForm(formdata=None, prefix="comment"), editable, 42)
    assert kept == fresh
    assert 'name="comment-revision" type="hidden" value="7"' in later
    assert ('data-quote-from="#body"' in kept) is editable


def test_tags_are_shown_ticked_saved_and_a_wrong_one_is_sent_back(signed_in_client, db):
    owner, viewer = make_user(), make_user()
    org = make_org(owner, members={viewer: "viewer"})
    submission = make_submission(org=org, texts={"q1": TEXT})
    section = submission.section("q1")
    section.set_objectives([6])
    db.session.commit()
    client = signed_in_client(owner)
    url = f"/submissions/{submission.id}/sections/q1"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<input checked id="objectives-5" name="objectives"', page)
    assert "checked" not in page.split('id="contribution_types"')[1].split("</fieldset>")[0]
    saved = client.post(
        f"{url}/tags", data={"contribution_types": ["pledge"], "objectives": ["7", "23"]}
    )
    assert saved.status_code in (302, 303)
    db.session.expire_all()
    section = db.session.scalar(select(Section).where(Section.id == section.id))
    assert (section.contribution_types, section.objectives) == (["pledge"], [7, 23])
    page = client.get(url).get_data(as_text=True)
    ticked = re.findall(r'<input checked id="([a-z_]+-\d+)"', page)
    assert ticked == ["contribution_types-4", "objectives-6", "objectives-22"]
    refused = client.post(f"{url}/tags", data={"objectives": ["99"]})
    assert refused.status_code == 422
    assert 'class="field has-error" id="objectives"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Section, section.id).objectives == [7, 23]
    # Readers of the submission who may not change it get neither the lists nor the form.
    assert 'id="objectives"' not in signed_in_client(viewer).get(url).get_data(as_text=True)


def test_the_presence_poll_reads_the_same_statements_however_many_are_editing(
    signed_in_client, db, count_queries
):
    owner, *editors = [make_user(display_name=f"Person {n}") for n in range(5)]
    org = make_org(owner, members=dict.fromkeys(editors, "editor"))
    submission = make_submission(org=org, texts={"q1": TEXT})
    url = f"/submissions/{submission.id}/sections/q1/presence"
    client = signed_in_client(owner)
    client.get(url)  # the first poll adds the owner's own presence (an INSERT, then UPDATEs)
    counted = []
    for editor in editors:
        assert signed_in_client(editor).get(url).status_code == 200
        with count_queries() as statements:
            seen = client.get(url).get_data(as_text=True)
        counted.append(len(statements))
    assert all(editor.display_name in seen for editor in editors)
    assert len(set(counted)) == 1, counted


def test_a_writer_opens_the_editor_with_two_statements(signed_in_client, count_queries):
    """The account comes with its session, safety roles and memberships (which the
    permissions ask for), then the section with what the page shows: no statement of its
    own for the memberships (issue 19)."""
    owner = make_user()
    submission = make_submission(org=make_org(owner), texts={"q1": TEXT})
    client = signed_in_client(owner)
    url = f"/submissions/{submission.id}/sections/q1"
    assert client.get(url).status_code == 200
    with count_queries() as statements:
        page = client.get(url)
    assert page.status_code == 200 and "Fees are high" in page.get_data(as_text=True)
    assert len(statements) == 2, "\n".join(statements)
    assert not any(s.lstrip().startswith("SELECT memberships") for s in statements)
