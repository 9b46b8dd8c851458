"""What submissions add to other areas' rules: leaving, deleting, exports."""

from __future__ import annotations

from sqlalchemy import select

from app.account.services import export_section
from app.consultations import services as consultation_services
from app.extensions import db
from app.files.models import StoredFile
from app.organizations import services as organization_services
from app.organizations.models import Membership, Organization
from app.submissions.models import Comment, EditingPresence, Revision, Section, SignOff, Submission
from app.submissions.states import SENT_OR_SIGNING_STATES, SubmissionState


def _has_submitted(consultation, org) -> bool:
    """An organization that sent its text cannot leave the consultation."""
    return bool(
        db.session.scalar(
            select(Submission.id).where(
                Submission.consultation_id == consultation.id,
                Submission.lead_organization_id == org.id,
                Submission.state.in_(SENT_OR_SIGNING_STATES - {SubmissionState.RETURNED}),
            )
        )
    )


def _question_answered(question) -> bool:
    return bool(
        db.session.scalar(
            select(Revision.id)
            .join(Section, Section.id == Revision.section_id)
            .where(Section.question_id == question.id)
            .limit(1)
        )
    )


def _organization_has_submissions(org) -> bool:
    return bool(
        db.session.scalar(select(Submission.id).where(Submission.lead_organization_id == org.id))
    )


consultation_services.LEAVE_CHECKS.append(_has_submitted)
consultation_services.QUESTION_IN_USE_CHECKS.append(_question_answered)
organization_services.DELETION_CHECKS.append(_organization_has_submissions)


def _at(moment) -> str | None:
    return moment.isoformat() if moment else None


def _references(user):
    """A submission as the export names it: its consultation, and only those of its
    organizations the person belongs to (never a co-author's members, DESIGN section 4)."""
    mine = set(
        db.session.scalars(select(Membership.organization_id).where(Membership.user_id == user.id))
    )
    known: dict[int, dict] = {}

    def reference(submission: Submission) -> dict:
        if submission.id not in known:
            orgs = [submission.lead_organization] + [c.organization for c in submission.coauthors]
            known[submission.id] = {
                "id": submission.id,
                "consultation": submission.consultation.title,
                "your_organizations": sorted({o.name for o in orgs if o.id in mine}),
                "state": submission.state,
            }
        return known[submission.id]

    return reference


def _question(section: Section) -> str:
    return section.question.text().get("text", "")


@export_section(
    "revisions.author_id",
    "comments.author_id",
    "sign_offs.user_id",
    "stored_files.uploaded_by_id",
    "editing_presence.user_id",
)
def writing_export(user):
    """Every revision they saved (a co-author's words appear only where their own revision
    holds them, as after a merge), their comments, sign-offs and uploads."""
    reference = _references(user)
    revisions = db.session.scalars(
        select(Revision).where(Revision.author_id == user.id).order_by(Revision.id)
    )
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    )
    sign_offs = db.session.scalars(
        select(SignOff).where(SignOff.user_id == user.id).order_by(SignOff.id)
    )
    uploads = db.session.scalars(
        select(StoredFile).where(StoredFile.uploaded_by_id == user.id).order_by(StoredFile.id)
    )
    editing = db.session.execute(
        select(Section.key, EditingPresence.seen_at)
        .join(Section, Section.id == EditingPresence.section_id)
        .where(EditingPresence.user_id == user.id)
    )
    return "writing", {
        "revisions": [_revision(r, reference) for r in revisions],
        "comments": [_comment(c, reference) for c in comments],
        "sign_offs": [_sign_off(s, reference) for s in sign_offs],
        "files_uploaded": [
            {"name": f.original_name, "kind": f.kind, "size": f.size, "at": _at(f.created_at)}
            for f in uploads
        ],
        "sections_open_now": [{"section": key, "seen_at": _at(at)} for key, at in editing],
    }


def _revision(revision: Revision, reference) -> dict:
    section = db.session.get_one(Section, revision.section_id)
    return {
        "id": revision.id,
        "submission": reference(section.submission),
        "section": section.key,
        "question": _question(section),
        "kind": revision.kind,
        "saved_at": revision.created_at.isoformat(),
        "based_on_revision": revision.base_revision_id,
        "text": revision.body,
    }


def _comment(comment: Comment, reference) -> dict:
    section = comment.section
    return {
        "id": comment.id,
        "submission": reference(section.submission),
        "section": section.key,
        "reply_to_comment": comment.parent_id,
        "quote": comment.quote,
        "text": comment.body,
        "at": comment.created_at.isoformat(),
        "resolved_at": _at(comment.resolved_at),
        "hidden_reason": comment.hidden_reason,
    }


def _sign_off(sign_off: SignOff, reference) -> dict:
    submission = db.session.get(Submission, sign_off.submission_id)
    org = db.session.get_one(Organization, sign_off.organization_id)
    return {
        "submission": reference(submission),
        "for_organization": org.name,
        "at": sign_off.signed_at.isoformat(),
    }
