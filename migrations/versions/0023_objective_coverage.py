"""The dashboard's coverage of GCM objectives, kept per consultation (issue 19).

`objective_coverage` holds how many sections with text address each objective in a
consultation's submissions that are not withdrawn; app/submissions/coverage.py keeps it up
to date as sections change. Counting it from the sections on each view of the dashboard
read every section of the consultation. The upgrade counts every consultation once.

Revision ID: 0023
Revises: 0022
"""

from alembic import op
import sqlalchemy as sa


revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "objective_coverage",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sections", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_objective_coverage_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", "number", name=op.f("pk_objective_coverage")),
    )
    op.execute(
        """
        INSERT INTO objective_coverage (consultation_id, number, sections)
        SELECT submissions.consultation_id, section_objectives.number,
               count(section_objectives.section_id)
        FROM section_objectives
        JOIN sections ON sections.id = section_objectives.section_id
        JOIN submissions ON submissions.id = sections.submission_id
        WHERE submissions.state != 'withdrawn' AND sections.current_revision_id IS NOT NULL
        GROUP BY submissions.consultation_id, section_objectives.number
        """
    )


def downgrade():
    # Only counts that the upgrade can make again from the sections: nothing is lost.
    op.drop_table("objective_coverage")
