"""Every float column of a record is nullable: NaN (no value) is stored as NULL.

The columns are derived from the record dataclasses (models/tables.py), and a ``float`` field
is one rule: a nullable FLOAT. Four of them were NOT NULL in 0001, written out by hand:
``replication_result.end_time_min``, ``overlong_case.start_min`` and ``hours``,
``resource_profile.bin_min``. SQLite alters a column by copying its table (batch mode).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = {
    "replication_result": ("end_time_min",),
    "overlong_case": ("start_min", "hours"),
    "resource_profile": ("bin_min",),
}


def _set_nullable(nullable: bool) -> None:
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, existing_type=sa.Float(), nullable=nullable)


def upgrade() -> None:
    """Drop NOT NULL from the four float columns."""
    _set_nullable(True)


def downgrade() -> None:
    """Make them NOT NULL again (fails if a NaN was stored in one since)."""
    _set_nullable(False)
