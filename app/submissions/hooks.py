"""What submissions add to other areas' rules: leaving, deleting, exports."""

from __future__ import annotations

from sqlalchemy import func, select

from app.account.services import export_section
from app.consultations import services as consultation_services
from app.extensions import db
from app.organizations import services as organization_services
from app.submissions.models import Revision, Section, Submission


def _has_submitted(consultation, org) -> bool:
    """An organization that sent its text cannot leave the consultation."""
    return bool(
        db.session.scalar(
            select(Submission.id).where(
                Submission.consultation_id == consultation.id,
                Submission.lead_organization_id == org.id,
                Submission.state.in_(("submitted", "accepted", "sign-off")),
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


@export_section
def writing_export(user):
    """Counts only: revision history never appears in any export."""
    count = db.session.scalar(select(func.count(Revision.id)).where(Revision.author_id == user.id))
    return "writing", {"saved_revisions": count}
