"""Facilitated sessions, moderation and safeguarding.

Creates `consultation_sessions` with `session_registrations`, board `contributions` and
`speaking_requests`; `flags` (moderation); `safety_reports` and `safety_messages`
(reprisal reports) and `instance_focal_points`. Downgrading drops them, so it refuses while
any holds data (sessions, board points, flags, reports and focal points were once lost this
way), unless forced.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('instance_focal_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_instance_focal_points_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instance_focal_points')),
    sa.UniqueConstraint('user_id', name=op.f('uq_instance_focal_points_user_id'))
    )
    op.create_table('consultation_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('format', sa.String(length=12), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('meeting_link', sa.Text(), nullable=True),
    sa.Column('place', sa.Text(), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('minutes_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('board_version', sa.Integer(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_sessions_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_sessions'))
    )
    with op.batch_alter_table('consultation_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_sessions_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_flags_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_flags_reporter_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags'))
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_target_id'), ['target_id'], unique=False)

    op.create_table('safety_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('for_instance', sa.Boolean(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_safety_reports_consultation_id_consultations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_safety_reports_reporter_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_reports')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_safety_reports_code_hash'))
    )
    with op.batch_alter_table('safety_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_reports_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('contribution_type', sa.String(length=20), nullable=False),
    sa.Column('show_organization', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('taken_into_submission_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_contributions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['contributions.id'], name=op.f('fk_contributions_merged_into_id_contributions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_contributions_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['consultation_sessions.id'], name=op.f('fk_contributions_session_id_consultation_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['taken_into_submission_id'], ['submissions.id'], name=op.f('fk_contributions_taken_into_submission_id_submissions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributions'))
    )
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributions_session_id'), ['session_id'], unique=False)

    op.create_table('safety_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('from_focal_point', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['safety_reports.id'], name=op.f('fk_safety_messages_report_id_safety_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_messages'))
    )
    with op.batch_alter_table('safety_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_messages_report_id'), ['report_id'], unique=False)

    op.create_table('session_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_session_registrations_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['consultation_sessions.id'], name=op.f('fk_session_registrations_session_id_consultation_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_registrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_registrations')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_session_registrations_session_id'))
    )
    with op.batch_alter_table('session_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_registrations_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('speaking_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('floor_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['consultation_sessions.id'], name=op.f('fk_speaking_requests_session_id_consultation_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_speaking_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaking_requests'))
    )
    with op.batch_alter_table('speaking_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaking_requests_session_id'), ['session_id'], unique=False)



def downgrade():
    refuse_data_loss(
        '0006',
        tables=('speaking_requests', 'session_registrations', 'safety_messages', 'contributions', 'safety_reports', 'flags', 'consultation_sessions', 'instance_focal_points', ),
        columns=(),
    )
    with op.batch_alter_table('speaking_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaking_requests_session_id'))

    op.drop_table('speaking_requests')
    with op.batch_alter_table('session_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_session_registrations_session_id'))

    op.drop_table('session_registrations')
    with op.batch_alter_table('safety_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_messages_report_id'))

    op.drop_table('safety_messages')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributions_session_id'))

    op.drop_table('contributions')
    with op.batch_alter_table('safety_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_reports_consultation_id'))

    op.drop_table('safety_reports')
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flags_target_id'))
        batch_op.drop_index(batch_op.f('ix_flags_consultation_id'))

    op.drop_table('flags')
    with op.batch_alter_table('consultation_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_sessions_consultation_id'))

    op.drop_table('consultation_sessions')
    op.drop_table('instance_focal_points')
