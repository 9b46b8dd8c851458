"""E-mail retries; reminders e-mailed apart from shown; notifications name people by id.

- `outbox`: `attempts`, `next_attempt_at`, `failed_at` and `last_error` (the cause shown to
  admins, without addresses): a message that cannot be sent is tried again with pauses,
  then marked failed.
- `deadline_reminders.emailed_at` and `session_registrations.emailed`: a reminder counts as
  e-mailed only once it was handed to an outbox that sends it. Existing reminders are taken
  as e-mailed (as the old code did), so none is sent twice.
- `notifications.params`: `person` (a display name copied at the time) becomes `person_id`,
  named when shown. The name is matched to the account with that display name that is a
  member of, or asked to join, the organization the notification links to; with no such
  account (deleted) it is left out, and the notification says "a former member".
- `audit_events` of accounts deleted before this version: the account's own timeline (events
  about it with no actor left) is deleted, and other events about it or naming it in their
  details lose the link, as account deletion now does.

Downgrading drops the new columns (what they hold is bookkeeping, not anyone's data) and
puts display names back into notifications.

Revision ID: 0009
Revises: 0008
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PERSON_KINDS = ('org.join_requested', 'org.member_joined')
DETAIL_ACTIONS = (
    'membership.role_changed', 'membership.removed', 'join_request.approved',
    'join_request.refused', 'consultation.staff_assigned', 'safety.report_shared',
    'safety.focal_point_removed', 'safety.nomination_withdrawn',
)

notifications = sa.table(
    'notifications',
    sa.column('id', sa.Integer), sa.column('kind', sa.String), sa.column('params', sa.JSON),
    sa.column('link', sa.String),
)
audit_events = sa.table(
    'audit_events',
    sa.column('id', sa.Integer), sa.column('action', sa.String), sa.column('details', sa.JSON),
)


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_failed_at'), ['failed_at'], unique=False)

    with op.batch_alter_table('deadline_reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('session_registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emailed', sa.String(length=20), nullable=False, server_default=''))
    op.execute("UPDATE deadline_reminders SET emailed_at = sent_at")
    op.execute("UPDATE session_registrations SET emailed = reminded")

    connection = op.get_bind()
    _people_by_id(connection)
    _forget_deleted_accounts(connection)


def _people_by_id(connection):
    rows = connection.execute(
        sa.select(notifications.c.id, notifications.c.params, notifications.c.link)
        .where(notifications.c.kind.in_(PERSON_KINDS))
    ).all()
    for note_id, params, link in rows:
        if not params or 'person' not in params:
            continue
        params = dict(params)
        name = params.pop('person')
        params['person_id'] = _match(connection, name, link)
        connection.execute(
            notifications.update().where(notifications.c.id == note_id).values(params=params)
        )


def _match(connection, name, link):
    found = re.search(r'/organizations/(\d+)', link or '')
    if not found:
        return None
    ids = connection.execute(sa.text(
        "SELECT id FROM users WHERE display_name = :name AND ("
        " id IN (SELECT user_id FROM memberships WHERE organization_id = :org)"
        " OR id IN (SELECT user_id FROM join_requests WHERE organization_id = :org))"
    ), {'name': name, 'org': int(found.group(1))}).scalars().all()
    return ids[0] if len(ids) == 1 else None


def _forget_deleted_accounts(connection):
    gone = "subject_type = 'User' AND subject_id IS NOT NULL AND subject_id NOT IN (SELECT id FROM users)"
    op.execute(f"DELETE FROM audit_events WHERE {gone} AND actor_id IS NULL")
    op.execute(f"UPDATE audit_events SET subject_id = NULL WHERE {gone}")
    existing = set(connection.execute(sa.text("SELECT id FROM users")).scalars())
    rows = connection.execute(
        sa.select(audit_events.c.id, audit_events.c.details)
        .where(audit_events.c.action.in_(DETAIL_ACTIONS))
    ).all()
    for event_id, details in rows:
        details = dict(details or {})
        changed = False
        for key in ('member', 'user'):
            if details.get(key) is not None and details[key] not in existing:
                details[key], changed = None, True
        if changed:
            connection.execute(
                audit_events.update().where(audit_events.c.id == event_id).values(details=details)
            )


def downgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(notifications.c.id, notifications.c.params)
        .where(notifications.c.kind.in_(PERSON_KINDS))
    ).all()
    for note_id, params in rows:
        if not params or 'person_id' not in params:
            continue
        params = dict(params)
        person_id = params.pop('person_id')
        name = connection.execute(
            sa.text("SELECT display_name FROM users WHERE id = :id"), {'id': person_id}
        ).scalar() if person_id is not None else None
        params['person'] = name or 'a former member'
        connection.execute(
            notifications.update().where(notifications.c.id == note_id).values(params=params)
        )

    with op.batch_alter_table('session_registrations', schema=None) as batch_op:
        batch_op.drop_column('emailed')
    with op.batch_alter_table('deadline_reminders', schema=None) as batch_op:
        batch_op.drop_column('emailed_at')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_failed_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_next_attempt_at'))
        batch_op.drop_column('last_error')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
