import json
import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select

from app.auth.models import User
from app.auth.passwords import verify_password
from app.demo import DEFAULT_PASSWORD


def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.data) == {
        "status": "ok",
        "database": "ok",
        "queue": "in-process",
    }


def test_healthz_reports_an_unreachable_queue(client, app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.config["REDIS_URL"] = None
    assert response.status_code == 503
    assert json.loads(response.data)["queue"] == "error"


def test_users_create_makes_an_account_that_can_sign_in(app, db, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "fac@example.org",
            "--password",
            "long enough pass phrase",
            "--role",
            "facilitator",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.role == "facilitator"))
    assert user.email == "fac@example.org"
    assert verify_password(user.password_hash, "long enough pass phrase")
    response = client.post(
        "/sign-in", data={"identifier": "fac@example.org", "password": "long enough pass phrase"}
    )
    assert response.status_code == 303


def test_users_create_refuses_weak_password_and_duplicate(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["users", "create", "--email", "a@example.org", "--password", "x"])
    assert weak.exit_code != 0 and "12 characters" in weak.output
    ok = ["users", "create", "--email", "a@example.org", "--password", "long enough pass phrase"]
    assert runner.invoke(args=ok).exit_code == 0
    assert "exists" in runner.invoke(args=ok).output


def test_demo_data_prints_accounts_and_is_deterministic(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert DEFAULT_PASSWORD in result.output
    assert "admin@demo.example.org" in result.output
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    assert admin.has_two_factor and admin.totp_secret in result.output
    assert runner.invoke(args=["demo-data", "--if-empty"]).exit_code == 0
    assert db.session.query(User).filter(User.username == "admin").count() == 1
    # Descriptions hold real paragraphs, not a literal backslash-n.
    from app.organizations.models import Organization

    descriptions = db.session.scalars(select(Organization.description)).all()
    assert descriptions and not any("\\n" in (text or "") for text in descriptions)
    assert any("\n\n" in (text or "") for text in descriptions)


@pytest.mark.parametrize(
    "command",
    [["users", "create"], ["demo-data"], ["rq", "worker"], ["db", "upgrade"], ["jobs", "recover"]],
)
def test_commands_have_help(app, command):
    result = app.test_cli_runner().invoke(args=[*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_migrations_build_exactly_the_models_schema(app, database_url, tmp_path):
    """Every schema change is a migration: upgrading an empty database gives the models."""
    from app.extensions import db
    from app.reading.models import include_in_schema_comparison

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    else:
        url = _fresh_postgres_database(database_url)
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": include_in_schema_comparison},
        )
        differences = compare_metadata(context, db.metadata)
    engine.dispose()
    assert differences == []


def _fresh_postgres_database(base_url: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"{url.database}_migrations"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)
