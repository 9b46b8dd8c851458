"""One compilation per consultation at a time: asking again shows the one that runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.jobs import JobRecord
from app.timeutil import utcnow


@pytest.fixture
def jobs_wait(monkeypatch):
    """Started jobs stay queued, as when every worker is busy."""
    monkeypatch.setattr("app.jobs._dispatch", lambda _app, _record_id: None)


def _start(client, consultation):
    return client.post(
        f"/consultations/{consultation.slug}/compilations",
        data={"grouping": "question", "language": "en"},
    )


def _runs(db) -> list[JobRecord]:
    db.session.expire_all()
    return db.session.scalars(select(JobRecord).where(JobRecord.kind == "compile")).all()


def test_ten_starts_in_a_row_make_one_compilation(scenario, signed_in_client, db, jobs_wait):
    staff = signed_in_client(scenario.facilitator)
    first = _start(staff, scenario.consultation)
    assert first.status_code == 303
    for _again in range(9):
        again = _start(staff, scenario.consultation)
        assert again.status_code == 303
        assert again.headers["Location"] == first.headers["Location"]
    [run] = _runs(db)
    assert first.headers["Location"].endswith(f"/compilations/jobs/{run.id}")
    page = staff.get(first.headers["Location"]).get_data(as_text=True)
    assert "already running" in page


def test_a_stopped_run_does_not_block_a_new_one(scenario, signed_in_client, db, jobs_wait):
    staff = signed_in_client(scenario.facilitator)
    _start(staff, scenario.consultation)
    [stuck] = _runs(db)
    stuck.state, stuck.started_at = "running", utcnow() - timedelta(hours=2)  # its worker died
    db.session.commit()
    assert _start(staff, scenario.consultation).status_code == 303
    assert len(_runs(db)) == 2


def test_retrying_a_stopped_run_while_another_runs_shows_the_running_one(
    scenario, signed_in_client, db, jobs_wait
):
    staff = signed_in_client(scenario.facilitator)
    _start(staff, scenario.consultation)
    [failed] = _runs(db)
    failed.state = "failed"
    db.session.commit()
    started = _start(staff, scenario.consultation)
    slug = scenario.consultation.slug
    retried = staff.post(f"/consultations/{slug}/compilations/jobs/{failed.id}/retry")
    assert retried.headers["Location"] == started.headers["Location"]
    states = db.session.execute(
        select(JobRecord.state, func.count()).group_by(JobRecord.state)
    ).all()
    assert dict(states) == {"failed": 1, "queued": 1}
