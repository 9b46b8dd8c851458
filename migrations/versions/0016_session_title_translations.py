"""Translations of session titles: `consultation_sessions.title_texts`, {language: title}.

The title itself stays in the consultation's original language; readers of another language
see its translation when a facilitator gave one. Downgrading drops the translations.

Revision ID: 0016
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_texts', sa.JSON(), nullable=False, server_default='{}'))


def downgrade():
    with op.batch_alter_table('consultation_sessions', schema=None) as batch_op:
        batch_op.drop_column('title_texts')
