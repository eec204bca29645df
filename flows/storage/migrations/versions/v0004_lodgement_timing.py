"""Segment means per flow for the cases lodged before and after their arrival.

``lodgement_timing`` holds a :class:`RunSummary`'s ``lodgement_timing`` (``LodgementTiming``
records); replications stored before have none, and the report then draws one bar per flow.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "lodgement_timing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("replication_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("lodged", sa.String(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("arrival_lodgement_h", sa.Float(), nullable=True),
        sa.Column("lodgement_release_h", sa.Float(), nullable=True),
        sa.Column("release_exit_h", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["replication_id"],
            ["replication_result.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lodgement_timing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lodgement_timing_replication_id"), ["replication_id"], unique=False
        )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("lodgement_timing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lodgement_timing_replication_id"))

    op.drop_table("lodgement_timing")
