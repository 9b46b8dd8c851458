"""An index for a consultation's submissions in the order they were started.

The facilitator's dashboard lists them 50 at a time by `created_at`; without the index
each page sorted every submission of the consultation (issue 19).

Revision ID: 0022
Revises: 0021
"""
from alembic import op


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_submissions_consultation_created',
        'submissions',
        ['consultation_id', 'created_at', 'id'],
    )


def downgrade():
    op.drop_index('ix_submissions_consultation_created', table_name='submissions')
