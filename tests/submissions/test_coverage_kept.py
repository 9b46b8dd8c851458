"""The dashboard's coverage of GCM objectives is kept up to date as sections change
(issue 19): counting every section on each view cost the dashboard most of its database
time at 1,000 submissions. Every way a count can change is checked against the count
made from the sections themselves."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from app.consultations.dashboard import dashboard_counts, dashboard_data
from app.extensions import db
from app.submissions import editing, services
from app.submissions.models import Section, SectionObjective, Submission
from app.timeutil import utcnow
from tests.factories import make_consultation, make_org, make_submission


def counted_from_sections(consultation) -> dict[int, int]:
    """What the kept counts must equal: sections with text, per objective, in submissions
    that are not withdrawn."""
    rows = db.session.execute(
        select(SectionObjective.number, func.count())
        .join(Section, Section.id == SectionObjective.section_id)
        .join(Submission, Submission.id == Section.submission_id)
        .where(
            Submission.consultation_id == consultation.id,
            Submission.state != "withdrawn",
            Section.current_revision_id.is_not(None),
        )
        .group_by(SectionObjective.number)
    )
    return dict(rows.tuples().all())


def section_counts_by_objective(consultation) -> dict[int, int]:
    return dashboard_counts(consultation).sections_by_objective


def assert_kept(consultation) -> None:
    db.session.expire_all()
    kept = section_counts_by_objective(consultation)
    assert kept == counted_from_sections(consultation)


@pytest.fixture
def consultation(db):
    return make_consultation(objectives=(6, 7), questions=2)


def test_the_dashboard_does_not_count_sections_on_each_view(consultation, count_queries):
    make_submission(consultation, make_org(), texts={"q1": "About recruitment."})
    with count_queries() as statements:
        data = dashboard_data(consultation, utcnow())
    assert any(number == 6 and count == 1 for number, _, count, _ in data.coverage)
    read = " ".join(statements).lower()
    assert "from section_objectives" not in read and "join sections" not in read


def test_a_first_text_saved_in_the_editor_counts(consultation):
    submission = make_submission(consultation, make_org())
    assert_kept(consultation)
    assert section_counts_by_objective(consultation) == {}
    section = submission.section("q1")
    author = submission.lead_organization.owners()[0].user
    editing.save_section(author, section.id, "First words.", None, utcnow())
    db.session.commit()
    assert_kept(consultation)
    assert section_counts_by_objective(consultation) != {}
    # A second save changes no count (and is not a reason to count again).
    base = db.session.get(Section, section.id).current_revision_id
    editing.save_section(author, section.id, "First words, and more.", base, utcnow())
    db.session.commit()
    assert_kept(consultation)


def test_objectives_chosen_for_a_section_count(consultation):
    submission = make_submission(consultation, make_org(), texts={"q1": "Text."})
    section = db.session.get(Section, submission.section("q1").id)
    section.set_objectives([1, 6, 23])
    db.session.commit()
    assert_kept(consultation)
    assert section_counts_by_objective(consultation).get(23) == 1
    section.set_objectives([])
    db.session.commit()
    assert_kept(consultation)
    assert 23 not in section_counts_by_objective(consultation)


def test_withdrawing_and_deleting_submissions_count(consultation):
    kept = make_submission(consultation, make_org(), texts={"q1": "Stays.", "q2": "Too."})
    gone = make_submission(consultation, make_org(), texts={"q1": "Withdrawn later."})
    assert_kept(consultation)
    services.withdraw(gone.lead_organization.owners()[0].user, gone, utcnow())
    db.session.commit()
    assert_kept(consultation)
    db.session.delete(db.session.get(Submission, kept.id))
    db.session.commit()
    assert_kept(consultation)
    assert section_counts_by_objective(consultation) == {}


def test_a_text_taken_away_counts(consultation):
    submission = make_submission(consultation, make_org(), texts={"q1": "Text."})
    section = db.session.get(Section, submission.section("q1").id)
    section.current_revision_id = None
    db.session.commit()
    assert_kept(consultation)
    assert section_counts_by_objective(consultation) == {}


def test_a_write_that_bypasses_the_objects_counts_again(consultation):
    """A bulk statement on the counted tables (none of the services writes one but the
    editor's, which keeps its own count) makes every consultation count again."""
    other = make_consultation(objectives=(6,), questions=1)
    make_submission(consultation, make_org(), texts={"q1": "Text."})
    make_submission(other, make_org(), texts={"q1": "Text."})
    db.session.execute(update(Submission).values(state="withdrawn"))
    db.session.commit()
    assert_kept(consultation)
    assert_kept(other)
    db.session.execute(delete(SectionObjective))
    db.session.commit()
    assert_kept(consultation)


def test_counts_of_a_rolled_back_change_stay_as_they_were(consultation):
    make_submission(consultation, make_org(), texts={"q1": "Text."})
    before = section_counts_by_objective(consultation)
    db.session.execute(update(Submission).values(state="withdrawn"))
    db.session.rollback()
    db.session.commit()
    assert section_counts_by_objective(consultation) == before
    assert_kept(consultation)


def test_the_demo_world_and_the_role_world_keep_every_count(db):
    """Every consultation of two whole worlds (built through the services, as people and
    the demo command make them) has the counts its sections give."""
    from app.consultations.models import Consultation
    from app.demo import build_demo_data
    from tests.world import build_world

    build_world()
    build_demo_data(orgs=6, submissions=12, password="a long demo password", now=utcnow())
    db.session.commit()
    consultations = db.session.scalars(select(Consultation)).all()
    assert sum(bool(counted_from_sections(c)) for c in consultations) >= 2
    for consultation in consultations:
        assert_kept(consultation)


def test_deleting_objects_whose_values_were_not_loaded_keeps_the_counts(consultation):
    """An object deleted without its values loaded (expired by a commit) is not read again
    while its deletion is flushed (it is gone by then): everything is counted instead."""
    submission = make_submission(consultation, make_org(), texts={"q1": "Text."})
    other = make_consultation(objectives=(6,), questions=1)
    make_submission(other, make_org(), texts={"q1": "Text."})
    db.session.commit()  # expires every object
    section = db.session.get(Section, submission.section("q1").id)
    db.session.commit()
    db.session.delete(section)  # expired: only its key is known
    db.session.commit()
    assert_kept(consultation)
    assert_kept(other)
    db.session.delete(submission)
    db.session.commit()
    assert_kept(consultation)
    assert section_counts_by_objective(consultation) == {}
