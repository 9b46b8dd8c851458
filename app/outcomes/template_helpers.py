"""Labels for the outcome templates."""

from app.outcomes import bp
from app.outcomes.models import UPTAKE_LABELS


@bp.app_template_global()
def uptake_label(status: str) -> str:
    return str(UPTAKE_LABELS.get(status, status))


@bp.app_template_global()
def uptakes_of_submission(submission) -> list:
    """What the review did with this submission (its pages show it to whoever reads it)."""
    from app.outcomes.services import uptakes_of

    return uptakes_of([submission.id]).get(submission.id, [])


@bp.app_template_global()
def cite(submission, paragraph: int | None) -> str:
    """How a submission (and a paragraph of it) is cited in the compiled inputs."""
    from app.compilations.references import paragraph_reference, submission_reference

    if paragraph:
        return paragraph_reference(submission, paragraph)
    return submission_reference(submission)
