"""Stable references: a submission's number within its consultation, and a document symbol.

Adds `submissions.reference_number` (given once, at acceptance, as the consultation's highest
number + 1; never reused, so a withdrawn submission leaves a gap) and
`consultations.document_symbol` (e.g. ESCAP/GCM/2027/INF/3, printed on every page of the
compiled input). Submissions accepted before this migration are numbered in the order they
were accepted (decision time, then id).

Revision ID: 0017
Revises: 0016
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and CREATE INDEX, never a batch rebuild: on SQLite, rebuilding
    # `submissions` (dropping the old table) would cascade deletes to its sections.
    op.add_column('submissions', sa.Column('reference_number', sa.Integer(), nullable=True))
    op.create_index(
        'ix_submissions_consultation_reference',
        'submissions',
        ['consultation_id', 'reference_number'],
        unique=True,
    )
    op.add_column('consultations', sa.Column('document_symbol', sa.String(length=80), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, consultation_id FROM submissions WHERE state = 'accepted' "
            "ORDER BY consultation_id, decided_at IS NULL, decided_at, id"
        )
    ).all()
    numbers: dict[int, int] = {}
    for submission_id, consultation_id in rows:
        numbers[consultation_id] = numbers.get(consultation_id, 0) + 1
        connection.execute(
            sa.text("UPDATE submissions SET reference_number = :n WHERE id = :id"),
            {"n": numbers[consultation_id], "id": submission_id},
        )


def downgrade():
    # Numbers given at acceptance (with the gaps of withdrawn texts) and the symbols typed by
    # facilitators cannot be made again exactly: refuse while any is stored, unless forced.
    refuse_data_loss(
        '0017',
        columns=(('submissions', 'reference_number'), ('consultations', 'document_symbol')),
    )
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later), again without a rebuild.
    op.drop_column('consultations', 'document_symbol')
    op.drop_index('ix_submissions_consultation_reference', table_name='submissions')
    op.drop_column('submissions', 'reference_number')
