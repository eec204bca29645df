"""Waits per resource, activity and class of case; the probability of waiting.

``wait_stat`` holds a :class:`RunSummary`'s ``waits`` (``WaitStat`` records), and
``resource_stat`` gains ``wait_probability``: NULL for replications stored before, which had
no such figure.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "wait_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("replication_id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(), nullable=False),
        sa.Column("activity", sa.String(), nullable=False),
        sa.Column("case_class", sa.String(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("mean_wait_min", sa.Float(), nullable=True),
        sa.Column("wait_probability", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["replication_id"],
            ["replication_result.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("wait_stat", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wait_stat_replication_id"), ["replication_id"], unique=False
        )

    with op.batch_alter_table("resource_stat", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wait_probability", sa.Float(), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("resource_stat", schema=None) as batch_op:
        batch_op.drop_column("wait_probability")

    with op.batch_alter_table("wait_stat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wait_stat_replication_id"))

    op.drop_table("wait_stat")
