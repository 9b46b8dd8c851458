"""A web worker holds only what serving pages needs (issue 19: workers half the size).

The libraries for uploads (pikepdf, Pillow, lxml), compilations (python-docx, Typst),
password checks (zxcvbn), two-step sign-in set-up (segno) and migrations (alembic) load
where they are used, so a worker that only serves pages never holds them. They are about
50 MB per worker. So do, for about 3 MB more (bench/import_memory.py): SQLite (the
rate-limit store used while Redis does not answer), the XML library (the Atom feed) and the
merge libraries (saving a section that someone else changed meanwhile).

The app is configured like production: PostgreSQL (never connected to here), whose driver
is loaded anyway, so that SQLite is loaded only by what uses it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    "sqlite3",
    "xml",
    "pyexpat",
    "merge3",
    "patiencediff",
]
PRODUCTION_DATABASE = "postgresql+psycopg://gcm@127.0.0.1:1/never-connected"

# Each library's first use in a fresh worker: it loads, and the feature works.
FIRST_USES = {
    "sqlite3": (
        "from app.ratelimits import MachineStorage\n"
        "store = MachineStorage(path=os.path.join(os.environ['INSTANCE_PATH'], 'l', 'c.db'))\n"
        "assert store.incr('key', 60) == 1 and store.incr('key', 60) == 2\n"
        "assert store.base_exceptions[0].__module__ == 'sqlite3'"
    ),
    "xml": (
        "from app.api.atom import feed_document\n"
        "with wsgi.app.test_request_context():\n"
        "    document = feed_document([])\n"
        "assert b'<title>GCM consultations: published inputs</title>' in document"
    ),
    "merge3": (
        "from app.submissions.merge import merge_texts\n"
        "merged = merge_texts('one two three', 'one 2 three', 'one two 3')\n"
        "assert merged.text == 'one 2 3' and not merged.conflict"
    ),
}


def _modules_after(code: str, tmp_path, **env: str) -> set[str]:
    environment = {k: v for k, v in os.environ.items() if k != "FLASK_RUN_FROM_CLI"}
    environment.update(INSTANCE_PATH=str(tmp_path), **env)
    environment["DATABASE_URL"] = PRODUCTION_DATABASE
    script = f"import os, sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
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


@pytest.mark.parametrize("library", sorted(FIRST_USES))
def test_a_library_loaded_on_use_works_on_first_use(tmp_path, library):
    code = f"import wsgi\nassert {library!r} not in sys.modules\n{FIRST_USES[library]}"
    assert library in _modules_after(code, tmp_path)
