"""Server-side sessions: one row per signed-in browser.

The session cookie now carries a random token whose hash must match a row here, so signing
out (or the idle timeout, or "sign out everywhere") makes a copied cookie worthless on every
process. The table keeps no address and no browser details. Downgrading drops the table:
everyone is signed out, nothing else is lost.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_sessions_token_hash'))
    )
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_sessions_last_seen_at'), ['last_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    refuse_data_loss(
        '0007',
        tables=('account_sessions', ),
        columns=(),
    )
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_account_sessions_last_seen_at'))

    op.drop_table('account_sessions')
