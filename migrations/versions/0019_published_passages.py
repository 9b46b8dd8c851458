"""Published passages: the public editions as rows, for reading, search and open data.

Adds `published_passages` (one row per paragraph of a consultation's latest published public
edition), its objectives and places, and the search index: on SQLite an FTS5 table with the
trigram tokenizer kept in step by triggers; on PostgreSQL the pg_trgm extension and a GIN
trigram index. The rows are filled from the published files: after upgrading, existing
publications are indexed by `flask --app wsgi reading reindex`.

Revision ID: 0019
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa

# As in app/reading/models.py when this migration was written (kept here, so that a later
# change there does not change what this migration did).
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS published_passages_fts USING fts5("
    "text, content='published_passages', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS published_passages_fts_insert AFTER INSERT ON "
    "published_passages BEGIN INSERT INTO published_passages_fts(rowid, text) "
    "VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS published_passages_fts_delete AFTER DELETE ON "
    "published_passages BEGIN INSERT INTO published_passages_fts(published_passages_fts, "
    "rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS published_passages_fts_update AFTER UPDATE ON "
    "published_passages BEGIN INSERT INTO published_passages_fts(published_passages_fts, "
    "rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO published_passages_fts(rowid, text) VALUES (new.id, new.text); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS published_passages_fts_update",
    "DROP TRIGGER IF EXISTS published_passages_fts_delete",
    "DROP TRIGGER IF EXISTS published_passages_fts_insert",
    "DROP TABLE IF EXISTS published_passages_fts",
)
TRIGRAM_INDEX = "ix_published_passages_text_trigram"
POSTGRES_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON published_passages "
    "USING gin (text gin_trgm_ops)",
)


revision = '0019'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_passages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compilation_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('submission_ref', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('paragraph', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('credit', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['compilation_id'], ['compilations.id'], name=op.f('fk_published_passages_compilation_id_compilations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_published_passages_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_passages'))
    )
    with op.batch_alter_table('published_passages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_passages_compilation_id'), ['compilation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_passages_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_passages_language'), ['language'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_passages_published_at'), ['published_at'], unique=False)

    op.create_table('published_passage_objectives',
    sa.Column('passage_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['passage_id'], ['published_passages.id'], name=op.f('fk_published_passage_objectives_passage_id_published_passages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('passage_id', 'number', name=op.f('pk_published_passage_objectives'))
    )
    with op.batch_alter_table('published_passage_objectives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_passage_objectives_number'), ['number'], unique=False)

    op.create_table('published_passage_places',
    sa.Column('passage_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['passage_id'], ['published_passages.id'], name=op.f('fk_published_passage_places_passage_id_published_passages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('passage_id', 'code', name=op.f('pk_published_passage_places'))
    )
    with op.batch_alter_table('published_passage_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_passage_places_code'), ['code'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DDL, "postgresql": POSTGRES_DDL}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    # The rows are derived from the published files: `reading reindex` makes them again.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DROP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    with op.batch_alter_table('published_passage_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_passage_places_code'))

    op.drop_table('published_passage_places')
    with op.batch_alter_table('published_passage_objectives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_passage_objectives_number'))

    op.drop_table('published_passage_objectives')
    with op.batch_alter_table('published_passages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_passages_published_at'))
        batch_op.drop_index(batch_op.f('ix_published_passages_language'))
        batch_op.drop_index(batch_op.f('ix_published_passages_consultation_id'))
        batch_op.drop_index(batch_op.f('ix_published_passages_compilation_id'))

    op.drop_table('published_passages')
