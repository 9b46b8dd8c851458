"""Translations of accepted submissions, made by people, and consultation translators.

Adds `submission_translations` (one per submission and language: credit, status),
`translated_sections` and their `translation_revisions`, and `consultation_translators`
(people a facilitator invited to translate a consultation's accepted texts).

Revision ID: 0018
Revises: 0017
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_translators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_translators_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_consultation_translators_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consultation_translators_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_translators')),
    sa.UniqueConstraint('consultation_id', 'user_id', name=op.f('uq_consultation_translators_consultation_id'))
    )
    with op.batch_alter_table('consultation_translators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_translators_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_translators_user_id'), ['user_id'], unique=False)

    op.create_table('submission_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('credit_kind', sa.String(length=12), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_submission_translations_checked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_submission_translations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_submission_translations_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_translations_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_translations')),
    sa.UniqueConstraint('submission_id', 'language', name=op.f('uq_submission_translations_submission_id'))
    )
    with op.batch_alter_table('submission_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_translations_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_translations_submission_id'), ['submission_id'], unique=False)

    op.create_table('translated_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('translation_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('current_revision_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['current_revision_id'], ['translation_revisions.id'], name=op.f('fk_translated_sections_current_revision_id_translation_revisions'), ondelete='SET NULL', use_alter=True),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_translated_sections_section_id_sections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['translation_id'], ['submission_translations.id'], name=op.f('fk_translated_sections_translation_id_submission_translations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translated_sections')),
    sa.UniqueConstraint('translation_id', 'section_id', name=op.f('uq_translated_sections_translation_id'))
    )
    with op.batch_alter_table('translated_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translated_sections_section_id'), ['section_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_translated_sections_translation_id'), ['translation_id'], unique=False)

    op.create_table('translation_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('translated_section_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('source_revision_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_translation_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_revision_id'], ['revisions.id'], name=op.f('fk_translation_revisions_source_revision_id_revisions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['translated_section_id'], ['translated_sections.id'], name=op.f('fk_translation_revisions_translated_section_id_translated_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_revisions'))
    )
    with op.batch_alter_table('translation_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translation_revisions_translated_section_id'), ['translated_section_id'], unique=False)

    # translated_sections and translation_revisions point at each other: PostgreSQL adds
    # this key once both tables exist (SQLite wrote it inline above).
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key(
            op.f("fk_translated_sections_current_revision_id_translation_revisions"),
            "translated_sections", "translation_revisions",
            ["current_revision_id"], ["id"], ondelete="SET NULL",
        )


def downgrade():
    refuse_data_loss(
        '0018',
        tables=(
            'translation_revisions', 'translated_sections', 'submission_translations',
            'consultation_translators',
        ),
    )
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            op.f("fk_translated_sections_current_revision_id_translation_revisions"),
            "translated_sections", type_="foreignkey",
        )
    with op.batch_alter_table('translation_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translation_revisions_translated_section_id'))
    op.drop_table('translation_revisions')
    with op.batch_alter_table('translated_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translated_sections_translation_id'))
        batch_op.drop_index(batch_op.f('ix_translated_sections_section_id'))
    op.drop_table('translated_sections')
    with op.batch_alter_table('submission_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_translations_submission_id'))
        batch_op.drop_index(batch_op.f('ix_submission_translations_organization_id'))
    op.drop_table('submission_translations')
    with op.batch_alter_table('consultation_translators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_translators_user_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_translators_consultation_id'))
    op.drop_table('consultation_translators')
