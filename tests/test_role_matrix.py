"""Every route, for every role, against one table of who may do what.

Refused requests must change nothing, so the refused roles share one world; each permitted
POST gets a fresh world, so a change made by one role cannot hide a refusal for the next.
Adding a route without adding it here fails the test.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule

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
    sign_in,
)

ROLES = ["visitor", "member", "viewer", "editor", "owner", "other_owner", "facilitator", "admin"]
SIGNED_IN = set(ROLES) - {"visitor"}
EVERYONE = set(ROLES)
ORG_MEMBERS = {"viewer", "editor", "owner"}
STAFF = {"facilitator", "admin"}
WRITERS = {"owner", "editor"}
NOBODY: set[str] = set()

# (endpoint, method) -> roles that are let through. Everyone else must be refused:
# 403, 404, 401, or (for visitors) a redirect to the sign-in page.
MATRIX: dict[tuple[str, str], set[str]] = {
    ("main.home", "GET"): EVERYONE,
    ("main.privacy", "GET"): EVERYONE,
    ("main.healthz", "GET"): EVERYONE,
    ("main.csrf_token", "GET"): EVERYONE,
    ("main.set_language", "POST"): EVERYONE,
    ("auth.sign_up", "GET"): EVERYONE,
    ("auth.sign_up", "POST"): EVERYONE,
    ("auth.sign_in", "GET"): EVERYONE,
    ("auth.sign_in", "POST"): EVERYONE,
    # Only reachable between the password and the code; without that step, back to sign-in.
    ("auth.second_factor", "GET"): NOBODY,
    ("auth.second_factor", "POST"): NOBODY,
    ("auth.sign_out", "POST"): EVERYONE,
    ("auth.sign_out_everywhere", "POST"): SIGNED_IN,
    ("auth.reset_request", "GET"): EVERYONE,
    ("auth.reset_request", "POST"): EVERYONE,
    ("auth.reset_with_token", "GET"): EVERYONE,
    ("auth.reset_with_token", "POST"): EVERYONE,
    ("auth.reset_with_recovery_code", "GET"): EVERYONE,
    ("auth.reset_with_recovery_code", "POST"): EVERYONE,
    ("auth.confirm_email", "GET"): EVERYONE,
    ("account.index", "GET"): SIGNED_IN,
    ("account.profile", "POST"): SIGNED_IN,
    ("account.email", "POST"): SIGNED_IN,
    ("account.password", "POST"): SIGNED_IN,
    ("account.two_factor_setup", "GET"): SIGNED_IN,
    ("account.two_factor_confirm", "POST"): SIGNED_IN,
    ("account.two_factor_disable", "POST"): SIGNED_IN,
    ("account.recovery_codes", "POST"): SIGNED_IN,
    ("account.export", "GET"): SIGNED_IN,
    ("account.delete", "POST"): SIGNED_IN,
    ("notifications.index", "GET"): SIGNED_IN,
    ("notifications.count", "GET"): SIGNED_IN,
    ("notifications.read", "POST"): {"owner"},
    ("notifications.read_all", "POST"): SIGNED_IN,
    ("organizations.directory", "GET"): EVERYONE,
    ("organizations.register", "GET"): SIGNED_IN,
    ("organizations.register", "POST"): SIGNED_IN,
    ("organizations.mine", "GET"): SIGNED_IN,
    ("organizations.profile", "GET"): EVERYONE,
    ("organizations.edit", "GET"): {"owner"},
    ("organizations.edit", "POST"): {"owner"},
    ("organizations.delete", "POST"): {"owner"},
    ("organizations.switch", "POST"): ORG_MEMBERS,
    ("organizations.members", "GET"): ORG_MEMBERS,
    ("organizations.change_role", "POST"): {"owner"},
    ("organizations.remove_member", "POST"): {"owner"},
    ("organizations.leave", "POST"): ORG_MEMBERS,
    ("organizations.invite", "POST"): {"owner"},
    ("organizations.revoke_invitation", "POST"): {"owner"},
    ("organizations.invitation", "GET"): EVERYONE,
    ("organizations.invitation", "POST"): EVERYONE,
    ("organizations.request_to_join", "POST"): {"member", "other_owner", "facilitator", "admin"},
    ("organizations.decide_request", "POST"): {"owner"},
    ("organizations.verification_queue", "GET"): STAFF,
    ("organizations.verify", "POST"): STAFF,
    ("organizations.reject", "POST"): STAFF,
    ("organizations.reject_form", "GET"): STAFF,
    ("admin.users", "GET"): {"admin"},
    ("admin.set_role", "POST"): {"admin"},
    ("consultations.index", "GET"): EVERYONE,
    ("consultations.view", "GET"): EVERYONE,
    ("consultations.participants", "GET"): EVERYONE,
    ("consultations.document", "GET"): EVERYONE,
    ("consultations.dashboard", "GET"): STAFF,
    ("consultations.reviews", "GET"): STAFF,
    ("consultations.edit_review", "GET"): STAFF,
    ("consultations.edit_review", "POST"): STAFF,
    ("consultations.create", "GET"): STAFF,
    ("consultations.create", "POST"): STAFF,
    ("consultations.edit", "GET"): STAFF,
    ("consultations.edit", "POST"): STAFF,
    ("consultations.publish", "POST"): STAFF,
    ("consultations.translation", "POST"): STAFF,
    ("consultations.add_question", "POST"): STAFF,
    ("consultations.edit_question", "GET"): STAFF,
    ("consultations.edit_question", "POST"): STAFF,
    ("consultations.move_question", "POST"): STAFF,
    ("consultations.delete_question", "POST"): STAFF,
    ("consultations.add_document", "POST"): STAFF,
    ("consultations.delete_document", "POST"): STAFF,
    ("consultations.staff", "GET"): {"admin"},
    ("consultations.staff", "POST"): {"admin"},
    ("consultations.remove_staff", "POST"): {"admin"},
    ("consultations.join", "POST"): {"owner"},
    ("consultations.leave", "POST"): {"owner"},
    ("consultations.invite", "GET"): STAFF,
    ("consultations.invite", "POST"): STAFF,
    ("consultations.invitation_link", "GET"): EVERYONE,
    ("consultations.invitation_link", "POST"): EVERYONE,
    ("submissions.start", "POST"): {"owner", "editor"},
    ("submissions.for_consultation", "GET"): STAFF,
    ("submissions.for_organization", "GET"): ORG_MEMBERS,
    ("submissions.view", "GET"): ORG_MEMBERS,
    ("submissions.details", "POST"): {"owner"},
    ("submissions.add_attachment", "POST"): WRITERS,
    ("submissions.attachment", "GET"): ORG_MEMBERS,
    ("submissions.delete_attachment", "POST"): WRITERS,
    ("submissions.section", "GET"): ORG_MEMBERS,
    ("submissions.save", "POST"): WRITERS,
    ("submissions.tags", "POST"): WRITERS,
    ("submissions.presence", "GET"): ORG_MEMBERS,
    ("submissions.history", "GET"): ORG_MEMBERS,
    ("submissions.restore", "POST"): WRITERS,
    ("submissions.comment", "POST"): WRITERS,
    ("submissions.resolve", "POST"): WRITERS,
    ("submissions.coauthors", "GET"): {"owner"},
    ("submissions.coauthors", "POST"): {"owner"},
    # The invited co-author organization's owner is not one of the walked roles.
    ("submissions.coauthor", "GET"): NOBODY,
    ("submissions.coauthor", "POST"): NOBODY,
    ("submissions.leave_coauthoring", "POST"): NOBODY,
    ("submissions.coauthor_link", "GET"): SIGNED_IN,
    ("submissions.coauthor_link", "POST"): SIGNED_IN,
    ("submissions.submit", "POST"): {"owner"},
    ("submissions.sign_off", "POST"): {"owner"},
    ("submissions.reopen", "POST"): {"owner"},
    ("submissions.withdraw", "POST"): {"owner"},
    ("submissions.accept", "POST"): STAFF,
    ("submissions.return_submission", "GET"): STAFF,
    ("submissions.return_submission", "POST"): STAFF,
    ("submissions.extend", "GET"): STAFF,
    ("submissions.extend", "POST"): STAFF,
    ("compilations.index", "GET"): EVERYONE,
    ("compilations.start", "POST"): STAFF,
    ("compilations.progress", "GET"): STAFF,
    ("compilations.retry_run", "POST"): STAFF,
    ("compilations.publish", "POST"): STAFF,
    # The world's file is a restricted edition: its consultation's staff only.
    ("compilations.download", "GET"): STAFF,
    # The world's submission is a draft: nobody may sign on to it yet.
    ("submissions.endorse", "POST"): NOBODY,
    ("submissions.withdraw_endorsement", "POST"): NOBODY,
    # The world's session is live; the target organization's three members registered.
    ("sessions.index", "GET"): EVERYONE,
    ("sessions.create", "GET"): STAFF,
    ("sessions.create", "POST"): STAFF,
    ("sessions.edit", "GET"): STAFF,
    ("sessions.edit", "POST"): STAFF,
    ("sessions.view", "GET"): EVERYONE,
    ("sessions.calendar_file", "GET"): EVERYONE,
    ("sessions.register", "POST"): ORG_MEMBERS,
    ("sessions.unregister", "POST"): SIGNED_IN,
    ("sessions.cancel", "POST"): STAFF,
    ("sessions.registrations", "GET"): STAFF,
    ("sessions.minutes", "GET"): ORG_MEMBERS | STAFF,
    ("sessions.minutes", "POST"): STAFF,
    ("sessions.publish_minutes", "POST"): STAFF,
    ("sessions.board", "GET"): ORG_MEMBERS | STAFF,
    ("sessions.live", "GET"): ORG_MEMBERS | STAFF,
    ("sessions.post", "POST"): ORG_MEMBERS,
    ("sessions.approve", "POST"): STAFF,
    ("sessions.pin", "POST"): STAFF,
    ("sessions.merge", "POST"): STAFF,
    ("sessions.taken", "POST"): STAFF,
    ("sessions.copy", "POST"): WRITERS,
    ("sessions.raise_hand", "POST"): ORG_MEMBERS,
    ("sessions.lower_hand", "POST"): ORG_MEMBERS,
    ("sessions.give_floor", "POST"): STAFF,
    ("sessions.end_turn", "POST"): STAFF,
    # The flagged target is the world's comment on a draft: its organization's members.
    ("moderation.code_of_conduct", "GET"): EVERYONE,
    ("moderation.flag", "GET"): ORG_MEMBERS,
    ("moderation.flag", "POST"): ORG_MEMBERS,
    ("moderation.queue", "GET"): STAFF,
    ("moderation.hide", "POST"): STAFF,
    ("moderation.unhide", "POST"): STAFF,
    ("moderation.dismiss", "POST"): STAFF,
    # The facilitator is the consultation's focal point; admins as such read no report.
    ("safeguarding.report", "GET"): EVERYONE,
    ("safeguarding.report", "POST"): EVERYONE,
    ("safeguarding.follow_up", "GET"): EVERYONE,
    ("safeguarding.follow_up", "POST"): EVERYONE,
    ("safeguarding.reporter_message", "POST"): EVERYONE,
    ("safeguarding.inbox", "GET"): {"facilitator"},
    ("safeguarding.read", "GET"): {"facilitator"},
    ("safeguarding.change_status", "POST"): {"facilitator"},
    ("safeguarding.reply", "POST"): {"facilitator"},
    ("safeguarding.focal_points", "GET"): {"admin"},
    ("safeguarding.focal_points", "POST"): {"admin"},
    ("safeguarding.remove_focal_point", "POST"): {"admin"},
    # Sealed reports: the world's member was proposed as a focal point by the admin; keys
    # need a second factor; the facilitator (no key) gets pages that say what to do.
    ("safeguarding.nominations_page", "GET"): SIGNED_IN,
    ("safeguarding.accept_nomination", "POST"): {"member"},
    ("safeguarding.decline_nomination", "POST"): {"member"},
    ("safeguarding.withdraw_nomination", "POST"): {"admin"},
    ("safeguarding.key", "GET"): STAFF,
    ("safeguarding.key", "POST"): STAFF,
    ("safeguarding.confirm_key", "POST"): STAFF,
    ("safeguarding.restore_key", "POST"): STAFF,
    ("safeguarding.replace_key", "POST"): STAFF,
    ("safeguarding.unlock", "GET"): STAFF,
    ("safeguarding.unlock", "POST"): STAFF,
    ("safeguarding.share", "POST"): {"facilitator"},
    ("safeguarding.evidence", "GET"): {"facilitator"},
    ("safeguarding.message_evidence", "GET"): {"facilitator"},
}

# GET routes that change something (a confirmation link is used up when opened).
CHANGING_GETS = {"auth.confirm_email"}

# Form data for routes whose refusal depends on what is posted (which organization).
POSTED = {
    "consultations.join": {"organization_id": "{org_id}"},
    "consultations.leave": {"organization_id": "{org_id}"},
    "consultations.invite": {"organization_id": "{org_id}"},
    "submissions.start": {"organization_id": "{org_id}"},
    "submissions.endorse": {"organization_id": "{other_org_id}", "attribution": "named"},
    "sessions.register": {"organization_id": "{org_id}"},
    "safeguarding.reporter_message": {"code": "{report_code}"},
    "safeguarding.share": {"user_id": "{co_focal_point_id}"},
}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


def build_world() -> World:
    world = World()
    for role in ("member", "viewer", "editor", "owner", "other_owner"):
        world.users[role] = make_user()
    world.users["facilitator"] = make_user(role="facilitator")
    world.users["admin"] = make_user(role="admin")
    users = world.users
    target = make_org(
        users["owner"], members={users["viewer"]: "viewer", users["editor"]: "editor"}
    )
    other_org = make_org(users["other_owner"])
    now = utcnow()
    consultation = make_consultation(facilitator=users["facilitator"])
    join_consultation(consultation, target)
    document = ConsultationDocument(file=_tiny_pdf(users["facilitator"]), title="Background")
    consultation.documents.append(document)
    staff_row = ConsultationStaff(user_id=users["facilitator"].id, role="un-reviewer")
    consultation.staff.append(staff_row)
    submission, extras = _submission_world(consultation, target, other_org, users)
    extras.update(_compilation_world(consultation))
    extras.update(_session_world(consultation, target, users, extras["comment_id"]))
    link_token = consultation_services.create_invitation_link(
        users["facilitator"], consultation, now
    )
    token = org_services.create_invitation(users["owner"], target, "viewer", now)
    applicant = make_user()
    db.session.add(JoinRequest(organization=target, user_id=applicant.id, created_at=now))
    note = notify(users["owner"], "org.verified", now, None, org=target.name)
    reset_token = issue_token(users["member"], "reset", now, org_services.INVITATION_LIFETIME)
    email_token = issue_token(
        users["member"], "email", now, org_services.INVITATION_LIFETIME, payload="new@example.org"
    )
    db.session.commit()
    world.values = {
        "org_id": target.id,
        "member_id": target.membership_of(users["editor"]).id,
        "invitation_id": db.session.query(Invitation.id).scalar(),
        "request_id": db.session.query(JoinRequest.id).scalar(),
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
        "staff_id": staff_row.id,
        "user_id": users["member"].id,
        "other_org_id": other_org.id,
        "submission_id": submission.id,
        "key": "q1",
        **extras,
    }
    return world


def _submission_world(consultation, target, other_org, users):
    """A draft by the target organization, with the things its routes act on."""
    from app.submissions import services as submission_services
    from app.submissions.comments import add_comment
    from app.submissions.models import Attachment, Coauthor, Endorsement

    now = utcnow()
    submission = make_submission(consultation, target, texts={"q1": "A first draft."})
    section = submission.section("q1")
    with app_request_context():
        comment = add_comment(users["owner"], section, "Needs a source.", None, None, now)
    submission.attachments.append(Attachment(file=_tiny_pdf(users["owner"]), title="Proof"))
    coauthor_org = make_org(make_user())
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


def _compilation_world(consultation):
    """A compilation run and a built version with one restricted file (no typesetting)."""
    from flask import current_app

    from app.compilations.models import Compilation, CompilationFile
    from app.jobs import JobRecord

    run = JobRecord(
        id="00000000-0000-0000-0000-000000000001",
        kind="compile",
        args=[],
        state="finished",
        fraction=1.0,
        subject_type="Consultation",
        subject_id=consultation.id,
    )
    db.session.add(run)
    folder = Path(current_app.config["COMPILATION_DIR"]) / "matrix"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "restricted.pdf").write_bytes(b"%PDF-1.4 matrix")
    compilation = Compilation(
        consultation_id=consultation.id, number=1, grouping="question", language="en", contents={}
    )
    compilation.files.append(
        CompilationFile(
            edition="restricted", format="pdf", path="matrix/restricted.pdf", size=15, sha256="0"
        )
    )
    db.session.add(compilation)
    db.session.commit()
    return {"job_id": run.id, "compilation_id": compilation.id, "file_id": compilation.files[0].id}


def _session_world(consultation, target, users, comment_id):
    """A live session with a board, published minutes, and a safety report."""
    from app.safeguarding import services as safety
    from app.safeguarding.models import FocalPointNomination, InstanceFocalPoint

    session = make_session(consultation, state="live")
    for role in ("viewer", "editor", "owner"):
        register_for(session, users[role], target)
    contribution = make_contribution(session, users["editor"], target)
    make_contribution(session, users["owner"], target)
    session.minutes, session.minutes_published_at = "Minutes.", utcnow()
    consultation.staff.append(
        ConsultationStaff(user_id=users["facilitator"].id, role="focal-point")
    )
    focal_point = InstanceFocalPoint(user_id=users["other_owner"].id)  # no second factor
    db.session.add(focal_point)
    co_focal_point = make_user(two_factor=True)  # a second focal point to share with
    consultation.staff.append(ConsultationStaff(user_id=co_focal_point.id, role="focal-point"))
    nomination = FocalPointNomination(user_id=users["member"].id, proposed_by_id=users["admin"].id)
    db.session.add(nomination)
    db.session.flush()
    with app_request_context():
        report, code = safety.submit_report(
            None, consultation, safety.ReportContent("Threatened."), True, utcnow()
        )
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
        "message_id": 1,
    }


def app_request_context():
    from flask import current_app

    return current_app.test_request_context("/")


def _tiny_pdf(by):
    import pikepdf

    from app.files.services import store_upload

    out = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(out)
    return store_upload(FileStorage(io.BytesIO(out.getvalue()), "doc.pdf"), by, utcnow())


def _cases():
    from app import create_app
    from app.config import TestConfig

    rules = create_app(TestConfig()).url_map.iter_rules()
    for rule in sorted(rules, key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield pytest.param(rule, method, id=f"{rule.endpoint}-{method}")


def _url(rule: Rule, world: World) -> str:
    def value(match):
        name = match.group("name")
        converter = match.group("converter") or ""
        if converter.startswith("any("):
            return converter[4:].split(",")[0].strip(" )")
        found = world.values[name]
        return str(found[rule.endpoint] if isinstance(found, dict) else found)

    return re.sub(r"<(?:(?P<converter>[^:>]+(?:\([^)]*\))?):)?(?P<name>\w+)>", value, rule.rule)


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303) and location.startswith("/sign-in")


@pytest.mark.parametrize(("rule", "method"), list(_cases()))
def test_route_answers_each_role_as_the_table_says(app, db, rule, method):
    key = (rule.endpoint, method)
    assert key in MATRIX, f"{key} is missing from the role matrix"
    allowed = MATRIX[key]
    # Refused roles first, in one world: a refusal must leave it unchanged.
    order = [r for r in ROLES if r not in allowed] + [r for r in ROLES if r in allowed]
    world, wrong, used = build_world(), [], False
    for role in order:
        if role in allowed and (method == "POST" or rule.endpoint in CHANGING_GETS):
            if used:
                _reset(db)
                world = build_world()
            used = True
        status, refused = _request(app, world, rule, method, role)
        if status >= 500 or refused == (role in allowed):
            wrong.append(f"{role}: {status}")
    assert not wrong, f"{key} answered against the table: {wrong}"


def _request(app, world, rule, method, role) -> tuple[int, bool]:
    client = app.test_client()
    if role != "visitor":
        sign_in(client, world.users[role])
    fields = POSTED.get(rule.endpoint, {}) if method == "POST" else {}
    data = {name: value.format(**world.values) for name, value in fields.items()}
    response = client.open(_url(rule, world), method=method, data=data)
    response.close()  # file downloads hold the file open until closed
    return response.status_code, _refused(response)


def _reset(db) -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def test_the_table_names_no_route_that_does_not_exist(app):
    existing = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert set(MATRIX) <= existing
