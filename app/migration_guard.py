"""Downgrades never destroy data silently.

A migration's `downgrade()` that drops tables or columns first calls `refuse_data_loss`
with what it drops. When any of them holds data, it stops with a message that says what
would be lost and how to go on anyway:

    flask --app wsgi db downgrade -x force=1 REVISION
    ALLOW_DESTRUCTIVE_DOWNGRADE=1 flask --app wsgi db downgrade REVISION

Columns that only hold bookkeeping (retry counters, job runners) are not listed; each
migration's text says which.
"""

from __future__ import annotations

import logging
import os

import sqlalchemy as sa
from alembic import context, op

log = logging.getLogger("alembic.guard")


class DestructiveDowngrade(RuntimeError):
    """The downgrade would delete data and was not forced."""


def forced() -> bool:
    x_force = context.get_x_argument(as_dictionary=True).get("force") == "1"
    return x_force or os.environ.get("ALLOW_DESTRUCTIVE_DOWNGRADE") == "1"


def refuse_data_loss(
    revision: str,
    tables: tuple[str, ...] = (),
    columns: tuple[tuple[str, str], ...] = (),
) -> None:
    """Raise DestructiveDowngrade when a table in `tables` has rows, or a (table, column)
    in `columns` holds a value, unless the downgrade is forced."""
    connection = op.get_bind()
    losses = []
    for table in tables:
        rows = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
        if rows:
            losses.append(f"{table} ({rows} rows)")
    for table, column in columns:
        rows = connection.execute(
            sa.text(f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL")
        ).scalar()
        if rows:
            losses.append(f"{table}.{column} ({rows} values)")
    if not losses:
        return
    what = ", ".join(losses)
    if forced():
        log.warning("downgrading %s deletes, as forced: %s", revision, what)
        return
    raise DestructiveDowngrade(
        f"Downgrading {revision} would delete data: {what}. Nothing was changed. To delete "
        "it anyway, back up the database, then run `flask --app wsgi db downgrade -x force=1` "
        "(or set ALLOW_DESTRUCTIVE_DOWNGRADE=1)."
    )
