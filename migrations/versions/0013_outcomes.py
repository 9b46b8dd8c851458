"""Outcomes: the review's outcome documents, and what it did with each submission.

Adds `outcome_documents` (title, symbol, date, link or file) and `uptakes` (per submission,
or per paragraph of it: reflected, partly, not taken up with a reason, or pending).
Downgrading drops both tables, so it refuses while either holds a row (pass
`-x force=1` to `flask db downgrade` to drop them anyway).

Revision ID: 0013
Revises: 0009
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


revision = '0013'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outcome_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('symbol', sa.String(length=80), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_outcome_documents_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_outcome_documents_file_id_stored_files'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_documents'))
    )
    with op.batch_alter_table('outcome_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_documents_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('uptakes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('paragraph', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome_reference', sa.String(length=120), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_uptakes_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['outcome_documents.id'], name=op.f('fk_uptakes_document_id_outcome_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_uptakes_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uptakes')),
    sa.UniqueConstraint('submission_id', 'paragraph', name=op.f('uq_uptakes_submission_id'))
    )
    with op.batch_alter_table('uptakes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_uptakes_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_uptakes_submission_id'), ['submission_id'], unique=False)


def downgrade():
    refuse_data_loss(
        '0013',
        tables=('uptakes', 'outcome_documents', ),
        columns=(),
    )
    with op.batch_alter_table('uptakes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_uptakes_submission_id'))
        batch_op.drop_index(batch_op.f('ix_uptakes_consultation_id'))

    op.drop_table('uptakes')
    with op.batch_alter_table('outcome_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_documents_consultation_id'))

    op.drop_table('outcome_documents')
