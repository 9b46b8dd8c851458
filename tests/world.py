"""One small world with a person in every role, for the attack suite (role matrix, fuzzing).

Roles, each a separate account:
  visitor            not signed in
  member             signed in, in no organization
  viewer/editor/owner  of the target organization, which writes a draft submission
  coauthor           owner of an organization invited to co-author that draft
  other_owner        owner of an unrelated, listed, verified organization
  unlisted_owner     owner of an unlisted organization (also a general focal point, but
                     without a second factor, so that role must give nothing)
  facilitator        runs the target consultation (with a second factor)
  other_facilitator  runs another consultation, not this one
  un_reviewer        UN reviewer of the target consultation
  focal_point        safeguarding focal point of the target consultation (an ordinary
                     account with a second factor: a trusted person from civil society)
  admin              operator of the instance

`snapshot()` and `restore()` put the database and the stored files back as they were, so
one world serves many requests, each of which may change it.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from werkzeug.datastructures import FileStorage

from app.auth.tokens import issue_token
from app.consultations import services as consultation_services
from app.consultations.models import ConsultationDocument, ConsultationStaff
from app.extensions import db
from app.notifications.services import notify
from app.organizations import services as org_services
from app.organizations.models import Invitation, JoinRequest
from app.timeutil import utcnow
from tests.factories import (
    join_consultation,
    make_consultation,
    make_contribution,
    make_org,
    make_session,
    make_submission,
    make_user,
    register_for,
)

ROLES = [
    "visitor",
    "member",
    "viewer",
    "editor",
    "owner",
    "coauthor",
    "other_owner",
    "unlisted_owner",
    "facilitator",
    "other_facilitator",
    "un_reviewer",
    "focal_point",
    "admin",
]
# Staff accounts have a second factor, and so does the focal point (reading reports needs it).
SECOND_FACTOR = {"facilitator", "other_facilitator", "un_reviewer", "focal_point", "admin"}
STAFF_ACCOUNTS = {
    "facilitator": "facilitator",
    "other_facilitator": "facilitator",
    "un_reviewer": "un-reviewer",
    "admin": "admin",
}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


def build_world(users: dict | None = None) -> World:
    """The world; with `users`, the same people again around new objects (a mirror world
    whose objects nobody of the first world is related to)."""
    world = World()
    if users is None:
        for role in ROLES[1:]:
            account_role = STAFF_ACCOUNTS.get(role, "member")
            world.users[role] = make_user(role=account_role, two_factor=role in SECOND_FACTOR)
        mirror = False
    else:
        world.users = dict(users)
        mirror = True
    people = world.users if not mirror else _strangers()
    _objects(world, people, mirror)
    return world


def _strangers() -> dict:
    """People who hold the roles in a mirror world: related to nothing in the first one."""
    people = {}
    for role in ROLES[1:]:
        account_role = STAFF_ACCOUNTS.get(role, "member")
        people[role] = make_user(role=account_role, two_factor=role in SECOND_FACTOR)
    return people


def _objects(world: World, people: dict, mirror: bool) -> None:
    now = utcnow()
    target = make_org(
        people["owner"], members={people["viewer"]: "viewer", people["editor"]: "editor"}
    )
    other_org = make_org(people["other_owner"])
    make_org(people["unlisted_owner"], listed=False)
    consultation = make_consultation(facilitator=people["facilitator"], languages=("en", "ar"))
    make_consultation(facilitator=people["other_facilitator"])
    join_consultation(consultation, target)
    document = ConsultationDocument(file=tiny_pdf(people["facilitator"]), title="Background")
    consultation.documents.append(document)
    outcome = _outcome_document(consultation, people["facilitator"])
    staff_row = ConsultationStaff(user_id=people["un_reviewer"].id, role="un-reviewer")
    consultation.staff.append(staff_row)
    submission, extras = _submission_world(consultation, target, other_org, people)
    extras.update(_compilation_world(consultation, "mirror" if mirror else "matrix"))
    extras.update(_session_world(consultation, target, people, extras["comment_id"]))
    extras.update(_translation_world(consultation, target, people))
    link_token = consultation_services.create_invitation_link(
        people["facilitator"], consultation, now
    )
    token = org_services.create_invitation(people["owner"], target, "viewer", now)
    applicant = make_user()
    db.session.add(JoinRequest(organization=target, user_id=applicant.id, created_at=now))
    note = notify(people["owner"], "org.verified", now, None, org=target.name)
    reset_token = issue_token(people["member"], "reset", now, org_services.INVITATION_LIFETIME)
    email_token = issue_token(
        people["member"], "email", now, org_services.INVITATION_LIFETIME, payload="n@example.org"
    )
    db.session.commit()
    world.values = {
        "org_id": target.id,
        "member_id": target.membership_of(people["editor"]).id,
        "invitation_id": db.session.scalar(
            select(Invitation.id).where(Invitation.organization_id == target.id)
        ),
        "request_id": db.session.scalar(
            select(JoinRequest.id).where(JoinRequest.organization_id == target.id)
        ),
        "notification_id": note.id,
        "token": {
            "organizations.invitation": token,
            "auth.reset_with_token": reset_token,
            "auth.confirm_email": email_token,
            "consultations.invitation_link": link_token,
            "submissions.coauthor_link": extras.pop("coauthor_token"),
        },
        "slug": consultation.slug,
        "review_id": consultation.review_id,
        "question_id": consultation.questions[0].id,
        "document_id": document.id,
        "outcome_document_id": outcome.id,
        "staff_id": staff_row.id,
        "user_id": people["member"].id,
        "other_org_id": other_org.id,
        # Translations are added to an accepted submission, the draft takes the rest.
        "submission_id": PerEndpoint(
            submission.id, {"translations.add": extras.pop("accepted_id")}
        ),
        "key": "q1",
        "objective": 6,
        "place": "PH",
        "language": "ar",
        **extras,
    }


class PerEndpoint(dict):
    """A URL value that differs for some endpoints: {endpoint: value}, else the default."""

    def __init__(self, default, by_endpoint: dict):
        super().__init__(by_endpoint)
        self.default = default

    def __missing__(self, _endpoint):
        return self.default


def _translation_world(consultation, target, people):
    """An accepted submission led by the target organization, its translation into French
    started by the world's member, whom the facilitator invited to translate."""
    from app.submission_translations.models import (
        ConsultationTranslator,
        TranslatedSection,
        Translation,
        TranslationRevision,
    )

    accepted = make_submission(
        consultation,
        make_org(),
        texts={"q1": "An accepted text.\n\nIts second paragraph."},
        state="accepted",
    )
    accepted.lead_organization_id = target.id  # the draft is the target's other submission
    translation = Translation(
        submission_id=accepted.id,
        language="fr",
        created_by_id=people["member"].id,
        credit_kind="volunteer",
        status="unchecked",
    )
    db.session.add(translation)
    db.session.flush()
    section = accepted.section("q1")
    translated = TranslatedSection(translation_id=translation.id, section_id=section.id, version=1)
    db.session.add(translated)
    db.session.flush()
    revision = TranslationRevision(
        translated_section_id=translated.id,
        author_id=people["member"].id,
        source_revision_id=section.current_revision_id,
        body="Un texte accepté.\n\nSon second paragraphe.",
    )
    db.session.add(revision)
    db.session.flush()
    translated.current_revision_id = revision.id
    row = ConsultationTranslator(consultation_id=consultation.id, user_id=people["member"].id)
    db.session.add(row)
    db.session.commit()
    return {"translation_id": translation.id, "translator_id": row.id, "accepted_id": accepted.id}


def _outcome_document(consultation, facilitator):
    from datetime import date

    from app.outcomes.models import OutcomeDocument

    outcome = OutcomeDocument(
        consultation=consultation,
        title="Chair's summary",
        issued_on=date(2027, 3, 1),
        file=tiny_pdf(facilitator),
    )
    db.session.add(outcome)
    return outcome


def _submission_world(consultation, target, other_org, users):
    """A draft by the target organization, with the things its routes act on."""
    from app.submissions import services as submission_services
    from app.submissions.comments import add_comment
    from app.submissions.models import Attachment, Coauthor, Endorsement

    now = utcnow()
    submission = make_submission(consultation, target, texts={"q1": "A first draft."})
    section = submission.section("q1")
    with current_app.test_request_context("/"):
        comment = add_comment(users["owner"], section, "Needs a source.", None, None, now)
    submission.attachments.append(Attachment(file=tiny_pdf(users["owner"]), title="Proof"))
    coauthor_org = make_org(users["coauthor"])
    submission.coauthors.append(Coauthor(organization_id=coauthor_org.id, state="invited"))
    submission.endorsements.append(Endorsement(organization_id=other_org.id))
    token = submission_services.create_coauthor_link(users["owner"], submission, now)
    db.session.commit()
    return submission, {
        "comment_id": comment.id,
        "attachment_id": submission.attachments[0].id,
        "coauthor_id": submission.coauthors[0].id,
        "endorsement_id": submission.endorsements[0].id,
        "revision_id": section.current_revision_id,
        "coauthor_token": token,
    }


def _compilation_world(consultation, folder_name: str):
    """A compilation run and a built version with one restricted file (no typesetting)."""
    from uuid import uuid4

    from app.compilations.models import Compilation, CompilationFile
    from app.jobs import JobRecord

    run = JobRecord(
        id=str(uuid4()),
        kind="compile",
        args=[],
        state="finished",
        fraction=1.0,
        subject_type="Consultation",
        subject_id=consultation.id,
    )
    db.session.add(run)
    folder = Path(current_app.config["COMPILATION_DIR"]) / folder_name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "restricted.pdf").write_bytes(b"%PDF-1.4 matrix")
    compilation = Compilation(
        consultation_id=consultation.id, number=1, grouping="question", language="en", contents={}
    )
    compilation.files.append(
        CompilationFile(
            edition="restricted",
            format="pdf",
            path=f"{folder_name}/restricted.pdf",
            size=15,
            sha256="0",
        )
    )
    db.session.add(compilation)
    db.session.commit()
    return {"job_id": run.id, "compilation_id": compilation.id, "file_id": compilation.files[0].id}


def _session_world(consultation, target, users, comment_id):
    """A live session with a board, published minutes, and a sealed safety report."""
    from app.safeguarding import services as safety
    from app.safeguarding.models import FocalPointNomination, InstanceFocalPoint
    from tests.factories import enrol_key

    session = make_session(consultation, state="live")
    for role in ("viewer", "editor", "owner"):
        register_for(session, users[role], target)
    contribution = make_contribution(session, users["editor"], target)
    make_contribution(session, users["owner"], target)
    session.minutes, session.minutes_published_at = "Minutes.", utcnow()
    co_focal_point = make_user(two_factor=True)  # a second focal point, to share with
    for person in (users["focal_point"], co_focal_point):
        consultation.staff.append(ConsultationStaff(user_id=person.id, role="focal-point"))
        enrol_key(person)
    unlisted = users["unlisted_owner"]  # a general focal point without a second factor
    focal_point = InstanceFocalPoint(user_id=unlisted.id)
    db.session.add(focal_point)
    nomination = FocalPointNomination(user_id=users["member"].id, proposed_by_id=users["admin"].id)
    db.session.add(nomination)
    db.session.flush()
    with current_app.test_request_context("/"):
        report, code = safety.submit_report(
            None, consultation, safety.ReportContent("Threatened."), True, utcnow()
        )
        opened = safety.open_for_reporter(report, code, utcnow())
        safety.add_reporter_message(opened, "More.", utcnow(), None)
    db.session.commit()
    return {
        "session_id": session.id,
        "contribution_id": contribution.id,
        "target_id": comment_id,
        "report_id": report.id,
        "report_code": code,
        "focal_point_id": focal_point.id,
        "co_focal_point_id": co_focal_point.id,
        "nomination_id": nomination.id,
        "message_id": report.messages[-1].id,
    }


def tiny_pdf(by):
    import pikepdf

    from app.files.services import store_upload

    out = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(out)
    return store_upload(FileStorage(io.BytesIO(out.getvalue()), "doc.pdf"), by, utcnow())


# --- Putting the world back ----------------------------------------------------------------

# Bookkeeping that any request may change: the session row a test sign-in adds.
IGNORED_TABLES = {"account_sessions"}


@dataclass
class Snapshot:
    rows: dict
    files: dict


def _tables():
    return db.metadata.sorted_tables


def database_rows() -> dict:
    """Every row of every table (but bookkeeping), as comparable data."""
    with db.engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
            for table in _tables()
            if table.name not in IGNORED_TABLES
        }


def _file_dirs() -> list[Path]:
    return [Path(current_app.config[name]) for name in ("UPLOAD_DIR", "COMPILATION_DIR")]


def snapshot(tmp: Path) -> Snapshot:
    db.session.commit()
    with db.engine.connect() as connection:
        rows = {
            table.name: [dict(row._mapping) for row in connection.execute(table.select())]
            for table in _tables()
        }
    files = {}
    for number, folder in enumerate(_file_dirs()):
        copy = tmp / f"files-{number}"
        shutil.rmtree(copy, ignore_errors=True)
        if folder.exists():
            shutil.copytree(folder, copy)
        files[folder] = copy
    return Snapshot(rows, files)


def restore(saved: Snapshot) -> None:
    """Put the rows and files back. Columns that close a cycle of foreign keys (use_alter)
    are written after every row exists."""
    db.session.remove()
    later: list[tuple] = []
    with db.engine.begin() as connection:
        for table in reversed(_tables()):
            connection.execute(table.delete())
        for table in _tables():
            cyclic = [c.name for c in table.columns if any(fk.use_alter for fk in c.foreign_keys)]
            rows = saved.rows[table.name]
            if not rows:
                continue
            first = [{**row, **dict.fromkeys(cyclic, None)} for row in rows]
            connection.execute(table.insert(), first)
            later += [(table, cyclic, row) for row in rows if any(row[c] for c in cyclic)]
        for table, cyclic, row in later:
            key = table.primary_key.columns.values()[0]
            connection.execute(
                table.update().where(key == row[key.name]).values({c: row[c] for c in cyclic})
            )
        # Sessions count as active from now, however long ago the world was built.
        connection.execute(
            db.metadata.tables["account_sessions"].update().values(last_seen_at=utcnow())
        )
    for folder, copy in saved.files.items():
        shutil.rmtree(folder, ignore_errors=True)
        if copy.exists():
            shutil.copytree(copy, folder)
    _forget_kept_pages()


@dataclass
class PreparedWorld:
    """A world and its mirror, with a signed-in cookie for each role, ready in the database."""

    user_ids: dict
    cookies: dict
    values: dict
    mirror_values: dict
    saved: Snapshot


_PREPARED: dict[str, PreparedWorld] = {}


def prepared_world(folder: Path) -> PreparedWorld:
    """Build the worlds once per test process, then put them back for each test: building
    takes a second, putting back a few hundredths."""
    from app.auth.sessions import SESSION_TOKEN, open_account_session

    key = str(db.engine.url)
    found = _PREPARED.get(key)
    if found is not None:
        restore(found.saved)
        return found
    world = build_world()
    mirror = build_world(world.users)
    cookies = {}
    for role, user in world.users.items():
        token = open_account_session(user, utcnow())
        cookies[role] = {"_user_id": user.get_id(), "_fresh": True, SESSION_TOKEN: token}
    db.session.commit()
    found = PreparedWorld(
        user_ids={role: user.id for role, user in world.users.items()},
        cookies=cookies,
        values=world.values,
        mirror_values=mirror.values,
        saved=snapshot(folder),
    )
    _PREPARED[key] = found
    return found


class Writes:
    """The tables written to and committed while the block runs (bookkeeping aside)."""

    _WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)

    def __init__(self) -> None:
        self.committed: set[str] = set()
        self._pending: dict[int, set[str]] = {}

    def __enter__(self) -> Writes:
        engine = db.engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)
        return self

    def __exit__(self, *_exc) -> None:
        engine = db.engine
        event.remove(engine, "before_cursor_execute", self._statement)
        event.remove(engine, "commit", self._commit)
        event.remove(engine, "rollback", self._rollback)

    def _statement(self, conn, _cursor, statement, _params, _context, _many) -> None:
        match = self._WRITE.match(statement)
        if match and match.group(1) not in IGNORED_TABLES:
            self._pending.setdefault(id(conn), set()).add(match.group(1))

    def _commit(self, conn) -> None:
        self.committed |= self._pending.pop(id(conn), set())

    def _rollback(self, conn) -> None:
        self._pending.pop(id(conn), None)


def _forget_kept_pages() -> None:
    from app.pagecache import PUBLIC, STAFF

    cache = current_app.extensions.get("pagecache")
    if cache is not None:
        cache.store.bump({PUBLIC, STAFF})
