from sqlalchemy import select

from app.notifications.models import Notification
from app.submissions.models import Comment
from tests.factories import make_org, make_submission, make_user


def test_comment_with_quote_reply_resolve_and_reopen(signed_in_client, db):
    owner, editor, viewer = make_user(), make_user(), make_user()
    org = make_org(owner, members={editor: "editor", viewer: "viewer"})
    submission = make_submission(org=org, texts={"q1": "Fees are high."})
    url = f"/submissions/{submission.id}/sections/q1/comments"
    client = signed_in_client(editor)
    client.post(url, data={"comment-body": "Which fees?", "comment-quote": "Fees"})
    first = db.session.scalar(select(Comment))
    assert (first.body, first.quote, first.author_id) == ("Which fees?", "Fees", editor.id)
    notified = set(db.session.scalars(select(Notification.user_id)))
    assert notified == {owner.id, viewer.id}  # co-authors are told, not the writer
    signed_in_client(owner).post(
        url, data={"comment-body": "Placement fees.", "comment-parent_id": str(first.id)}
    )
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == first.id))
    assert reply.body == "Placement fees."
    client.post(f"/comments/{first.id}/resolve")
    db.session.refresh(first)
    assert first.resolved_at is not None
    client.post(f"/comments/{first.id}/reopen")
    db.session.refresh(first)
    assert first.resolved_at is None
    page = signed_in_client(viewer).get(f"/submissions/{submission.id}/sections/q1")
    body = page.get_data(as_text=True)
    assert "Which fees?" in body and "Placement fees." in body
    assert "Add the comment" not in body  # viewers read, they do not comment


def test_empty_comment_is_refused_and_keeps_the_quote(signed_in_client, db):
    owner = make_user()
    submission = make_submission(org=make_org(owner), texts={"q1": "Text."})
    response = signed_in_client(owner).post(
        f"/submissions/{submission.id}/sections/q1/comments",
        data={"comment-body": "", "comment-quote": "a quoted passage"},
    )
    assert response.status_code == 422
    assert "a quoted passage" in response.get_data(as_text=True)
    assert db.session.scalar(select(Comment)) is None


def test_facilitators_read_comments_only_once_submitted(signed_in_client, db):
    facilitator, owner = make_user(role="facilitator"), make_user()
    from tests.factories import make_consultation

    consultation = make_consultation(facilitator=facilitator)
    submission = make_submission(consultation, make_org(owner), texts={"q1": "T."})
    signed_in_client(owner).post(
        f"/submissions/{submission.id}/sections/q1/comments",
        data={"comment-body": "Internal note."},
    )
    staff = signed_in_client(facilitator)
    assert staff.get(f"/submissions/{submission.id}/sections/q1").status_code == 404
    submission.state = "submitted"
    db.session.commit()
    page = staff.get(f"/submissions/{submission.id}/sections/q1").get_data(as_text=True)
    assert "Internal note." in page
