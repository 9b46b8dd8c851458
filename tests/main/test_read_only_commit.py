"""Requests that only read end with COMMIT (psycopg keeps its prepared statements); any
other transaction left open at the end of a request is still rolled back."""

from sqlalchemy import event, func, insert, select, text

from app.auth.models import User
from app.database import end_read_only_transaction
from tests.factories import make_user


def _commits(db) -> list[int]:
    seen: list[int] = []
    event.listen(db.session, "after_commit", lambda _session: seen.append(1))
    return seen


def test_a_transaction_that_only_read_is_committed(app, db):
    make_user()
    with app.app_context():
        commits = _commits(db)
        db.session.scalar(select(func.count(User.id)))
        db.session.execute(text("SELECT 1"))
        end_read_only_transaction(None)
        assert commits == [1]
        assert not db.session().in_transaction()


def test_a_transaction_that_wrote_is_left_to_the_rollback(app, db):
    before = db.session.scalar(select(func.count(User.id)))
    with app.app_context():
        commits = _commits(db)
        db.session.execute(
            insert(User).values(username="left", display_name="Left", password_hash="x")
        )
        end_read_only_transaction(None)
        assert commits == [] and db.session().in_transaction()
        db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == before


def test_unflushed_changes_and_errors_are_left_to_the_rollback(app, db):
    user = make_user()
    with app.app_context():
        commits = _commits(db)
        db.session.scalar(select(User).where(User.id == user.id)).display_name = "Changed"
        end_read_only_transaction(None)
        db.session.rollback()
        db.session.scalar(select(func.count(User.id)))
        end_read_only_transaction(RuntimeError("the view failed"))
        assert commits == []
        db.session.rollback()


def test_a_page_that_only_reads_ends_with_a_commit(client, db):
    commits = _commits(db)
    assert client.get("/consultations").status_code == 200
    assert commits
