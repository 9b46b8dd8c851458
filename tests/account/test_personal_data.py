"""The export holds everything about or by the person and nothing about anyone else;
deletion leaves nothing that points to them, in the rows or in the SQLite files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from app.account.services import EXPORTED_COLUMNS, delete_account
from app.audit.models import AuditEvent
from app.audit.services import record_event
from app.auth.models import User
from app.config import TestConfig
from app.extensions import db as _db
from app.files.models import StoredFile
from app.moderation.models import Flag
from app.notifications.messages import describe
from app.notifications.models import Notification
from app.notifications.services import notify
from app.organizations import services as organizations
from app.safeguarding.services import ReportContent, submit_report
from app.sessions.models import SpeakingRequest
from app.submissions.comments import add_comment
from app.submissions.models import Comment, Revision, SignOff
from app.timeutil import utcnow
from tests.factories import (
    PASSWORD,
    make_consultation,
    make_contribution,
    make_org,
    make_session,
    make_submission,
    make_user,
    register_for,
)


def _columns_pointing_to_accounts(metadata) -> set[str]:
    return {
        f"{table.name}.{fk.parent.name}"
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "users"
    }


def test_every_column_pointing_to_an_account_is_in_some_part_of_the_export(db):
    missing = _columns_pointing_to_accounts(db.metadata) - EXPORTED_COLUMNS
    assert not missing, f"not in the personal data export: {sorted(missing)}"


def _everything_written_by(person, coauthor_member, now):
    """One of each kind of thing a person writes, or that is kept about them."""
    lead = make_org(make_user(), name="Lead Org Export", members={person: "editor"})
    co = make_org(coauthor_member, name="Coauthor Org Export")
    consultation = make_consultation(title="Export Consultation")
    submission = make_submission(
        consultation,
        lead,
        texts={"q1": "Person revision text about fees."},
        author=person,
        coauthors=[co],
    )
    q1, q2 = submission.section("q1"), submission.section("q2")
    _db.session.add_all(
        [
            Revision(section_id=q2.id, author_id=coauthor_member.id, body="Coauthor only text."),
            Revision(
                section_id=q1.id,
                author_id=person.id,
                body="Person revision text about fees. Coauthor merged sentence.",
                kind="merge",
            ),
            SignOff(
                submission_id=submission.id,
                organization_id=lead.id,
                user_id=person.id,
                signed_at=now,
            ),
            StoredFile(
                storage_name="x" * 32,
                original_name="person-evidence.pdf",
                kind="pdf",
                media_type="application/pdf",
                size=10,
                sha256="0" * 64,
                uploaded_by_id=person.id,
            ),
        ]
    )
    comment = add_comment(person, q1, "Person comment text.", "about fees", None, now)
    _db.session.flush()
    _db.session.add(
        Flag(
            consultation_id=consultation.id,
            target_type="comment",
            target_id=comment.id,
            reporter_id=person.id,
            reason="abuse",
            details="Person flag details.",
        )
    )
    session = make_session(consultation, title="Export Session")
    register_for(session, person, lead)
    make_contribution(session, person, lead, body="Person board point.")
    _db.session.add(SpeakingRequest(session_id=session.id, user_id=person.id))
    other = make_org(make_user(), name="Org Asked To Join")
    organizations.request_to_join(person, other, "Person join message.", now)
    organizations.create_invitation(person, lead, "viewer", now)
    submit_report(person, consultation, ReportContent("Sealed report text."), False, now)
    notify(person, "org.verified", now, "/organizations", org="Lead Org Export")
    _db.session.commit()


def test_export_holds_each_kind_of_thing_the_person_wrote_and_nothing_about_others(
    app, signed_in_client
):
    person = make_user(display_name="Dewi Export", email="dewi@example.org")
    coauthor_member = make_user(display_name="Hidden Coauthor Member")
    with app.test_request_context("/"):
        _everything_written_by(person, coauthor_member, utcnow())
    response = signed_in_client(person).get("/account/export")
    raw = response.get_data(as_text=True)
    data = json.loads(raw)
    for text in (
        "Dewi Export",
        "dewi@example.org",
        "Person revision text about fees.",
        "Coauthor merged sentence.",  # inside the person's own (merged) revision
        "Person comment text.",
        "Person flag details.",
        "Person board point.",
        "Person join message.",
        "person-evidence.pdf",
        "Export Session",
        "Org Asked To Join",
        "Lead Org Export is now verified.",
    ):
        assert text in raw, text
    revisions = data["writing"]["revisions"]
    assert {r["section"] for r in revisions} == {"q1"}
    assert revisions[0]["submission"]["consultation"] == "Export Consultation"
    assert revisions[0]["submission"]["your_organizations"] == ["Lead Org Export"]
    assert data["writing"]["sign_offs"][0]["for_organization"] == "Lead Org Export"
    [report] = data["safety_reports_made_with_your_name"]
    assert report["consultation"] == "Export Consultation" and report["status"] == "received"
    assert "sealed" in report["text"] and "/safety/follow-up" in report["text"]
    assert data["sessions"]["raised_hands"][0]["session"] == "Export Session"
    assert data["organizations"]["invitation_links_you_made"][0]["role"] == "viewer"
    assert any(e["action"] == "account.created" for e in data["security_events"])
    # Nothing about anyone else: no co-author's member, their text, or their organization.
    for other in ("Hidden Coauthor Member", coauthor_member.username, "Coauthor only text."):
        assert other not in raw, other
    assert "Coauthor Org Export" not in raw


def test_readable_export_is_one_page_without_scripts_that_escapes_what_was_written(
    app, signed_in_client
):
    person = make_user(display_name="<b>Dewi</b>")
    with app.test_request_context("/"):
        make_org(make_user(), members={person: "editor"})
        notify(person, "org.verified", utcnow(), None, org="Line one\nline two")
        _db.session.commit()
    response = signed_in_client(person).get("/account/export/readable")
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-data.html"'
    body = response.get_data(as_text=True)
    assert "&lt;b&gt;Dewi&lt;/b&gt;" in body and "<b>Dewi</b>" not in body
    assert "Line one<br>line two is now verified." in body
    assert "<script" not in body and "src=" not in body and 'rel="stylesheet"' not in body
    assert "What you wrote" in body and "Security events" in body


def test_other_peoples_notifications_name_the_person_as_they_are_now_then_as_former_member(
    app, signed_in_client, db
):
    owner, person = make_user(), make_user(display_name="Mail Tester")
    org = make_org(owner, name="Asked Org")
    with app.test_request_context("/"):
        organizations.request_to_join(person, org, "", utcnow())
    db.session.commit()
    note = db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert "Mail Tester" not in json.dumps(note.params)
    person.display_name = "Renamed Tester"
    db.session.commit()
    page = signed_in_client(owner).get("/notifications").get_data(as_text=True)
    assert "Renamed Tester asked to join Asked Org." in page
    delete_account(person, PASSWORD, utcnow())
    db.session.commit()
    db.session.refresh(note)
    assert note.params.get("person_id") is None
    page = signed_in_client(owner).get("/notifications").get_data(as_text=True)
    assert "former member asked to join Asked Org." in page


@pytest.fixture
def file_app(tmp_path):
    """An app on its own SQLite file (WAL mode), whatever database the suite runs on."""
    application = create_app(
        TestConfig(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'gcm.sqlite'}",
            UPLOAD_DIR=str(tmp_path / "uploads"),
            COMPILATION_DIR=str(tmp_path / "compilations"),
        )
    )
    with application.app_context():
        _db.create_all()
        yield application, tmp_path / "gcm.sqlite"
        _db.session.remove()
        _db.engine.dispose()


def _raw_files(path: Path) -> bytes:
    return b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists()
    )


def test_deletion_leaves_no_row_parameter_audit_link_or_file_bytes_naming_the_person(file_app):
    app, path = file_app
    now = utcnow()
    person = make_user(username="zq-mail-tester", display_name="Zq Mail Tester")
    owner = make_user()
    with app.test_request_context("/"):
        org = make_org(owner, members={person: "editor"})
        other = make_org(make_user())
        submission = make_submission(org=org, texts={"q1": "Kept text."}, author=person)
        add_comment(person, submission.section("q1"), "Kept comment.", None, None, now)
        organizations.request_to_join(person, other, "Please.", now)
        membership = org.membership_of(person)
        organizations.change_role(owner, membership, "viewer", now)
        record_event(owner, "user.role_changed", person, now=now, old="member", new="member")
        _db.session.commit()
        person_id = person.id
        assert person.username.encode() in _raw_files(path)  # the check can see it

        delete_account(person, PASSWORD, now)
        _db.session.commit()

        for column in _columns_pointing_to_accounts(_db.metadata):
            table, name = column.split(".")
            rows = _db.session.execute(
                _db.metadata.tables[table]
                .select()
                .where(_db.metadata.tables[table].c[name] == person_id)
            ).all()
            assert rows == [], column
        for event in _db.session.scalars(select(AuditEvent)):
            assert not (event.subject_type == "User" and event.subject_id == person_id)
            details = event.details or {}
            assert person_id not in (details.get("member"), details.get("user")), event.action
        # The person's own timeline is gone: one "created" per remaining account.
        created = _db.session.scalars(
            select(AuditEvent.subject_id).where(AuditEvent.action == "account.created")
        ).all()
        assert sorted(created) == sorted(_db.session.scalars(select(User.id)))
        for note in _db.session.scalars(select(Notification)):
            assert note.params.get("person_id") is None
            assert "Mail Tester" not in describe(note)
        # What the person wrote stays, by a former member.
        comment = _db.session.scalar(select(Comment))
        assert (comment.body, comment.author_id) == ("Kept comment.", None)
    raw = _raw_files(path)
    assert b"zq-mail-tester" not in raw
    assert b"Zq Mail Tester" not in raw
