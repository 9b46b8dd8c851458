"""Platform roles change through one service, from the admin area or the command line."""

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from tests.factories import make_user


def _role(db, user) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).role


def test_an_admin_gives_a_role_and_it_is_recorded(signed_in_client, db):
    admin, person = make_user(role="admin"), make_user()
    client = signed_in_client(admin)
    response = client.post(f"/admin/users/{person.id}/role", data={"role": "facilitator"})
    assert response.status_code in (302, 303)
    assert _role(db, person) == "facilitator"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.role_changed")
    ).one()
    assert event.actor_id == admin.id


def test_no_one_changes_their_own_role_nor_sets_an_unknown_one(signed_in_client, db):
    admin, person = make_user(role="admin"), make_user()
    client = signed_in_client(admin)
    client.post(f"/admin/users/{admin.id}/role", data={"role": "member"})
    client.post(f"/admin/users/{person.id}/role", data={"role": "emperor"})
    assert _role(db, admin) == "admin"
    assert _role(db, person) == "member"


def test_the_command_line_uses_the_same_service(app, db):
    person = make_user()
    result = app.test_cli_runner().invoke(
        args=["users", "set-role", "--email", person.username, "--role", "un-reviewer"]
    )
    assert result.exit_code == 0, result.output
    assert _role(db, person) == "un-reviewer"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.role_changed")
    ).one()
    assert event.actor_id is None
