"""Migration 0017 numbers the submissions accepted before references existed."""

import os
import sqlite3
import subprocess
import sys


def _flask(url, tmp_path, *args):
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_accepted_submissions_are_numbered_in_the_order_they_were_accepted(tmp_path):
    path = tmp_path / "old.sqlite"
    url = f"sqlite:///{path}"
    _flask(url, tmp_path, "upgrade", "0013")
    rows = [  # id, consultation, state, decided at
        (1, 1, "accepted", "2026-05-03 10:00:00"),
        (2, 1, "accepted", "2026-05-01 10:00:00"),
        (3, 1, "withdrawn", "2026-05-02 10:00:00"),
        (4, 2, "accepted", "2026-05-09 10:00:00"),
        (5, 1, "draft", None),
        (6, 1, "accepted", "2026-05-02 12:00:00"),
    ]
    with sqlite3.connect(path) as connection:
        for submission_id, consultation_id, state, decided in rows:
            connection.execute(
                "INSERT INTO submissions (id, consultation_id, lead_organization_id, language,"
                " attribution, state, decided_at, created_at)"
                " VALUES (?, ?, 1, 'en', 'named', ?, ?, '2026-04-01 00:00:00')",
                (submission_id, consultation_id, state, decided),
            )
    _flask(url, tmp_path, "upgrade", "head")
    with sqlite3.connect(path) as connection:
        numbers = dict(connection.execute("SELECT id, reference_number FROM submissions"))
    assert numbers == {1: 3, 2: 1, 3: None, 4: 1, 5: None, 6: 2}
