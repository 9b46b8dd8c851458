"""Submissions: sections, revisions, comments, co-authors, sign-offs.

Creates `submissions` (one organization's text for a consultation, with its attribution
choices), `sections` with every `revisions` row (the text history), `section_objectives`,
`comments`, `coauthors` and `coauthor_links`, `endorsements`, `sign_offs`, `attachments` and
`editing_presence`. Downgrading drops them, so it refuses while any holds data, unless
forced.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('lead_organization_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('attribution', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('deadline_extended_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_submissions_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_organization_id'], ['organizations.id'], name=op.f('fk_submissions_lead_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_lead_organization_id'), ['lead_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_state'), ['state'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_attachments_file_id_stored_files')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_attachments_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_submission_id'), ['submission_id'], unique=False)

    op.create_table('coauthor_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_coauthor_links_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coauthor_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_coauthor_links_token_hash'))
    )
    with op.batch_alter_table('coauthor_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coauthor_links_submission_id'), ['submission_id'], unique=False)

    op.create_table('coauthors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attribution', sa.String(length=12), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_coauthors_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_coauthors_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coauthors')),
    sa.UniqueConstraint('submission_id', 'organization_id', name=op.f('uq_coauthors_submission_id'))
    )
    with op.batch_alter_table('coauthors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coauthors_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coauthors_submission_id'), ['submission_id'], unique=False)

    op.create_table('endorsements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('attribution', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_endorsements_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_endorsements_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_endorsements')),
    sa.UniqueConstraint('submission_id', 'organization_id', name=op.f('uq_endorsements_submission_id'))
    )
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_endorsements_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_endorsements_submission_id'), ['submission_id'], unique=False)

    op.create_table('sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('current_revision_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('contribution_types', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['current_revision_id'], ['revisions.id'], name=op.f('fk_sections_current_revision_id_revisions'), ondelete='SET NULL', use_alter=True),
    sa.ForeignKeyConstraint(['question_id'], ['guiding_questions.id'], name=op.f('fk_sections_question_id_guiding_questions')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_sections_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sections')),
    sa.UniqueConstraint('submission_id', 'key', name=op.f('uq_sections_submission_id'))
    )
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sections_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sections_submission_id'), ['submission_id'], unique=False)

    op.create_table('sign_offs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_sign_offs_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_sign_offs_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_offs_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_offs')),
    sa.UniqueConstraint('submission_id', 'organization_id', name=op.f('uq_sign_offs_submission_id'))
    )
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_offs_submission_id'), ['submission_id'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_comments_section_id_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_section_id'), ['section_id'], unique=False)

    op.create_table('editing_presence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_editing_presence_section_id_sections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_editing_presence_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_editing_presence')),
    sa.UniqueConstraint('section_id', 'user_id', name=op.f('uq_editing_presence_section_id'))
    )
    with op.batch_alter_table('editing_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_editing_presence_section_id'), ['section_id'], unique=False)

    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['base_revision_id'], ['revisions.id'], name=op.f('fk_revisions_base_revision_id_revisions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_revisions_section_id_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_section_id'), ['section_id'], unique=False)

    op.create_table('section_objectives',
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_section_objectives_section_id_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('section_id', 'number', name=op.f('pk_section_objectives'))
    )
    with op.batch_alter_table('section_objectives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_objectives_number'), ['number'], unique=False)

    # sections and revisions point at each other: PostgreSQL adds this key once both
    # tables exist (SQLite wrote it inline above, as it cannot add a key afterwards).
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key(
            op.f("fk_sections_current_revision_id_revisions"), "sections", "revisions",
            ["current_revision_id"], ["id"], ondelete="SET NULL",
        )


def downgrade():
    refuse_data_loss(
        '0004',
        tables=('section_objectives', 'revisions', 'comments', 'sign_offs', 'sections', 'endorsements', 'coauthors', 'coauthor_links', 'attachments', 'submissions', ),
        columns=(),
    )
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_sections_current_revision_id_revisions"), "sections",
                           type_="foreignkey")
    with op.batch_alter_table('section_objectives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_objectives_number'))

    op.drop_table('section_objectives')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisions_section_id'))

    op.drop_table('revisions')
    with op.batch_alter_table('editing_presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_editing_presence_section_id'))

    op.drop_table('editing_presence')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_section_id'))

    op.drop_table('comments')
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_offs_submission_id'))

    op.drop_table('sign_offs')
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sections_submission_id'))
        batch_op.drop_index(batch_op.f('ix_sections_question_id'))

    op.drop_table('sections')
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_endorsements_submission_id'))
        batch_op.drop_index(batch_op.f('ix_endorsements_organization_id'))

    op.drop_table('endorsements')
    with op.batch_alter_table('coauthors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coauthors_submission_id'))
        batch_op.drop_index(batch_op.f('ix_coauthors_organization_id'))

    op.drop_table('coauthors')
    with op.batch_alter_table('coauthor_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coauthor_links_submission_id'))

    op.drop_table('coauthor_links')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_submission_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_state'))
        batch_op.drop_index(batch_op.f('ix_submissions_lead_organization_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_consultation_id'))

    op.drop_table('submissions')
