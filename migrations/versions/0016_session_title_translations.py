"""Translations of session titles: `consultation_sessions.title_texts`, {language: title}.

The title itself stays in the consultation's original language; readers of another language
see its translation when a facilitator gave one. Downgrading drops the translations, so it
refuses while any session has one, unless forced (app/migration_guard.py).

Revision ID: 0016
Revises: 0019
"""
from alembic import op
from app.migration_guard import DestructiveDowngrade, forced
import sqlalchemy as sa


revision = '0016'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_texts', sa.JSON(), nullable=False, server_default='{}'))


def downgrade():
    translated = op.get_bind().execute(
        sa.text("SELECT count(*) FROM consultation_sessions WHERE CAST(title_texts AS TEXT) <> '{}'")
    ).scalar()
    if translated and not forced():
        raise DestructiveDowngrade(
            f"Downgrading 0016 would delete data: the title translations of {translated} "
            "sessions. Nothing was changed. To delete them anyway: "
            "flask --app wsgi db downgrade -x force=1"
        )
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of the table would, on SQLite,
    # delete every board point and speaking request through their ON DELETE CASCADE.
    op.execute("ALTER TABLE consultation_sessions DROP COLUMN title_texts")
