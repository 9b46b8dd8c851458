"""Reviews, consultations and stored files.

Creates `reviews` (local, national, regional, global), `consultations` with their languages,
GCM objectives, guiding questions, staff, documents, invitation links and deadline
reminders, `participations` (organizations taking part) and `stored_files` (uploads, cleaned
of metadata). Downgrading drops them, so it refuses while any holds data, unless forced.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('area_kind', sa.String(length=10), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('cycle', sa.String(length=20), nullable=False),
    sa.Column('convening_body', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_area'), ['area'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_level'), ['level'], unique=False)

    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('original_language', sa.String(length=8), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('principles', sa.JSON(), nullable=False),
    sa.Column('invitation_only', sa.Boolean(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('review_meeting_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('compiled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_consultations_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations')),
    sa.UniqueConstraint('slug', name=op.f('uq_consultations_slug'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultations_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_review_id'), ['review_id'], unique=False)

    op.create_table('stored_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_stored_files_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_stored_files_storage_name'))
    )
    op.create_table('consultation_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_documents_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_consultation_documents_file_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_documents'))
    )
    with op.batch_alter_table('consultation_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_documents_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('consultation_invitation_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by_organization_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_invitation_links_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by_organization_id'], ['organizations.id'], name=op.f('fk_consultation_invitation_links_used_by_organization_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_invitation_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_consultation_invitation_links_token_hash'))
    )
    with op.batch_alter_table('consultation_invitation_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_invitation_links_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('consultation_languages',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_languages_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'code', name=op.f('pk_consultation_languages'))
    )
    with op.batch_alter_table('consultation_languages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_languages_code'), ['code'], unique=False)

    op.create_table('consultation_objectives',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_objectives_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'number', name=op.f('pk_consultation_objectives'))
    )
    with op.batch_alter_table('consultation_objectives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_objectives_number'), ['number'], unique=False)

    op.create_table('consultation_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_staff_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consultation_staff_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_staff')),
    sa.UniqueConstraint('consultation_id', 'user_id', 'role', name=op.f('uq_consultation_staff_consultation_id'))
    )
    with op.batch_alter_table('consultation_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_staff_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_staff_user_id'), ['user_id'], unique=False)

    op.create_table('deadline_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_deadline_reminders_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_deadline_reminders_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_reminders')),
    sa.UniqueConstraint('consultation_id', 'organization_id', 'kind', name=op.f('uq_deadline_reminders_consultation_id'))
    )
    with op.batch_alter_table('deadline_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_reminders_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('guiding_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('word_limit', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_guiding_questions_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guiding_questions')),
    sa.UniqueConstraint('consultation_id', 'key', name=op.f('uq_guiding_questions_consultation_id'))
    )
    with op.batch_alter_table('guiding_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guiding_questions_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_participations_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_participations_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    sa.UniqueConstraint('consultation_id', 'organization_id', name=op.f('uq_participations_consultation_id'))
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participations_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participations_organization_id'), ['organization_id'], unique=False)



def downgrade():
    refuse_data_loss(
        '0003',
        tables=('participations', 'guiding_questions', 'deadline_reminders', 'consultation_staff', 'consultation_objectives', 'consultation_languages', 'consultation_invitation_links', 'consultation_documents', 'stored_files', 'consultations', 'reviews', ),
        columns=(),
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participations_organization_id'))
        batch_op.drop_index(batch_op.f('ix_participations_consultation_id'))

    op.drop_table('participations')
    with op.batch_alter_table('guiding_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guiding_questions_consultation_id'))

    op.drop_table('guiding_questions')
    with op.batch_alter_table('deadline_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_reminders_consultation_id'))

    op.drop_table('deadline_reminders')
    with op.batch_alter_table('consultation_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_staff_consultation_id'))

    op.drop_table('consultation_staff')
    with op.batch_alter_table('consultation_objectives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_objectives_number'))

    op.drop_table('consultation_objectives')
    with op.batch_alter_table('consultation_languages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_languages_code'))

    op.drop_table('consultation_languages')
    with op.batch_alter_table('consultation_invitation_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_invitation_links_consultation_id'))

    op.drop_table('consultation_invitation_links')
    with op.batch_alter_table('consultation_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_documents_consultation_id'))

    op.drop_table('consultation_documents')
    op.drop_table('stored_files')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultations_review_id'))
        batch_op.drop_index(batch_op.f('ix_consultations_published'))
        batch_op.drop_index(batch_op.f('ix_consultations_deadline_at'))

    op.drop_table('consultations')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_level'))
        batch_op.drop_index(batch_op.f('ix_reviews_area'))

    op.drop_table('reviews')
