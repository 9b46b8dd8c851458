"""Jobs say who runs them, so a job whose queue entry or process is gone can be found.

- `jobs.runner`: `rq` once Redis took the job, `process:<host>:<pid>` when the web process
  that made it runs it (no Redis, or Redis refused it); empty until it is handed over.
- `jobs.queued_at`: when it was last asked for (a first start or a retry).

Downgrading drops both columns: they are bookkeeping, not anyone's data.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runner', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('queued_at')
        batch_op.drop_column('runner')
