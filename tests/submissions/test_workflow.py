from datetime import timedelta

from sqlalchemy import select

from app.notifications.models import Notification
from app.submissions.models import Submission
from tests.factories import (
    join_consultation,
    make_consultation,
    make_org,
    make_submission,
    make_user,
)

# Most submissions here answer one question of two: send them anyway (the warning about
# empty sections has its own tests, in test_empty_sections_warning.py).
SEND_ANYWAY = {"send_with_empty": "yes"}


def _state(db, submission):
    db.session.expire_all()
    return db.session.get(Submission, submission.id).state


def test_start_a_submission_with_one_section_per_question(signed_in_client, db):
    editor = make_user()
    org = make_org(members={editor: "editor"})
    consultation = make_consultation(questions=3)
    join_consultation(consultation, org)
    client = signed_in_client(editor)
    response = client.post(
        f"/consultations/{consultation.slug}/submissions", data={"organization_id": org.id}
    )
    assert response.status_code == 303
    submission = db.session.scalar(select(Submission))
    assert [s.key for s in submission.ordered_sections()] == ["q1", "q2", "q3"]
    assert submission.sections[0].objectives == consultation.questions[0].objectives
    again = client.post(
        f"/consultations/{consultation.slug}/submissions", data={"organization_id": org.id}
    )
    assert again.headers["Location"] == f"/submissions/{submission.id}"  # one per organization


def test_an_organization_that_did_not_join_cannot_start(signed_in_client, db):
    owner = make_user()
    org = make_org(owner)
    consultation = make_consultation()
    response = signed_in_client(owner).post(
        f"/consultations/{consultation.slug}/submissions", data={"organization_id": org.id}
    )
    assert response.status_code == 403


def test_sign_off_by_every_organization_then_submitted(signed_in_client, db):
    lead_owner, co_owner = make_user(), make_user()
    lead, co = make_org(lead_owner), make_org(co_owner)
    submission = make_submission(texts={"q1": "Our text."}, org=lead, coauthors=[co])
    lead_client = signed_in_client(lead_owner)
    assert (
        lead_client.post(f"/submissions/{submission.id}/submit", data=SEND_ANYWAY).status_code
        == 303
    )
    assert _state(db, submission) == "sign-off"
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == co_owner.id))
    assert "submission.sign_off" in list(kinds)
    signed_in_client(co_owner).post(
        f"/submissions/{submission.id}/sign-off", data={"organization_id": co.id}
    )
    assert _state(db, submission) == "submitted"


def test_reopening_clears_sign_offs(signed_in_client, db):
    lead_owner, co_owner = make_user(), make_user()
    lead, co = make_org(lead_owner), make_org(co_owner)
    submission = make_submission(texts={"q1": "Our text."}, org=lead, coauthors=[co])
    client = signed_in_client(lead_owner)
    client.post(f"/submissions/{submission.id}/submit", data=SEND_ANYWAY)
    client.post(f"/submissions/{submission.id}/reopen")
    assert _state(db, submission) == "draft"
    db.session.refresh(submission)
    assert submission.sign_offs == []


def test_word_limits_are_enforced_at_submission_per_section(signed_in_client, db):
    owner = make_user()
    consultation = make_consultation(word_limit=50, questions=2)
    submission = make_submission(
        consultation, make_org(owner), texts={"q1": "word " * 60, "q2": "fine"}
    )
    response = signed_in_client(owner).post(
        f"/submissions/{submission.id}/submit", data=SEND_ANYWAY
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Question 1: 60 words, the limit is 50." in body
    assert "Question 2" not in body.split("Some sections are too long")[1].split("</ul>")[0]
    assert _state(db, submission) == "draft"


def test_unverified_lead_cannot_submit_where_verification_is_required(signed_in_client, db):
    owner = make_user()
    submission = make_submission(org=make_org(owner, verified=False), texts={"q1": "Text."})
    response = signed_in_client(owner).post(
        f"/submissions/{submission.id}/submit", data=SEND_ANYWAY
    )
    assert response.status_code == 303
    assert _state(db, submission) == "draft"
    invited_only = make_consultation(invitation_only=True)
    other = make_submission(invited_only, make_org(owner, verified=False), texts={"q1": "T."})
    signed_in_client(owner).post(f"/submissions/{other.id}/submit", data=SEND_ANYWAY)
    assert _state(db, other) == "submitted"


def test_only_the_lead_owner_submits(signed_in_client, db):
    owner, editor = make_user(), make_user()
    submission = make_submission(
        org=make_org(owner, members={editor: "editor"}), texts={"q1": "Text."}
    )
    assert (
        signed_in_client(editor)
        .post(f"/submissions/{submission.id}/submit", data=SEND_ANYWAY)
        .status_code
        == 403
    )


def test_facilitators_accept_or_return_with_feedback(signed_in_client, db):
    facilitator, owner = make_user(role="facilitator"), make_user()
    consultation = make_consultation(facilitator=facilitator)
    submission = make_submission(
        consultation, make_org(owner), texts={"q1": "T."}, state="submitted"
    )
    client = signed_in_client(facilitator)
    empty = client.post(f"/submissions/{submission.id}/return", data={"feedback": ""})
    assert empty.status_code == 422
    client.post(f"/submissions/{submission.id}/return", data={"feedback": "Add examples."})
    assert _state(db, submission) == "returned"
    page = signed_in_client(owner).get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Add examples." in page
    signed_in_client(owner).post(f"/submissions/{submission.id}/submit", data=SEND_ANYWAY)
    client.post(f"/submissions/{submission.id}/accept")
    assert _state(db, submission) == "accepted"
    other_facilitator = signed_in_client(make_user(role="facilitator"))
    assert other_facilitator.post(f"/submissions/{submission.id}/accept").status_code == 404


def test_withdraw_only_before_the_deadline(signed_in_client, db, clock):
    owner = make_user()
    submission = make_submission(org=make_org(owner), texts={"q1": "T."}, state="submitted")
    # Each jump of the clock is longer than the idle timeout: sign in after it.
    clock.set(submission.consultation.deadline_at + timedelta(seconds=1))
    signed_in_client(owner).post(f"/submissions/{submission.id}/withdraw")
    assert _state(db, submission) == "submitted"
    clock.set(submission.consultation.deadline_at - timedelta(seconds=1))
    signed_in_client(owner).post(f"/submissions/{submission.id}/withdraw")
    assert _state(db, submission) == "withdrawn"


def test_drafts_lock_after_the_deadline_until_a_facilitator_extends(signed_in_client, db, clock):
    facilitator, owner = make_user(role="facilitator"), make_user()
    consultation = make_consultation(facilitator=facilitator, timezone="UTC")
    submission = make_submission(consultation, make_org(owner), texts={"q1": "T."})
    clock.set(consultation.deadline_at + timedelta(hours=1))
    client = signed_in_client(owner)
    client.post(f"/submissions/{submission.id}/submit", data=SEND_ANYWAY)
    assert _state(db, submission) == "draft"
    later = (consultation.deadline_at + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    signed_in_client(facilitator).post(
        f"/submissions/{submission.id}/extend", data={"until": later}
    )
    client.post(f"/submissions/{submission.id}/submit", data=SEND_ANYWAY)
    assert _state(db, submission) == "submitted"


def test_verified_organizations_sign_on_to_accepted_submissions(signed_in_client, db):
    lead_owner, endorser_owner = make_user(), make_user()
    submission = make_submission(org=make_org(lead_owner), texts={"q1": "T."}, state="accepted")
    endorser = make_org(endorser_owner, name="Supporting Union")
    unverified = make_org(endorser_owner, verified=False)
    client = signed_in_client(endorser_owner)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Sign on" in page
    refused = client.post(
        f"/submissions/{submission.id}/endorsements",
        data={"organization_id": unverified.id, "attribution": "named"},
    )
    assert refused.status_code == 403
    client.post(
        f"/submissions/{submission.id}/endorsements",
        data={"organization_id": endorser.id, "attribution": "anonymous"},
    )
    db.session.refresh(submission)
    assert [(e.organization_id, e.attribution) for e in submission.endorsements] == [
        (endorser.id, "anonymous")
    ]
    page = signed_in_client(lead_owner).get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Supporting Union" not in page  # anonymous: described, not named


def test_drafts_are_not_readable_by_other_organizations(signed_in_client):
    submission = make_submission(texts={"q1": "Private draft."})
    outsider = signed_in_client(make_user())
    assert outsider.get(f"/submissions/{submission.id}").status_code == 404
    facilitator = signed_in_client(make_user(role="facilitator"))
    assert facilitator.get(f"/submissions/{submission.id}").status_code == 404


def test_dashboard_counts_submissions_and_coverage(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator, objectives=(6, 7), questions=2)
    make_submission(consultation, make_org(), texts={"q1": "About recruitment."}, state="submitted")
    make_submission(consultation, make_org(), texts={"q1": "More."})
    page = signed_in_client(facilitator).get(f"/consultations/{consultation.slug}/dashboard")
    body = page.get_data(as_text=True)
    coverage = body.split("Coverage of GCM objectives")[1]
    assert "<td>2</td>" in coverage.split("Objective 7")[0]  # objective 6: two sections
    assert "gap" in coverage.split("Objective 7")[1].split("</tr>")[0]
