"""Translations on the reading pages and in search: `published_passages.translated_from`.

A checked translation of a published text becomes passages of its own, with the original's
reference, in the translation's language; `translated_from` holds the original's language
(None for the texts as written). The rows are derived (see 0019): after upgrading,
`flask --app wsgi reading reindex` adds the translations of versions published before.
Downgrading drops the column and the translation rows with it.

Revision ID: 0021
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('published_passages', sa.Column('translated_from', sa.String(length=8), nullable=True))


def downgrade():
    op.execute("DELETE FROM published_passages WHERE translated_from IS NOT NULL")
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would cascade into the passages'
    # objectives and places.
    op.execute("ALTER TABLE published_passages DROP COLUMN translated_from")
