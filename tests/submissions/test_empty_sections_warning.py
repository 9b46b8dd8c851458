"""Sending a submission with empty sections asks first, naming them (issue 14, defect 9)."""

from app.submissions.models import Submission
from tests.factories import make_consultation, make_org, make_submission, make_user


def _state(db, submission):
    db.session.expire_all()
    return db.session.get(Submission, submission.id).state


def test_sending_with_empty_sections_warns_and_names_them(signed_in_client, db):
    owner = make_user()
    consultation = make_consultation(questions=3)
    submission = make_submission(consultation, make_org(owner), texts={"q2": "Only this."})
    client = signed_in_client(owner)
    answer = client.post(f"/submissions/{submission.id}/submit")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Some sections are empty" in page
    empty = [s for s in submission.ordered_sections() if s.key != "q2"]
    for section in empty:
        assert section.question.text("en")["text"] in page.split("Some sections are empty")[1]
    assert 'name="send_with_empty" value="yes"' in page
    assert _state(db, submission) == "draft"  # nothing sent yet


def test_sending_anyway_after_the_warning(signed_in_client, db):
    owner = make_user()
    submission = make_submission(org=make_org(owner), texts={"q1": "Only this."})
    client = signed_in_client(owner)
    answer = client.post(f"/submissions/{submission.id}/submit", data={"send_with_empty": "yes"})
    assert answer.status_code == 303
    assert _state(db, submission) == "submitted"


def test_a_complete_submission_is_sent_without_a_question(signed_in_client, db):
    owner = make_user()
    submission = make_submission(org=make_org(owner), texts={"q1": "One.", "q2": "Two."})
    answer = signed_in_client(owner).post(f"/submissions/{submission.id}/submit")
    assert answer.status_code == 303
    assert _state(db, submission) == "submitted"
