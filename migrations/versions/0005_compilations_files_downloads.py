"""Compilations: versions, their files, and recorded downloads.

Creates `compilations` (numbered versions of a consultation's compiled inputs),
`compilation_files` (each format and edition, with its SHA-256) and
`compilation_downloads` (restricted-edition downloads, by role, shown to lead
organizations). Downgrading drops them, so it refuses while any holds data, unless forced.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
from app.migration_guard import refuse_data_loss
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('compilations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('grouping', sa.String(length=12), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('job_id', sa.String(length=36), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contents', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_compilations_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_compilations_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compilations')),
    sa.UniqueConstraint('consultation_id', 'number', name=op.f('uq_compilations_consultation_id')),
    sa.UniqueConstraint('job_id', name=op.f('uq_compilations_job_id'))
    )
    with op.batch_alter_table('compilations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compilations_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('compilation_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compilation_id', sa.Integer(), nullable=False),
    sa.Column('edition', sa.String(length=12), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['compilation_id'], ['compilations.id'], name=op.f('fk_compilation_files_compilation_id_compilations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compilation_files'))
    )
    with op.batch_alter_table('compilation_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compilation_files_compilation_id'), ['compilation_id'], unique=False)

    op.create_table('compilation_downloads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('downloaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['compilation_files.id'], name=op.f('fk_compilation_downloads_file_id_compilation_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_compilation_downloads_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compilation_downloads'))
    )
    with op.batch_alter_table('compilation_downloads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compilation_downloads_file_id'), ['file_id'], unique=False)



def downgrade():
    refuse_data_loss(
        '0005',
        tables=('compilation_downloads', 'compilation_files', 'compilations', ),
        columns=(),
    )
    with op.batch_alter_table('compilation_downloads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compilation_downloads_file_id'))

    op.drop_table('compilation_downloads')
    with op.batch_alter_table('compilation_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compilation_files_compilation_id'))

    op.drop_table('compilation_files')
    with op.batch_alter_table('compilations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compilations_consultation_id'))

    op.drop_table('compilations')
