"""Canary data, and who may see each canary.

Every name and text below starts with "Canary", so a crawl can find them anywhere. A rule
says which personas may see a canary; with `alongside`, the canary is a leak only on a page
or file that also holds one of those markers (a listed organization's name is public in the
directory, but must never stand next to the text it wrote anonymously).

Personas (each one account, see `PERSONAS`): visitor; member (in no organization);
stranger_owner (owner of an unrelated verified organization, which may read accepted texts
to sign on, and which signs on anonymously); anon_owner (lead of an anonymous submission);
unlisted_owner (an unlisted organization co-authoring it, with a draft elsewhere);
conf_owner (lead of a confidential submission); named_owner (lead of a named one);
facilitator (runs the consultation); other_facilitator; reviewer (UN reviewer of it);
focal_point (its safeguarding focal point); translator (a volunteer a facilitator invited to
translate, who translates the anonymous text without showing their name); admin.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from sqlalchemy import delete, select

from app.auth.models import Role, User
from app.auth.services import create_account
from app.consultations import services as consultations
from app.consultations.models import Consultation, ConsultationStaff, Participation
from app.database import rowcount
from app.extensions import db
from app.organizations.models import Membership, Organization, Verification
from app.submissions.models import Coauthor, Endorsement, Revision, Submission
from app.submissions.states import SubmissionState

PREFIX = "canary-"
PERSONAS = {
    "member": Role.MEMBER,
    "stranger_owner": Role.MEMBER,
    "anon_owner": Role.MEMBER,
    "anon_writer": Role.MEMBER,
    "unlisted_owner": Role.MEMBER,
    "conf_owner": Role.MEMBER,
    "named_owner": Role.MEMBER,
    "facilitator": Role.FACILITATOR,
    "other_facilitator": Role.FACILITATOR,
    "reviewer": Role.UN_REVIEWER,
    "focal_point": Role.MEMBER,
    "translator": Role.MEMBER,
    "admin": Role.ADMIN,
}
# The people whose names are canaries; the others have plain names.
NAMED_PEOPLE = {
    "anon_writer": "Canary Person Anonymous Writer",
    "unlisted_owner": "Canary Person Unlisted Owner",
    "conf_owner": "Canary Person Confidential Writer",
    "translator": "Canary Person Volunteer Translator",
}
WRITERS_OF_ANONYMOUS = {"anon_owner", "anon_writer", "unlisted_owner"}
STAFF_WHO_KNOW = {"facilitator", "admin"}

ANONYMOUS_TEXT = "Canary anonymous text about wage theft at the border."
CONFIDENTIAL_TEXT = "Canary confidential testimony about a raid."
NAMED_TEXT = "Canary named text about recruitment fees."
DRAFT_TEXT = "Canary draft text not sent yet."
BOARD_TEXT = "Canary board point said without our name."
REPORT_TEXT = "Canary report text: an official asked for our names."
COMMENT_TEXT = "Canary comment between writers."
TRANSLATED_TEXT = "Canary translated text about wage theft."


@dataclass
class Account:
    username: str
    password: str
    totp_secret: str | None = None


@dataclass
class Rule:
    canary: str
    allowed: set[str]
    alongside: list[str] = field(default_factory=list)


@dataclass
class Plan:
    accounts: dict[str, Account]
    rules: list[Rule]
    seeds: list[str]

    def to_json(self) -> str:
        data = asdict(self)
        for rule in data["rules"]:
            rule["allowed"] = sorted(rule["allowed"])
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, raw: str) -> Plan:
        data = json.loads(raw)
        return cls(
            accounts={k: Account(**v) for k, v in data["accounts"].items()},
            rules=[Rule(r["canary"], set(r["allowed"]), r["alongside"]) for r in data["rules"]],
            seeds=data["seeds"],
        )


class Seeder:
    def __init__(self, now: datetime, password: str):
        self.now, self.password = now, password
        self.users: dict[str, User] = {}
        self.accounts: dict[str, Account] = {}

    def person(self, persona: str) -> User:
        username = PREFIX + persona.replace("_", "-") + "-" + secrets.token_hex(3)
        display = NAMED_PEOPLE.get(persona, f"Plain {persona.replace('_', ' ')}")
        user, _codes = create_account(
            username=username,
            display_name=display,
            password=self.password,
            role=PERSONAS[persona],
            # An address, so notifications go out by e-mail too (and are checked).
            email=f"{username}@canary.invalid",
            now=self.now,
        )
        account = Account(username=username, password=self.password)
        if PERSONAS[persona] != Role.MEMBER or persona == "focal_point":
            user.totp_secret = account.totp_secret = pyotp.random_base32()
        self.users[persona], self.accounts[persona] = user, account
        return user

    def organization(self, name: str, owner: str, *, listed=True, kind="ngo", country="PH"):
        org = Organization(
            name=name,
            kind=kind,
            listed=listed,
            verification=Verification.VERIFIED,
            verified_at=self.now,
            description="A canary organization for the safety self-check.",
            contact=f"{name.lower().replace(' ', '-')}@canary.invalid",
            created_at=self.now,
        )
        org.countries, org.languages = [country], ["en"]
        org.memberships = [Membership(user_id=self.users[owner].id, role="owner")]
        db.session.add(org)
        db.session.flush()
        return org


def seed_canaries(now: datetime, password: str) -> Plan:
    """Canary people, organizations, submissions, a compiled and published version, a live
    board and a safety report, all in a consultation of their own."""
    seed = Seeder(now, password)
    for persona in PERSONAS:
        seed.person(persona)
    db.session.flush()
    orgs = _organizations(seed)
    consultation = _consultation(seed, "Canary consultation")
    second = _consultation(seed, "Canary second consultation")
    for org in orgs.values():
        consultation.participations.append(
            Participation(organization_id=org.id, state="joined", joined_at=now)
        )
    second.participations.append(
        Participation(organization_id=orgs["unlisted"].id, state="joined", joined_at=now)
    )
    db.session.flush()
    submissions = _submissions(seed, consultation, second, orgs)
    compilation_id = _compile(seed, consultation)
    _outcome(seed, submissions)
    _board(seed, consultation, orgs)
    report_id = _report(seed, consultation)
    translation_id = _translation(seed, consultation, submissions["anonymous"])
    db.session.flush()
    return Plan(
        seed.accounts,
        _rules(),
        _seeds(consultation, second, orgs, submissions, report_id, compilation_id)
        + [
            f"/translations/{translation_id}",
            f"/consultations/{consultation.slug}/texts-to-translate",
        ],
    )


def _organizations(seed: Seeder) -> dict[str, Organization]:
    orgs = {
        "stranger": seed.organization("Canary Anonymous Endorser", "stranger_owner"),
        "anon": seed.organization(
            "Canary Anonymous Lead", "anon_owner", kind="trade-union", country="NP"
        ),
        "unlisted": seed.organization(
            "Canary Unlisted Group", "unlisted_owner", listed=False, country="TH"
        ),
        "conf": seed.organization(
            "Canary Confidential Lead", "conf_owner", kind="faith-based", country="KH"
        ),
        "named": seed.organization("Canary Named Network", "named_owner", country="ID"),
    }
    orgs["anon"].memberships.append(Membership(user_id=seed.users["anon_writer"].id, role="editor"))
    db.session.flush()
    return orgs


def _consultation(seed: Seeder, title: str) -> Consultation:
    from app.consultations.models import Review

    review = Review(
        level="regional",
        area_kind="region",
        area="asia-pacific",
        cycle="canary",
        convening_body="Canary convening body",
        created_at=seed.now,
    )
    facilitator = seed.users["facilitator" if title == "Canary consultation" else "admin"]
    consultation = consultations.create_consultation(
        facilitator,
        seed.now,
        review=review,
        title=title,
        description="A consultation made by the safety self-check.",
        original_language="en",
        accepted_languages=["en"],
        objectives=[6, 7],
        principles=["a"],
        timezone="Asia/Bangkok",
        opens_at=seed.now - timedelta(days=10),
        deadline_at=seed.now + timedelta(days=10),
        review_meeting_at=seed.now + timedelta(days=40),
        invitation_only=False,
    )
    consultations.add_question(consultation, "What happens to migrant workers?", "", [6], 500)
    consultation.published = True
    consultation.slug = PREFIX + consultation.slug
    if title == "Canary consultation":
        for persona, role in (("reviewer", "un-reviewer"), ("focal_point", "focal-point")):
            consultation.staff.append(ConsultationStaff(user_id=seed.users[persona].id, role=role))
    else:
        consultation.staff.append(
            ConsultationStaff(user_id=seed.users["other_facilitator"].id, role="facilitator")
        )
    db.session.flush()
    return consultation


def _submission(seed, consultation, org, author: str, text: str, state: str, attribution: str):
    from app.submissions.services import start_submission

    submission = start_submission(seed.users[author], consultation, org, seed.now)
    submission.attribution, submission.state = attribution, state
    if state == SubmissionState.ACCEPTED:
        submission.submitted_at = submission.decided_at = seed.now
    section = submission.sections[0]
    revision = Revision(
        section_id=section.id, author_id=seed.users[author].id, body=text, created_at=seed.now
    )
    db.session.add(revision)
    db.session.flush()
    section.current_revision_id = revision.id
    if state == SubmissionState.ACCEPTED:
        from app.compilations.references import assign_reference_number

        assign_reference_number(submission)
    return submission


def _submissions(seed: Seeder, consultation, second, orgs) -> dict[str, Submission]:
    from app.submissions.comments import add_comment

    anonymous = _submission(
        seed, consultation, orgs["anon"], "anon_writer", ANONYMOUS_TEXT, "accepted", "anonymous"
    )
    anonymous.coauthors.append(
        Coauthor(organization_id=orgs["unlisted"].id, state="accepted", attribution="anonymous")
    )
    db.session.flush()
    with current_app.test_request_context("/"):
        add_comment(
            seed.users["unlisted_owner"], anonymous.sections[0], COMMENT_TEXT, None, None, seed.now
        )
    confidential = _submission(
        seed,
        consultation,
        orgs["conf"],
        "conf_owner",
        CONFIDENTIAL_TEXT,
        "accepted",
        "confidential",
    )
    named = _submission(
        seed, consultation, orgs["named"], "named_owner", NAMED_TEXT, "accepted", "named"
    )
    named.endorsements.append(
        Endorsement(organization_id=orgs["stranger"].id, attribution="anonymous")
    )
    draft = _submission(
        seed, second, orgs["unlisted"], "unlisted_owner", DRAFT_TEXT, "draft", "named"
    )
    db.session.flush()
    return {"anonymous": anonymous, "confidential": confidential, "named": named, "draft": draft}


def _compile(seed: Seeder, consultation) -> int:
    from app.compilations.services import build_compilation, publish

    facilitator = seed.users["facilitator"]
    compilation = build_compilation(
        consultation, "question", "en", facilitator.id, None, lambda f, s: None, now=seed.now
    )
    publish(facilitator, compilation, seed.now)
    return compilation.id


def _outcome(seed: Seeder, submissions) -> None:
    """What the review did with the anonymous and the confidential texts."""
    from app.outcomes.services import set_uptake

    with current_app.test_request_context("/"):
        for name in ("anonymous", "confidential"):
            set_uptake(
                seed.users["facilitator"],
                submissions[name],
                seed.now,
                paragraph=None,
                status="not-taken-up",
                outcome_reference=None,
                reason=f"Canary reason given for the {name} text.",
                document=None,
            )


def _board(seed: Seeder, consultation, orgs) -> None:
    from app.sessions.models import ConsultationSession, Contribution, SessionRegistration

    session = ConsultationSession(
        consultation_id=consultation.id,
        title="Canary live session",
        starts_at=seed.now - timedelta(minutes=30),
        ends_at=seed.now + timedelta(hours=2),
        timezone="Asia/Bangkok",
        meeting_link="https://canary.invalid/room",
        created_at=seed.now,
    )
    db.session.add(session)
    db.session.flush()
    for persona, org in (
        ("anon_writer", "anon"),
        ("anon_owner", "anon"),
        ("stranger_owner", "stranger"),
        ("named_owner", "named"),
    ):
        db.session.add(
            SessionRegistration(
                session_id=session.id, user_id=seed.users[persona].id, organization_id=orgs[org].id
            )
        )
    db.session.add(
        Contribution(
            session_id=session.id,
            author_id=seed.users["anon_writer"].id,
            organization_id=orgs["anon"].id,
            body=BOARD_TEXT,
            show_organization=False,
            state="approved",
            created_at=seed.now,
        )
    )


def _report(seed: Seeder, consultation) -> int:
    """A report sealed to the focal point, who has a key (made as they would make it)."""
    from app.safeguarding.keys import confirm_key, create_key
    from app.safeguarding.services import ReportContent, submit_report

    focal_point = seed.users["focal_point"]
    _row, recovery_key, _private = create_key(focal_point, seed.password, seed.now)
    confirm_key(focal_point, recovery_key, seed.now)
    db.session.flush()

    with current_app.test_request_context("/"):
        report, _code = submit_report(
            None, consultation, ReportContent(REPORT_TEXT), True, seed.now
        )
    return report.id


def _translation(seed: Seeder, consultation, anonymous) -> int:
    """The invited volunteer translates the anonymous text, unnamed (not checked yet)."""
    from app.submission_translations import services as translations

    translator = seed.users["translator"]
    with current_app.test_request_context("/"):
        translations.invite_translator(
            seed.users["facilitator"], consultation, translator, seed.now
        )
        translation = translations.add_translation(
            translator, anonymous, "fr", "volunteer", None, False, seed.now
        )
        translations.save_section(
            translator, translation, anonymous.sections[0], TRANSLATED_TEXT, None, seed.now
        )
    return translation.id


def _rules() -> list[Rule]:
    writers = WRITERS_OF_ANONYMOUS | STAFF_WHO_KNOW
    # The unlisted organization also takes part in the second consultation.
    its_facilitators = writers | {"other_facilitator"}
    return [
        # People: only the organizations they write for, and the facilitators, know them.
        Rule("Canary Person Anonymous Writer", writers),
        Rule("Canary Person Unlisted Owner", its_facilitators),
        Rule("Canary Person Confidential Writer", {"conf_owner"} | STAFF_WHO_KNOW),
        # Organizations credited without their name, never next to what they wrote.
        Rule("Canary Unlisted Group", its_facilitators),
        Rule("canary-unlisted-group@canary.invalid", its_facilitators),
        Rule("Canary Unlisted Group", writers, alongside=[ANONYMOUS_TEXT]),
        Rule("Canary Anonymous Lead", writers, alongside=[ANONYMOUS_TEXT, BOARD_TEXT]),
        Rule(
            "Canary Confidential Lead",
            {"conf_owner"} | STAFF_WHO_KNOW,
            alongside=[CONFIDENTIAL_TEXT],
        ),
        Rule(
            "Canary Anonymous Endorser", {"stranger_owner"} | STAFF_WHO_KNOW, alongside=[NAMED_TEXT]
        ),
        # Texts that only some people read.
        Rule(CONFIDENTIAL_TEXT, {"conf_owner", "reviewer"} | STAFF_WHO_KNOW),
        Rule(DRAFT_TEXT, {"unlisted_owner"}),
        Rule(COMMENT_TEXT, writers),
        Rule(REPORT_TEXT, {"focal_point"}),
        # A translation: for whoever may translate or check the text, and UN reviewers.
        Rule(
            TRANSLATED_TEXT,
            writers | {"translator", "reviewer", "stranger_owner", "named_owner", "conf_owner"},
        ),
        # The volunteer chose not to show their name: only the staff who invited them know it.
        Rule("Canary Person Volunteer Translator", {"translator"} | STAFF_WHO_KNOW),
        # What the review did with a confidential text is not public either.
        Rule(
            "Canary reason given for the confidential text.",
            {"conf_owner", "reviewer"} | STAFF_WHO_KNOW,
        ),
        Rule(
            "Canary Anonymous Lead",
            writers,
            alongside=["Canary reason given for the anonymous text."],
        ),
    ]


def _seeds(consultation, second, orgs, submissions, report_id: int, compilation_id: int):
    """Where the crawl starts: the entry pages, and every canary object asked for by its id,
    as an attacker who guesses ids would."""
    pages = [
        "/",
        "/consultations",
        "/organizations",
        "/account",
        "/account/export",
        "/notifications",
        "/organizations/mine",
        "/safety/inbox",
        "/admin/users",
        f"/consultations/{consultation.slug}",
        f"/consultations/{consultation.slug}/participants",
        f"/consultations/{consultation.slug}/submissions",
        f"/consultations/{consultation.slug}/dashboard",
        f"/consultations/{consultation.slug}/compilations",
        f"/consultations/{consultation.slug}/outcome",
        f"/consultations/{consultation.slug}/sign-on",
        f"/consultations/{consultation.slug}/outcome.csv",
        f"/consultations/{consultation.slug}/outcome.json",
        f"/consultations/{second.slug}",
        f"/safety/reports/{report_id}",
        # Published inputs: reading, search (for every canary text) and open data.
        "/read",
        f"/read/consultations/{consultation.slug}",
        f"/read/consultations/{second.slug}",
        "/read/objectives/6",
        "/read/languages/en",
        "/read/places/PH",
        "/search?q=Canary",
        "/search?q=Canary+confidential+testimony",
        "/search?q=Canary+draft",
        "/search?q=Canary&consultation=" + consultation.slug,
        "/api/v1/compilations",
        f"/api/v1/compilations/{compilation_id}",
        f"/api/v1/outcomes/{consultation.slug}",
        f"/api/v1/outcomes/{second.slug}",
        "/api/v1/feed.atom",
    ]
    for submission in submissions.values():
        base = f"/submissions/{submission.id}"
        pages += [base, f"{base}/sections/q1", f"{base}/sections/q1/history"]
    for org in orgs.values():
        pages += [f"/organizations/{org.id}", f"/organizations/{org.id}/submissions"]
    return pages


def remove_canaries() -> int:
    """Delete every canary consultation (with its files and reports), organization and
    account; returns how many consultations, organizations and accounts went."""
    from pathlib import Path

    from app.compilations.models import Compilation, CompilationFile
    from app.consultations.models import Review
    from app.safeguarding.models import SafetyReport

    ids = list(
        db.session.scalars(select(Consultation.id).where(Consultation.slug.like(f"{PREFIX}%")))
    )
    folder = Path(current_app.config["COMPILATION_DIR"])
    paths = db.session.scalars(
        select(CompilationFile.path)
        .join(Compilation, Compilation.id == CompilationFile.compilation_id)
        .where(Compilation.consultation_id.in_(ids))
    )
    for path in paths:
        (folder / path).unlink(missing_ok=True)
    db.session.execute(delete(SafetyReport).where(SafetyReport.consultation_id.in_(ids)))
    removed = 0
    for statement in (
        delete(Consultation).where(Consultation.id.in_(ids)),
        delete(Review).where(Review.cycle == "canary"),
        delete(Organization).where(Organization.name.like("Canary %")),
        delete(User).where(User.username.like(f"{PREFIX}%")),
    ):
        removed += rowcount(db.session.execute(statement)) or 0
    return removed


def canary_accounts_exist() -> bool:
    return db.session.scalar(select(User.id).where(User.username.like(f"{PREFIX}%"))) is not None
