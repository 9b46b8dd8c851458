"""The states of a submission, in the order they usually come."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class SubmissionState(StrEnum):
    DRAFT = "draft"
    SIGN_OFF = "sign-off"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


SUBMISSION_STATE_LABELS = {
    SubmissionState.DRAFT: _l("Draft"),
    SubmissionState.SIGN_OFF: _l("Waiting for sign-off"),
    SubmissionState.SUBMITTED: _l("Submitted"),
    SubmissionState.RETURNED: _l("Returned with feedback"),
    SubmissionState.ACCEPTED: _l("Accepted"),
    SubmissionState.WITHDRAWN: _l("Withdrawn"),
}
