"""The occupancy peak of each resource: ``resource_stat`` gains ``peak_in_use``.

The most servers held at once in the window (import yard slots, bonded positions, trucks); NULL
for replications stored before, which had no such figure.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("resource_stat", schema=None) as batch_op:
        batch_op.add_column(sa.Column("peak_in_use", sa.Float(), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("resource_stat", schema=None) as batch_op:
        batch_op.drop_column("peak_in_use")
