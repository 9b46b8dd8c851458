"""The states of a submission, in the order they usually come."""

from enum import StrEnum
from typing import Any

from app.i18n import lazy_gettext as _l


class SubmissionState(StrEnum):
    DRAFT = "draft"
    SIGN_OFF = "sign-off"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


# Its organizations can still change the text (within the dates: Submission.is_editable).
EDITABLE_STATES = frozenset({SubmissionState.DRAFT, SubmissionState.RETURNED})
# Sent to the consultation: its staff see it (a returned text stays visible to them).
STAFF_VISIBLE_STATES = frozenset(
    {SubmissionState.SUBMITTED, SubmissionState.RETURNED, SubmissionState.ACCEPTED}
)
# Out of drafting, on its way or sent: counted as taking part.
SENT_OR_SIGNING_STATES = STAFF_VISIBLE_STATES | {SubmissionState.SIGN_OFF}


SUBMISSION_STATE_LABELS: dict[str, Any] = {
    SubmissionState.DRAFT: _l("Draft"),
    SubmissionState.SIGN_OFF: _l("Waiting for sign-off"),
    SubmissionState.SUBMITTED: _l("Submitted"),
    SubmissionState.RETURNED: _l("Returned with feedback"),
    SubmissionState.ACCEPTED: _l("Accepted"),
    SubmissionState.WITHDRAWN: _l("Withdrawn"),
}
