"""How long filing, opening and following a sealed safety report take, with the Argon2id
costs the app ships with (app/config.py: SEAL_ARGON2_*), in process on this machine.

    PYTHONPATH=$PWD .venv/bin/python bench/safety.py [--runs N] [--focal-points N]

Each figure is a whole request through Flask's test client (form, Argon2id, sealing, SQL on
a SQLite file, notifications), without a network in between. Target: under 300 ms for
filing and for opening.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nacl.pwhash import argon2id

from app import create_app
from app.config import Config, TestConfig
from app.extensions import db

SHIPPED = {
    name: getattr(Config, name)
    for name in dir(Config)
    if name.startswith(("SEAL_ARGON2_", "ARGON2_"))
}


def _timed(action, runs: int, warm: bool = True) -> list[float]:
    """Milliseconds per run, after one untimed run (templates compiled, caches filled)."""
    if warm:
        action()
    figures = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        figures.append((time.perf_counter() - started) * 1000)
    return figures


def _line(label: str, figures: list[float]) -> None:
    print(
        f"{label:<50} median {statistics.median(figures):6.1f} ms"
        f"   min {min(figures):6.1f}   max {max(figures):6.1f}   (n={len(figures)})"
    )


def _kdf(ops: int, mem: int) -> None:
    argon2id.kdf(32, b"correct horse battery staple", b"s" * 16, opslimit=ops, memlimit=mem)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--focal-points", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gcm-bench-safety-"))
    app = create_app(
        TestConfig(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.sqlite'}",
            UPLOAD_DIR=str(folder / "uploads"),
            RATELIMIT_ENABLED=False,
            **SHIPPED,
        )
    )
    with app.app_context():
        db.create_all()
        _run(app, args.runs, args.focal_points)


def _run(app, runs: int, focal_points: int) -> None:
    from app.consultations.models import ConsultationStaff
    from app.safeguarding.models import SafetyReport
    from tests.factories import enrol_key, make_consultation, make_user, sign_in_with_password

    c = app.config
    print(
        f"Argon2id (libsodium): password {c['SEAL_ARGON2_PASSWORD_OPSLIMIT']} passes over "
        f"{c['SEAL_ARGON2_PASSWORD_MEMLIMIT'] >> 20} MiB; code and recovery key "
        f"{c['SEAL_ARGON2_CODE_OPSLIMIT']} passes over {c['SEAL_ARGON2_CODE_MEMLIMIT'] >> 20} MiB"
    )
    _line(
        "Argon2id, password cost (once per sign-in)",
        _timed(
            lambda: _kdf(c["SEAL_ARGON2_PASSWORD_OPSLIMIT"], c["SEAL_ARGON2_PASSWORD_MEMLIMIT"]),
            runs,
        ),
    )
    _line(
        "Argon2id, code cost (filing, following)",
        _timed(lambda: _kdf(c["SEAL_ARGON2_CODE_OPSLIMIT"], c["SEAL_ARGON2_CODE_MEMLIMIT"]), runs),
    )
    consultation = make_consultation()
    people = []
    for _ in range(focal_points):
        person = make_user(two_factor=True)
        person.recovery_codes_plain = list(person.recovery_codes_plain)
        consultation.staff.append(ConsultationStaff(user_id=person.id, role="focal-point"))
        db.session.commit()
        enrol_key(person)
        people.append(person)
    reporter = app.test_client()
    codes: list[str] = []

    def file_report():
        answer = reporter.post(
            "/safety/report",
            data={"consultation": consultation.slug, "what_happened": "Threatened. " * 40},
        )
        codes.append(re.search(r"<code>([A-Z0-9-]{24})</code>", answer.get_data(as_text=True))[1])

    _line(
        f"file a report (sealed to {focal_points} focal points + code)", _timed(file_report, runs)
    )
    reader = app.test_client()
    _line(
        "sign in, password then second factor",
        _timed(lambda: sign_in_with_password(reader, people[0]), 1, warm=False),
    )
    report_id = db.session.scalar(db.select(SafetyReport.id).order_by(SafetyReport.id))

    def open_report():
        assert reader.get(f"/safety/reports/{report_id}").status_code == 200

    _line("open a report (focal point, unlocked)", _timed(open_report, runs))

    def follow():
        assert reporter.post("/safety/follow-up", data={"code": codes[0]}).status_code == 200

    _line("follow a report with the code (reporter)", _timed(follow, runs))


if __name__ == "__main__":
    main()
