"""Phase notices, and comments anchored to passages.

Adds `phase_notices` (which notice went out for which consultation: opened, deadline changed,
closed, compilation published, outcome recorded; keyed by a value such as the deadline, so
each goes out once), and on `comments` the context of the quoted passage (up to 32 characters
before and after it, as a W3C Web Annotation TextQuoteSelector) and the revision the comment
was made on. Downgrading drops them: the notices sent are forgotten (a rerun of
`consultations send-reminders` would send the recent ones again) and comments keep only
their quote; so it refuses while any is stored, unless forced (app/migration_guard.py).

Revision ID: 0020
Revises: 0014
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


revision = '0020'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('phase_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_phase_notices_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_notices')),
    sa.UniqueConstraint('consultation_id', 'kind', 'value', name=op.f('uq_phase_notices_consultation_id'))
    )
    with op.batch_alter_table('phase_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_notices_consultation_id'), ['consultation_id'], unique=False)

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_prefix', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('quote_suffix', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('quote_revision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_comments_quote_revision_id_revisions'), 'revisions', ['quote_revision_id'], ['id'], ondelete='SET NULL')


def downgrade():
    refuse_data_loss(
        '0020',
        tables=('phase_notices',),
        columns=(('comments', 'quote_prefix'), ('comments', 'quote_suffix')),
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comments_quote_revision_id_revisions'), type_='foreignkey')
        batch_op.drop_column('quote_revision_id')
        batch_op.drop_column('quote_suffix')
        batch_op.drop_column('quote_prefix')

    with op.batch_alter_table('phase_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_notices_consultation_id'))

    op.drop_table('phase_notices')
