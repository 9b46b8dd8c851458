from datetime import timedelta

import pytest
from sqlalchemy import select

from app.submissions.models import Revision
from app.timeutil import local_to_utc, utcnow
from tests.factories import (
    make_consultation,
    make_org,
    make_submission,
    make_user,
)


def _writer_and_submission(**consultation_args):
    owner, editor = make_user(), make_user()
    org = make_org(owner, members={editor: "editor"})
    consultation = make_consultation(**consultation_args)
    submission = make_submission(consultation, org, texts={"q1": "The cat sat on the mat."})
    return owner, editor, submission


def _save(client, submission, body, base, key="q1", **headers):
    return client.post(
        f"/submissions/{submission.id}/sections/{key}",
        data={"body": body, "base_revision": base if base is not None else ""},
        headers=headers,
    )


def _current(db, submission, key="q1"):
    db.session.expire_all()
    section = next(s for s in submission.sections if s.key == key)
    db.session.refresh(section)
    return section


def test_save_answers_200_with_the_new_revision_id(signed_in_client, db):
    _owner, editor, submission = _writer_and_submission()
    base = _current(db, submission).current_revision_id
    response = _save(signed_in_client(editor), submission, "The cat sat on the red mat.", base)
    assert response.status_code == 200
    section = _current(db, submission)
    assert response.headers["X-Revision"] == str(section.current_revision_id)
    revision = db.session.get(Revision, section.current_revision_id)
    assert revision.body == "The cat sat on the red mat."
    assert revision.base_revision_id == base and revision.author_id == editor.id


def test_stale_save_merges_non_overlapping_edits(signed_in_client, db):
    owner, editor, submission = _writer_and_submission()
    base = _current(db, submission).current_revision_id
    first = _save(signed_in_client(owner), submission, "The black cat sat on the mat.", base)
    assert first.status_code == 200
    second = _save(
        signed_in_client(editor),
        submission,
        "The cat sat on the red mat.",
        base,
        **{"HX-Request": "true"},
    )
    assert second.status_code == 200
    assert second.headers["X-Merged"] == "1"
    assert "The black cat sat on the red mat." in second.get_data(as_text=True)
    section = _current(db, submission)
    assert section.text == "The black cat sat on the red mat."
    own = db.session.get(Revision, int(second.headers["X-Own-Revision"]))
    assert own.body == "The cat sat on the red mat."  # the person's own text is kept too


def test_overlapping_change_answers_409_and_keeps_both(signed_in_client, db):
    owner, editor, submission = _writer_and_submission()
    base = _current(db, submission).current_revision_id
    _save(signed_in_client(owner), submission, "The dog sat on the mat.", base)
    response = _save(signed_in_client(editor), submission, "The bird sat on the mat.", base)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "The dog sat on the mat." in body and "The bird sat on the mat." in body
    assert _current(db, submission).text == "The dog sat on the mat."  # nothing overwritten
    kept = db.session.scalar(select(Revision).where(Revision.kind == "conflict"))
    assert kept.body == "The bird sat on the mat." and kept.author_id == editor.id


def test_htmx_conflict_is_shown_in_the_conflict_area(signed_in_client, db):
    owner, editor, submission = _writer_and_submission()
    base = _current(db, submission).current_revision_id
    _save(signed_in_client(owner), submission, "The dog sat on the mat.", base)
    response = _save(
        signed_in_client(editor),
        submission,
        "The bird sat on the mat.",
        base,
        **{"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#conflict"
    assert "<html" not in response.get_data(as_text=True)


def test_repeating_the_same_save_makes_no_new_revision(signed_in_client, db):
    _owner, editor, submission = _writer_and_submission()
    base = _current(db, submission).current_revision_id
    client = signed_in_client(editor)
    first = _save(client, submission, "The cat sat.", base)
    again = _save(client, submission, "The cat sat.", base)  # e.g. a retry after a timeout
    assert again.status_code == 200
    assert again.headers["X-Revision"] == first.headers["X-Revision"]
    assert db.session.query(Revision).count() == 2


def test_saved_one_second_before_the_deadline_not_one_after(signed_in_client, db, clock):
    deadline = local_to_utc(utcnow().replace(tzinfo=None) + timedelta(days=2), "Asia/Kathmandu")
    _owner, editor, submission = _writer_and_submission(
        deadline=deadline, timezone="Asia/Kathmandu"
    )
    clock.set(deadline - timedelta(seconds=1))
    client = signed_in_client(editor)  # after the clock jumps: a day idle signs a person out
    before = _save(
        client, submission, "Just in time.", _current(db, submission).current_revision_id
    )
    assert before.status_code == 200
    clock.set(deadline + timedelta(seconds=1))
    after = _save(client, submission, "Too late.", _current(db, submission).current_revision_id)
    assert after.status_code == 423
    assert "Too late." in after.get_data(as_text=True)  # the text comes back to copy
    assert _current(db, submission).text == "Just in time."


def test_an_extension_reopens_drafting_for_one_submission(signed_in_client, db, clock):
    _owner, editor, submission = _writer_and_submission()
    other_editor = make_user()
    other_org = make_org(members={other_editor: "editor"})
    other = make_submission(submission.consultation, other_org, texts={"q1": "The cat sat."})
    submission.deadline_extended_to = submission.consultation.deadline_at + timedelta(days=3)
    db.session.commit()
    clock.set(submission.consultation.deadline_at + timedelta(days=1))
    client = signed_in_client(editor)
    base = _current(db, submission).current_revision_id
    assert _save(client, submission, "Extra time.", base).status_code == 200
    assert _current(db, submission).text == "Extra time."
    # Past the extension the same person cannot save any more.
    clock.set(submission.deadline_extended_to + timedelta(minutes=1))
    base = _current(db, submission).current_revision_id
    assert _save(client, submission, "Too late.", base).status_code != 200
    assert _current(db, submission).text == "Extra time."
    # Another submission of the same consultation, without an extension, stays closed.
    clock.set(submission.consultation.deadline_at + timedelta(days=1))
    base = _current(db, other).current_revision_id
    assert _save(signed_in_client(other_editor), other, "Sneaked in.", base).status_code != 200
    assert _current(db, other).text == "The cat sat."


def test_viewers_and_outsiders_cannot_save(signed_in_client, db):
    owner, viewer = make_user(), make_user()
    org = make_org(owner, members={viewer: "viewer"})
    submission = make_submission(make_consultation(), org)
    assert _save(signed_in_client(viewer), submission, "x", None).status_code == 403
    assert _save(signed_in_client(make_user()), submission, "x", None).status_code == 404


def test_a_base_from_another_section_is_refused(signed_in_client, db):
    _owner, editor, submission = _writer_and_submission()
    other = make_submission(texts={"q1": "Other text."})
    foreign = _current(db, other).current_revision_id
    assert _save(signed_in_client(editor), submission, "x", foreign).status_code == 400


def test_without_javascript_the_form_post_returns_the_editor(signed_in_client, db):
    _owner, editor, submission = _writer_and_submission()
    response = _save(
        signed_in_client(editor),
        submission,
        "Plain form post.",
        _current(db, submission).current_revision_id,
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" in body and "Plain form post." in body and "Saved." in body


def test_history_diff_and_restore(signed_in_client, db):
    _owner, editor, submission = _writer_and_submission()
    client = signed_in_client(editor)
    first = _current(db, submission).current_revision_id
    second = _save(client, submission, "The cat sat on the <b>red</b> mat.", first)
    second_id = int(second.headers["X-Revision"])
    page = client.get(
        f"/submissions/{submission.id}/sections/q1/history?from={first}&to={second_id}"
    ).get_data(as_text=True)
    assert "<ins>&lt;b&gt;red&lt;/b&gt; </ins>" in page
    client.post(f"/submissions/{submission.id}/sections/q1/restore/{first}")
    section = _current(db, submission)
    assert section.text == "The cat sat on the mat."
    assert db.session.get(Revision, section.current_revision_id).kind == "restore"


def test_deleted_author_shows_as_former_member(signed_in_client, db):
    owner, editor, submission = _writer_and_submission()
    _save(
        signed_in_client(editor),
        submission,
        "Written by someone who left.",
        _current(db, submission).current_revision_id,
    )
    from app.organizations.models import Membership

    db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == editor.id)))
    db.session.delete(editor)
    db.session.commit()
    page = signed_in_client(owner).get(f"/submissions/{submission.id}/sections/q1/history")
    assert "former member" in page.get_data(as_text=True)


def test_others_editing_the_section_are_shown(signed_in_client, db):
    owner, editor, submission = _writer_and_submission()
    editor.display_name = "Dewi"
    db.session.commit()
    signed_in_client(editor).get(f"/submissions/{submission.id}/sections/q1/presence")
    seen = signed_in_client(owner).get(f"/submissions/{submission.id}/sections/q1/presence")
    assert "Dewi" in seen.get_data(as_text=True)
    own = signed_in_client(editor).get(f"/submissions/{submission.id}/sections/q1/presence")
    assert "Dewi" not in own.get_data(as_text=True)


def test_editor_page_offers_autosave_and_word_count(signed_in_client, db):
    _owner, editor, submission = _writer_and_submission(word_limit=3)
    page = signed_in_client(editor).get(f"/submissions/{submission.id}/sections/q1")
    body = page.get_data(as_text=True)
    assert "data-autosave" in body and 'data-word-limit="3"' in body
    assert "6 of 3 words" in body


def test_nul_characters_are_left_out_of_a_saved_text(signed_in_client, db):
    _owner, editor, submission = _writer_and_submission()
    base = _current(db, submission).current_revision_id
    response = _save(signed_in_client(editor), submission, "The cat\x00 sat.", base)
    assert response.status_code == 200
    assert _current(db, submission).text == "The cat sat."


@pytest.mark.parametrize("base", ["99999999999999999999999", "2147483648", "-5", "\u00b2"])
def test_a_malformed_base_revision_gives_the_text_back_with_a_reason(signed_in_client, db, base):
    _owner, editor, submission = _writer_and_submission()
    client = signed_in_client(editor)
    response = _save(client, submission, "My careful paragraph.", base)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "My careful paragraph." in page
    assert "we cannot tell which version this text was based on" in page
    htmx = _save(client, submission, "My careful paragraph.", base, **{"HX-Request": "true"})
    assert htmx.status_code == 400
    assert _current(db, submission).text == "The cat sat on the mat."


def test_a_text_too_long_comes_back_with_the_limit_not_a_file_error(signed_in_client, db):
    _owner, editor, submission = _writer_and_submission()
    base = _current(db, submission).current_revision_id
    client = signed_in_client(editor)
    long_text = "My words. " * 20_001
    response = _save(client, submission, long_text, base)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "longer than 200,000 characters" in page and "This file is too large" not in page
    assert long_text in page  # in the editor, to shorten
    assert f'name="base_revision" id="base_revision" value="{base}"' in page
    htmx = _save(client, submission, long_text, base, **{"HX-Request": "true"})
    assert htmx.status_code == 413
    assert _current(db, submission).text == "The cat sat on the mat."


def test_one_rule_says_when_a_text_can_change(db):
    """Submission.is_editable(now): a drafting state and inside the dates, nothing else."""
    from app.submissions.states import SubmissionState

    _owner, _editor, submission = _writer_and_submission()
    consultation = submission.consultation
    inside = consultation.opens_at + timedelta(days=1)
    assert submission.is_editable(inside)
    assert not submission.is_editable(consultation.opens_at - timedelta(seconds=1))
    assert not submission.is_editable(consultation.deadline_at)
    submission.deadline_extended_to = consultation.deadline_at + timedelta(days=2)
    assert submission.is_editable(consultation.deadline_at)
    for state in SubmissionState:
        submission.state = state
        expected = state in (SubmissionState.DRAFT, SubmissionState.RETURNED)
        assert submission.is_editable(inside) is expected, state
