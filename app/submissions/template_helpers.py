"""Labels and helpers for the submission templates."""

from app.i18n import lazy_gettext as _l
from app.submissions import bp
from app.submissions.models import ATTRIBUTION_LABELS
from app.submissions.states import SUBMISSION_STATE_LABELS, SubmissionState
from app.text import word_count as _word_count

# Templates compare states by name (SubmissionState.ACCEPTED), never by a raw string.
bp.add_app_template_global(SubmissionState, "SubmissionState")

REVISION_KINDS = {
    "edit": _l("Saved"),
    "merge": _l("Merged with others' changes"),
    "restore": _l("Older text restored"),
    "conflict": _l("Overlapping change, kept aside"),
}


@bp.app_template_global()
def submission_state_label(state: str) -> str:
    return str(SUBMISSION_STATE_LABELS.get(state, state))


@bp.app_template_global()
def attribution_label(choice: str) -> str:
    return str(ATTRIBUTION_LABELS.get(choice, choice))


@bp.app_template_global()
def revision_kind_label(kind: str) -> str:
    return str(REVISION_KINDS.get(kind, kind))


@bp.app_template_global()
def word_count(text: str) -> int:
    return _word_count(text)


@bp.app_template_global()
def submission_of(consultation, org):
    """The organization's current submission (as lead) to a consultation, if any."""
    from sqlalchemy import select

    from app.extensions import db
    from app.submissions.models import Submission

    return db.session.scalar(
        select(Submission).where(
            Submission.consultation_id == consultation.id,
            Submission.lead_organization_id == org.id,
            Submission.state != SubmissionState.WITHDRAWN,
        )
    )
