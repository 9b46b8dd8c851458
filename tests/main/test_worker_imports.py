"""A web worker holds only what serving pages needs (issue 19: workers half the size).

The libraries for uploads (pikepdf, Pillow, lxml), compilations (python-docx, Typst),
password checks (zxcvbn), two-step sign-in set-up (segno) and migrations (alembic) load
where they are used, so a worker that only serves pages never holds them. They are about
50 MB per worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOADED_ON_USE = [
    "alembic",
    "flask_migrate",
    "zxcvbn",
    "pikepdf",
    "PIL",
    "lxml",
    "docx",
    "typst",
    "segno",
]


def _modules_after(code: str, tmp_path, **env: str) -> set[str]:
    environment = {k: v for k, v in os.environ.items() if k != "FLASK_RUN_FROM_CLI"}
    environment.update(INSTANCE_PATH=str(tmp_path), **env)
    environment.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}


def test_the_web_app_does_not_import_what_only_some_requests_use(tmp_path):
    loaded = _modules_after("import wsgi", tmp_path)
    assert "flask" in loaded and "sqlalchemy" in loaded  # the app was really imported
    assert loaded.isdisjoint(LOADED_ON_USE), sorted(loaded & set(LOADED_ON_USE))


def test_the_command_line_still_has_the_migration_commands(tmp_path):
    code = (
        "import os; os.environ['FLASK_RUN_FROM_CLI'] = 'true'\n"
        "import wsgi\n"
        "assert 'db' in wsgi.app.cli.commands and 'migrate' in wsgi.app.extensions"
    )
    assert "alembic" in _modules_after(code, tmp_path)
