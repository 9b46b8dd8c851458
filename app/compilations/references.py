"""How the compiled inputs cite a submission and a paragraph of it, in every edition.

A submission's reference is fixed when it is first accepted: `S-014` is the fourteenth
submission accepted in its consultation, and stays `S-014` in the public and the
restricted edition and in every later version. A withdrawn submission keeps its number
unused (a gap), so no other text ever takes it. The full form names the consultation:
`AP-RR-2027/S-014`.

Paragraphs are numbered within their submission, from 1, across its sections in the order
of the guiding questions: `S-014 ¶3` is the third paragraph of S-014 whichever edition,
grouping or version it is read in.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from app.extensions import db


def consultation_code(consultation) -> str:
    """The consultation's part of a full reference: its address, in capitals."""
    return consultation.slug.upper()


def submission_reference(submission, *, full: bool = False) -> str:
    """`S-014` (or `AP-RR-2027/S-014` with full=True). A submission that was never
    accepted has no number: it is shown by its id as `S-?42`, which no accepted one uses."""
    number = submission.reference_number
    short = f"S-{number:03}" if number is not None else f"S-?{submission.id}"
    return f"{consultation_code(submission.consultation)}/{short}" if full else short


def paragraph_reference(submission, n: int, *, full: bool = False) -> str:
    """`S-014 ¶3`: the third paragraph of the submission."""
    return f"{submission_reference(submission, full=full)} ¶{n}"


def paragraph_range(first: int | None, last: int | None) -> str:
    """`¶1–7`, `¶4`, or an empty string for a submission without text."""
    if first is None or last is None:
        return ""
    return f"¶{first}" if first == last else f"¶{first}–{last}"


def assign_reference_number(submission) -> int:
    """The submission's number, given now if it has none (the consultation's highest + 1).

    The consultation's row is locked first (PostgreSQL), so two facilitators accepting at
    the same moment get different numbers; on SQLite a no-op write takes the database's
    write lock for the same effect."""
    from app.consultations.models import Consultation
    from app.submissions.models import Submission

    if submission.reference_number is not None:
        return submission.reference_number
    consultation_id = submission.consultation_id
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.connection().execute(
            update(Consultation)
            .where(Consultation.id == consultation_id)
            .values(id=Consultation.id)
        )
    db.session.execute(
        select(Consultation.id).where(Consultation.id == consultation_id).with_for_update()
    )
    highest = db.session.scalar(
        select(func.max(Submission.reference_number)).where(
            Submission.consultation_id == consultation_id
        )
    )
    submission.reference_number = (highest or 0) + 1
    db.session.flush()
    return submission.reference_number


def number_unnumbered(submissions) -> None:
    """Give a number to accepted submissions that have none (made before numbers existed,
    or put in the accepted state directly), in the order they were accepted."""
    missing = [s for s in submissions if s.reference_number is None]
    missing.sort(key=lambda s: (s.decided_at is None, s.decided_at or 0, s.id))
    for submission in missing:
        assign_reference_number(submission)
