"""The one place where permissions are decided: may(user, action, obj).

Routes call require(); templates call may(). Each action maps to one rule function that
takes the acting user (possibly anonymous) and the object, and answers True or False.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import abort
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.db import flushed_tables, written_table

Rule = Callable[[Any, Any], bool]
RULES: dict[str, Rule] = {}


def rule(*actions: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for action in actions:
            if action in RULES:
                raise RuntimeError(f"two rules for {action}")
            RULES[action] = fn
        return fn

    return register


def may(user, action: str, obj: Any = None) -> bool:
    try:
        check = RULES[action]
    except KeyError:
        raise LookupError(f"no policy rule for {action!r}") from None
    return bool(check(user, obj))


def require(user, action: str, obj: Any = None, *, hide: bool = False) -> None:
    """Stop the request unless allowed: 403, or 404 when even existence must stay hidden."""
    if not may(user, action, obj):
        abort(404 if hide else 403)


# --- Who someone is -----------------------------------------------------------------------


def signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_staff(user, role: str) -> bool:
    """A staff role only counts once the account has a second factor."""
    return signed_in(user) and user.role == role and user.has_two_factor


def is_admin(user) -> bool:
    return is_staff(user, "admin")


# --- Accounts -------------------------------------------------------------------------------


@rule("account.manage")
def _own_account(user, _obj) -> bool:
    return signed_in(user)


@rule("admin.access")
def _admin_area(user, _obj) -> bool:
    return is_admin(user)


# --- Organizations --------------------------------------------------------------------------


def member_role(user, org) -> str | None:
    if not signed_in(user) or org is None:
        return None
    membership = org.membership_of(user)
    return membership.role if membership else None


def is_facilitator(user) -> bool:
    return is_staff(user, "facilitator")


def facilitates_organization(user, org) -> bool:
    """A facilitator sees an organization waiting for verification, one they decided on,
    and (see consultations) one taking part in a consultation they run."""
    if not is_facilitator(user):
        return False
    if org.listed or org.verification == "pending" or org.verified_by_id == user.id:
        return True
    return _org_in_facilitated_consultation(user, org)


def verification_queue_filter(user):
    """SQL form of `facilitates_organization` for the verification queue: None for admins
    (who see every organization), else the organizations a facilitator may see there."""
    from app.organizations.models import Organization, Verification

    if is_admin(user):
        return None
    return (
        Organization.listed.is_(True)
        | (Organization.verification == Verification.PENDING)
        | (Organization.verified_by_id == user.id)
    )


def _org_in_facilitated_consultation(user, org) -> bool:
    from sqlalchemy import select

    from app.consultations.models import ConsultationStaff, Participation
    from app.extensions import db

    query = (
        select(Participation.id)
        .join(ConsultationStaff, ConsultationStaff.consultation_id == Participation.consultation_id)
        .where(
            Participation.organization_id == org.id,
            ConsultationStaff.user_id == user.id,
            ConsultationStaff.role == "facilitator",
        )
        .limit(1)
    )
    return db.session.scalar(query) is not None


@rule("notification.read")
def _own_notification(user, notification) -> bool:
    return signed_in(user) and notification.user_id == user.id


@rule("organization.register", "organization.mine", "notifications.view")
def _any_signed_in(user, _obj) -> bool:
    return signed_in(user)


@rule("organization.view")
def _view_organization(user, org) -> bool:
    if org.is_public or member_role(user, org) or is_admin(user):
        return True
    return facilitates_organization(user, org)


@rule("organization.view_members", "organization.leave", "organization.switch_to")
def _org_member(user, org) -> bool:
    return member_role(user, org) is not None


@rule("organization.edit", "organization.manage_members", "organization.delete")
def _org_owner(user, org) -> bool:
    return member_role(user, org) == "owner"


@rule("organization.request_to_join")
def _request_to_join(user, org) -> bool:
    return signed_in(user) and org.is_public and member_role(user, org) is None


@rule("organization.verify", "verification.queue")
def _verify(user, _org) -> bool:
    return is_facilitator(user) or is_admin(user)


@rule("organization.see_contact")
def _see_contact(user, org) -> bool:
    """Contact details: public for listed organizations, else members and staff only."""
    if org.listed and org.is_verified:
        return True
    return bool(member_role(user, org)) or facilitates_organization(user, org) or is_admin(user)


# --- Consultations --------------------------------------------------------------------------


def staffs(user, consultation, role: str) -> bool:
    """Assigned to this consultation in this role, with a second factor."""
    return is_staff(user, role) and user.id in consultation.staff_ids(role)


def runs(user, consultation) -> bool:
    return staffs(user, consultation, "facilitator") or is_admin(user)


@rule("consultation.view")
def _view_consultation(user, consultation) -> bool:
    if consultation.published:
        return True
    return runs(user, consultation) or staffs(user, consultation, "un-reviewer")


def sees_unpublished_consultations(user) -> bool:
    """Admins, and facilitators and UN reviewers (theirs): see `viewable_consultations`."""
    return is_admin(user) or is_staff(user, "facilitator") or is_staff(user, "un-reviewer")


def viewable_consultations(user):
    """The rule above as a SQL condition, for lists: published consultations, all of them
    for admins, and unpublished ones to their facilitators and UN reviewers."""
    from sqlalchemy import or_, select, true

    from app.consultations.models import Consultation, ConsultationStaff

    if is_admin(user):
        return true()
    roles = [role for role in ("facilitator", "un-reviewer") if is_staff(user, role)]
    if not roles:
        return Consultation.published.is_(True)
    staffed = select(ConsultationStaff.consultation_id).where(
        ConsultationStaff.user_id == user.id, ConsultationStaff.role.in_(roles)
    )
    return or_(Consultation.published.is_(True), Consultation.id.in_(staffed))


@rule("consultation.create", "review.manage")
def _create_consultation(user, _obj) -> bool:
    return is_facilitator(user) or is_admin(user)


@rule("consultation.edit", "consultation.dashboard", "consultation.invite")
def _run_consultation(user, consultation) -> bool:
    return runs(user, consultation)


@rule("consultation.read_submissions")
def _read_submissions(user, consultation) -> bool:
    return runs(user, consultation) or staffs(user, consultation, "un-reviewer")


@rule("consultation.manage_staff")
def _manage_staff(user, _consultation) -> bool:
    return is_admin(user)


def may_be_staff(person, role: str) -> bool:
    """Facilitators and UN reviewers of a consultation need that role on their account first
    (or are admins). Focal points are proposed and accept instead (app/safeguarding)."""
    return person is not None and person.role in {role, "admin"}


@rule("consultation.join")
def _join_consultation(user, pair) -> bool:
    """pair: (consultation, organization). Owners decide for their organization."""
    consultation, org = pair
    return consultation.published and member_role(user, org) == "owner"


# --- Submissions ----------------------------------------------------------------------------


def _roles_in(user, org_ids) -> set[str]:
    """The person's roles in any of these organizations."""
    if not signed_in(user):
        return set()
    return {m.role for m in _memberships(user) if m.organization_id in org_ids}


class MembershipRole(NamedTuple):
    organization_id: int
    role: str


def membership_roles_column(user_id):
    """The person's memberships as one column ("12:owner,40:editor"), for the statement that
    reads the signed-in account anyway (app/auth/sessions.py: load_user)."""
    from sqlalchemy import String, cast, select

    from app.db import joined_codes
    from app.organizations.models import Membership

    pair = cast(Membership.organization_id, String) + ":" + Membership.role
    return select(joined_codes(pair)).where(Membership.user_id == user_id).scalar_subquery()


def remember_memberships(user_id: int, joined: str | None) -> None:
    from flask import g, has_request_context

    if has_request_context():
        setattr(g, f"_memberships_{user_id}", _parse_memberships(joined))


def _parse_memberships(joined: str | None) -> list[MembershipRole]:
    pairs = (item.split(":", 1) for item in joined.split(",")) if joined else ()
    return [MembershipRole(int(org_id), role) for org_id, role in pairs]


def _forget_memberships() -> None:
    from flask import g, has_request_context

    if has_request_context():
        for key in [k for k in g if k.startswith("_memberships_")]:
            g.pop(key)


@event.listens_for(Session, "after_flush")
def _memberships_flushed(session, _flush_context) -> None:
    """A membership added, changed or removed in this request: the next permission question
    reads the memberships again (they were read with the account)."""
    if "memberships" in flushed_tables(session):
        _forget_memberships()


@event.listens_for(Session, "do_orm_execute")
def _memberships_written(orm_execute_state) -> None:
    """The same for statements that change rows without a flush (bulk DELETE, UPDATE)."""
    if written_table(orm_execute_state) == "memberships":
        _forget_memberships()


def _memberships(user) -> list[MembershipRole]:
    """The person's memberships: read with the signed-in account, or by one statement, once
    per request."""
    from flask import g, has_request_context
    from sqlalchemy import select

    from app.extensions import db

    key = f"_memberships_{user.id}"
    if has_request_context() and key in g:
        return g.get(key)
    found = _parse_memberships(db.session.scalar(select(membership_roles_column(user.id))))
    if has_request_context():
        setattr(g, key, found)
    return found


def writes(user, submission) -> bool:
    """A member (any role) of one of the organizations writing the submission."""
    return bool(_roles_in(user, submission.organization_ids()))


def _sent(submission) -> bool:
    from app.submissions.states import STAFF_VISIBLE_STATES

    return submission.state in STAFF_VISIBLE_STATES


@rule("submission.view")
def _view_submission(user, submission) -> bool:
    """The whole submission: who writes it, its history, comments and files. Its writers,
    and once sent, the facilitators who decide on it. Everyone else who may read it sees
    only its credit line (see the two rules below)."""
    if writes(user, submission):
        return True
    return _sent(submission) and runs(user, submission.consultation)


@rule("submission.read_restricted")
def _read_restricted(user, submission) -> bool:
    """The consultation's UN reviewers read sent texts as the restricted edition credits them."""
    return _sent(submission) and staffs(user, submission.consultation, "un-reviewer")


@rule("submission.read_public")
def _read_public(user, submission) -> bool:
    """Accepted, non-confidential texts, as the public edition credits them: owners of
    verified organizations read them, to decide whether to sign on."""
    if not submission.is_accepted or submission.effective_attribution() == "confidential":
        return False
    if not signed_in(user):
        return False
    owned = [m.organization_id for m in _memberships(user) if m.role == "owner"]
    return bool(owned) and _any_verified(owned)


def _any_verified(org_ids: list[int]) -> bool:
    from sqlalchemy import select

    from app.extensions import db
    from app.organizations.models import Organization, Verification

    verified = select(Organization.id).where(
        Organization.id.in_(org_ids), Organization.verification == Verification.VERIFIED
    )
    return db.session.scalar(select(verified.exists())) is True


@rule("submission.edit", "submission.comment")
def _edit_submission(user, submission) -> bool:
    return bool(_roles_in(user, submission.organization_ids()) & {"owner", "editor"})


def readable_edition(user, submission) -> str | None:
    """How this person may read a submission: "whole" (its writers, deciding staff), else the
    edition whose credit line is all they may learn about who wrote it ("restricted" for UN
    reviewers, "public" for others), or None when they may not read it at all."""
    if _view_submission(user, submission):
        return "whole"
    for edition in ("restricted", "public"):
        if may(user, f"submission.read_{edition}", submission):
            return edition
    return None


@rule("submission.read_comments")
def _read_comments(user, submission) -> bool:
    return _view_submission(user, submission)


@rule("submission.manage")
def _lead_owner(user, submission) -> bool:
    return "owner" in _roles_in(user, {submission.lead_organization_id})


@rule("submission.sign_off")
def _sign_off(user, submission) -> bool:
    return "owner" in _roles_in(user, submission.organization_ids())


@rule("submission.decide")
def _decide_submission(user, submission) -> bool:
    return runs(user, submission.consultation)


@rule("submission.start")
def _start_submission(user, pair) -> bool:
    """pair: (consultation, organization): an editor or owner of a joined organization."""
    consultation, org = pair
    participation = consultation.participation_of(org)
    joined = participation is not None and participation.joined
    return joined and member_role(user, org) in {"owner", "editor"}


@rule("coauthor.respond")
def _respond_to_coauthoring(user, coauthor) -> bool:
    return member_role(user, coauthor.organization) == "owner"


@rule("submission.endorse")
def _endorse(user, pair) -> bool:
    """pair: (submission, organization): an owner of a verified organization not writing it."""
    submission, org = pair
    return (
        submission.is_accepted
        and submission.effective_attribution() != "confidential"
        and org.is_verified
        and org.id not in submission.organization_ids()
        and member_role(user, org) == "owner"
    )


# --- Compilations ---------------------------------------------------------------------------


@rule("compilation.manage")
def _manage_compilations(user, consultation) -> bool:
    return runs(user, consultation)


@rule("compilation.download")
def _download_compilation_file(user, pair) -> bool:
    """pair: (consultation, file). Public files once published; restricted ones to the
    consultation's UN reviewers and facilitators only."""
    consultation, compilation_file = pair
    staff = runs(user, consultation) or staffs(user, consultation, "un-reviewer")
    if compilation_file.edition == "restricted":
        return staff
    return staff or compilation_file.compilation.published_at is not None


@rule("submission.see_downloads")
def _see_downloads(user, submission) -> bool:
    return bool(_roles_in(user, {submission.lead_organization_id}))


# --- Translations of accepted submissions ------------------------------------------------


def translates_for(user, consultation) -> bool:
    """Invited by a facilitator to translate this consultation's accepted texts."""
    from sqlalchemy import select

    from app.extensions import db
    from app.submission_translations.models import ConsultationTranslator

    if not signed_in(user):
        return False
    query = select(ConsultationTranslator.id).where(
        ConsultationTranslator.consultation_id == consultation.id,
        ConsultationTranslator.user_id == user.id,
    )
    return db.session.scalar(query.limit(1)) is not None


def takes_part_as_writer(user, consultation) -> bool:
    """An owner or editor of an organization that joined this consultation."""
    from sqlalchemy import select

    from app.consultations.models import Participation
    from app.extensions import db

    if not signed_in(user):
        return False
    org_ids = {m.organization_id for m in _memberships(user) if m.role in {"owner", "editor"}}
    if not org_ids:
        return False
    query = select(Participation.id).where(
        Participation.consultation_id == consultation.id,
        Participation.organization_id.in_(org_ids),
        Participation.state == "joined",
    )
    return db.session.scalar(query.limit(1)) is not None


@rule("translation.add")
def _add_translation(user, submission) -> bool:
    """Accepted texts: their own organizations' writers; for texts that are not confidential,
    also writers of any organization taking part, and the consultation's invited translators."""
    if submission.state != "accepted" or not signed_in(user):
        return False
    if _roles_in(user, submission.organization_ids()) & {"owner", "editor"}:
        return True
    if submission.effective_attribution() == "confidential":
        return False
    consultation = submission.consultation
    return translates_for(user, consultation) or takes_part_as_writer(user, consultation)


@rule("translation.view")
def _view_translation(user, translation) -> bool:
    """Whoever may translate the text, its writers, and the staff who read it whole or in the
    restricted edition (facilitators, UN reviewers)."""
    submission = translation.submission
    return (
        _add_translation(user, submission)
        or _view_submission(user, submission)
        or _read_restricted(user, submission)
    )


@rule("translation.edit")
def _edit_translation(user, translation) -> bool:
    """The person who started it, or writers of the organization credited with it, while they
    may still translate the text."""
    if not _add_translation(user, translation.submission):
        return False
    if translation.created_by_id == user.id:
        return True
    if translation.credit_kind == "organization" and translation.organization_id:
        return bool(_roles_in(user, {translation.organization_id}) & {"owner", "editor"})
    if translation.credit_kind == "authors":
        return bool(
            _roles_in(user, translation.submission.organization_ids()) & {"owner", "editor"}
        )
    return False


@rule("translation.check")
def _check_translation(user, translation) -> bool:
    """The submission's lead organization (owners and editors) or its facilitators."""
    submission = translation.submission
    if submission.state != "accepted":
        return False
    lead = _roles_in(user, {submission.lead_organization_id}) & {"owner", "editor"}
    return bool(lead) or runs(user, submission.consultation)


@rule("translations.list")
def _list_translatable(user, consultation) -> bool:
    """The list of accepted texts to translate: whoever may add a translation to them."""
    return (
        runs(user, consultation)
        or translates_for(user, consultation)
        or takes_part_as_writer(user, consultation)
    )


@rule("translators.manage")
def _manage_translators(user, consultation) -> bool:
    return runs(user, consultation)


# --- Outcomes ------------------------------------------------------------------------------


@rule("outcome.manage")
def _manage_outcome(user, consultation) -> bool:
    return runs(user, consultation)


@rule("outcome.record")
def _record_uptake(user, submission) -> bool:
    """What the review did with an accepted submission is recorded by its facilitators."""
    return submission.is_accepted and runs(user, submission.consultation)


@rule("outcome.read_all")
def _read_all_uptake(user, consultation) -> bool:
    """Staff see the uptake of every accepted submission; others only of public texts."""
    return runs(user, consultation) or staffs(user, consultation, "un-reviewer")


# --- Sessions and the live board ------------------------------------------------------------


def registered(user, session) -> bool:
    from app.sessions.queries import registration_of

    return signed_in(user) and registration_of(user, session) is not None


def _in_joined_organization(user, consultation) -> bool:
    from app.sessions.queries import joined_organizations

    return signed_in(user) and bool(joined_organizations(user, consultation))


@rule("session.view")
def _view_session(user, session) -> bool:
    return may(user, "consultation.view", session.consultation)


@rule("session.create")
def _create_session(user, consultation) -> bool:
    return runs(user, consultation)


@rule("session.manage", "board.moderate", "speaking.manage", "minutes.edit")
def _run_session(user, session) -> bool:
    return runs(user, session.consultation)


@rule("session.register")
def _register(user, session) -> bool:
    """Members of organizations taking part in the consultation."""
    return _in_joined_organization(user, session.consultation)


@rule("session.see_link", "board.view")
def _take_part(user, session) -> bool:
    return registered(user, session) or runs(user, session.consultation)


@rule("board.post", "speaking.raise")
def _registered_only(user, session) -> bool:
    return registered(user, session)


@rule("minutes.read")
def _read_minutes(user, session) -> bool:
    if runs(user, session.consultation):
        return True
    return session.minutes_published_at is not None and registered(user, session)


@rule("contribution.copy")
def _copy_contribution(user, contribution) -> bool:
    """Writers of the contributor's organization may take the point into its submission."""
    if contribution.organization_id is None:
        return False
    return bool(_roles_in(user, {contribution.organization_id}) & {"owner", "editor"})


# --- Moderation ------------------------------------------------------------------------------


@rule("moderation.flag")
def _flag(user, target) -> bool:
    """Anyone signed in who can see the text: a comment's readers, or a board point that is
    approved (or the person's own) on a board they may view."""
    if not signed_in(user):
        return False
    if target.kind == "comment":
        return _read_comments(user, target.obj.section.submission)
    if not _take_part(user, target.obj_session()):
        return False
    return target.obj.state == "approved" or target.obj.author_id == user.id


@rule("moderation.queue")
def _moderation_queue(user, consultation) -> bool:
    return runs(user, consultation)


@rule("moderation.act")
def _moderate(user, target) -> bool:
    return runs(user, target.consultation)


# --- Safeguarding ----------------------------------------------------------------------------


def instance_focal_point(user) -> bool:
    from app.safeguarding.queries import safety_roles

    return signed_in(user) and user.has_two_factor and safety_roles(user)[0]


def consultation_focal_point(user, consultation) -> bool:
    return (
        signed_in(user)
        and user.has_two_factor
        and consultation is not None
        and user.id in consultation.staff_ids("focal-point")
    )


@rule("safety.inbox")
def _safety_inbox(user, _obj) -> bool:
    from app.safeguarding.queries import safety_roles

    return signed_in(user) and user.has_two_factor and any(safety_roles(user))


@rule("safety.read")
def _read_safety_report(user, report) -> bool:
    """Only the focal points the report was meant for: never admins as such."""
    if report.for_instance:
        return instance_focal_point(user)
    return consultation_focal_point(user, report.consultation)


@rule("focal_points.manage")
def _manage_focal_points(user, _obj) -> bool:
    return is_admin(user)


@rule("focal_point.propose")
def _propose_focal_point(user, person) -> bool:
    """Admins propose focal points, never themselves: nobody can make themselves a reader.
    The person must then accept and enrol a key (app/safeguarding/nominations.py)."""
    return is_admin(user) and person is not None and person.id != user.id


@rule("nomination.withdraw")
def _withdraw_nomination(user, _nomination) -> bool:
    return is_admin(user)


@rule("nomination.respond")
def _respond_to_nomination(user, nomination) -> bool:
    return signed_in(user) and nomination.user_id == user.id


@rule("safety.nominations")
def _own_nominations(user, _obj) -> bool:
    return signed_in(user)


@rule("safety.key")
def _focal_point_key(user, _obj) -> bool:
    """Enrolling, unlocking or restoring a key needs a second factor, like reading reports."""
    return signed_in(user) and user.has_two_factor


@rule("safety.share")
def _share_safety_report(user, pair) -> bool:
    """pair: (report, person): between two focal points the report is meant for."""
    report, person = pair
    return _read_safety_report(user, report) and _read_safety_report(person, report)
