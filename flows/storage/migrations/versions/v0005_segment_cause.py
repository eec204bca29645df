"""Each TRS segment's hours per cause, per flow (cause attribution).

``segment_cause`` holds a :class:`RunSummary`'s ``causes`` (``SegmentCause`` records);
replications stored before have none, and the report then draws no cause bars for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "segment_cause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("replication_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("segment", sa.String(), nullable=False),
        sa.Column("cause", sa.String(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("mean_h", sa.Float(), nullable=True),
        sa.Column("share", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["replication_id"],
            ["replication_result.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("segment_cause", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_segment_cause_replication_id"), ["replication_id"], unique=False
        )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("segment_cause", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_segment_cause_replication_id"))

    op.drop_table("segment_cause")
