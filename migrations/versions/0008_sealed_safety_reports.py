"""Safety reports sealed to their focal points' keys; focal points by nomination only.

Adds focal points' key pairs (`focal_point_keys`: public key, private key wrapped under the
password and under the recovery key), nominations (`focal_point_nominations`), a report's
content key sealed per focal point (`report_envelopes`), the sealed columns of reports and
messages (with the reporter's code-derived public key and envelope, and evidence files),
and `account_sessions.unlocked_secret` (a private key locked under a key in the cookie).

The old encrypted columns `safety_reports.content` and `safety_messages.body` become
nullable: existing reports keep them until they are sealed, when a focal point they were
meant for enrols a key. Nothing is converted here (the server cannot seal to keys that do
not exist yet).

Downgrading refuses while anything is sealed or any key exists: the old schema cannot hold
sealed reports, and dropping them would silently destroy them.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('focal_point_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('password_kdf', sa.String(length=120), nullable=False),
    sa.Column('by_password', sa.LargeBinary(), nullable=False),
    sa.Column('recovery_kdf', sa.String(length=120), nullable=False),
    sa.Column('by_recovery_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_reset_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_focal_point_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_focal_point_keys')),
    sa.UniqueConstraint('user_id', name=op.f('uq_focal_point_keys_user_id'))
    )
    op.create_table('focal_point_nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_focal_point_nominations_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_focal_point_nominations_proposed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_focal_point_nominations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_focal_point_nominations'))
    )
    with op.batch_alter_table('focal_point_nominations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_focal_point_nominations_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_focal_point_nominations_user_id'), ['user_id'], unique=False)

    op.create_table('report_envelopes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sealed_key', sa.LargeBinary(), nullable=False),
    sa.Column('shared_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['safety_reports.id'], name=op.f('fk_report_envelopes_report_id_safety_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shared_by_id'], ['users.id'], name=op.f('fk_report_envelopes_shared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_envelopes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_envelopes')),
    sa.UniqueConstraint('report_id', 'user_id', name=op.f('uq_report_envelopes_report_id'))
    )
    with op.batch_alter_table('report_envelopes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_envelopes_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_envelopes_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('safety_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_content', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('reporter_kdf', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('reporter_public_key', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('reporter_envelope', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('evidence_file', sa.String(length=64), nullable=True))
        batch_op.alter_column('content', existing_type=sa.Text(), nullable=True)

    with op.batch_alter_table('safety_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_body', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('evidence_file', sa.String(length=64), nullable=True))
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=True)

    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unlocked_secret', sa.LargeBinary(), nullable=True))


def downgrade():
    refuse_data_loss(
        '0008',
        tables=('report_envelopes', 'focal_point_nominations', 'focal_point_keys', ),
        columns=(('account_sessions', 'unlocked_secret'), ('safety_messages', 'evidence_file'), ('safety_messages', 'sealed_body'), ('safety_reports', 'evidence_file'), ('safety_reports', 'reporter_envelope'), ('safety_reports', 'reporter_public_key'), ('safety_reports', 'reporter_kdf'), ('safety_reports', 'sealed_content'), ),
    )
    # Forced: sealed reports and messages have no plain text the older schema could hold.
    op.execute("DELETE FROM report_envelopes")
    op.execute("DELETE FROM safety_messages WHERE body IS NULL OR report_id IN "
               "(SELECT id FROM safety_reports WHERE content IS NULL)")
    op.execute("DELETE FROM safety_reports WHERE content IS NULL")
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.drop_column('unlocked_secret')

    with op.batch_alter_table('safety_messages', schema=None) as batch_op:
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('evidence_file')
        batch_op.drop_column('sealed_body')

    with op.batch_alter_table('safety_reports', schema=None) as batch_op:
        batch_op.alter_column('content', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('evidence_file')
        batch_op.drop_column('reporter_envelope')
        batch_op.drop_column('reporter_public_key')
        batch_op.drop_column('reporter_kdf')
        batch_op.drop_column('sealed_content')

    with op.batch_alter_table('report_envelopes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_envelopes_user_id'))
        batch_op.drop_index(batch_op.f('ix_report_envelopes_report_id'))

    op.drop_table('report_envelopes')
    with op.batch_alter_table('focal_point_nominations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_focal_point_nominations_user_id'))
        batch_op.drop_index(batch_op.f('ix_focal_point_nominations_consultation_id'))

    op.drop_table('focal_point_nominations')
    op.drop_table('focal_point_keys')
