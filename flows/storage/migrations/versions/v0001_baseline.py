"""Baseline: the tables of the release before the schema was versioned (commit c5ef2f5).

A database written by that release has these tables and no ``alembic_version`` table; clearsim
stamps it with this revision when it first opens it, then upgrades it (flows/storage/schema.py).
Written out by hand, column by column, as that release created them: a revision is history and
never reads today's models. Its datetimes are time-zone aware, as the sqlmodel of that release
declared them (TIMESTAMP WITH TIME ZONE on PostgreSQL; SQLite has one DATETIME).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Every child table of a replication starts with these two columns.
_ID = "id"
_REPLICATION_ID = "replication_id"


def _child_table(name: str, *columns: sa.Column[Any]) -> None:
    """A table of one kind of replication record, with its index on ``replication_id``."""
    op.create_table(
        name,
        sa.Column(_ID, sa.Integer(), nullable=False),
        sa.Column(_REPLICATION_ID, sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint([_REPLICATION_ID], ["replication_result.id"]),
        sa.PrimaryKeyConstraint(_ID),
    )
    op.create_index(f"ix_{name}_{_REPLICATION_ID}", name, [_REPLICATION_ID])


def upgrade() -> None:
    """Create the tables of the baseline release."""
    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("command", sa.String(), nullable=False),
        sa.Column("scenario_name", sa.String(), nullable=False),
        sa.Column("scenario_hash", sa.String(), nullable=False),
        sa.Column("scenario_json", sa.Text(), nullable=False),
        sa.Column("root_seed", sa.BigInteger(), nullable=False),
        sa.Column("replications", sa.Integer(), nullable=False),
        sa.Column("code_version", sa.String(), nullable=False),
        sa.Column("library_versions", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_run_scenario_hash", "run", ["scenario_hash"])

    op.create_table(
        "replication_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_hash", sa.String(), nullable=False),
        sa.Column("replication", sa.Integer(), nullable=False),
        sa.Column("root_seed", sa.BigInteger(), nullable=False),
        sa.Column("code_version", sa.String(), nullable=False),
        sa.Column("library_versions", sa.Text(), nullable=False),
        sa.Column("arrived", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("in_system", sa.Integer(), nullable=False),
        sa.Column("measured", sa.Integer(), nullable=False),
        sa.Column("censored", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("end_time_min", sa.Float(), nullable=False),
        sa.Column("warmup_mser5_min", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "scenario_hash", "replication", "root_seed", "code_version", name="uq_replication"
        ),
    )
    op.create_index("ix_replication_result_scenario_hash", "replication_result", ["scenario_hash"])

    op.create_table(
        "study",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("root_seed", sa.BigInteger(), nullable=False),
        sa.Column("replications", sa.Integer(), nullable=False),
        sa.Column("target_halfwidth", sa.Float(), nullable=True),
        sa.Column("max_replications", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("design_json", sa.Text(), nullable=False),
        sa.Column("code_version", sa.String(), nullable=False),
        sa.Column("library_versions", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_study_study_key", "study", ["study_key"], unique=True)

    _child_table(
        "segment_stat",
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("segment", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("mean_h", sa.Float(), nullable=True),
        sa.Column("median_h", sa.Float(), nullable=True),
        sa.Column("p90_h", sa.Float(), nullable=True),
        sa.Column("share_24h", sa.Float(), nullable=True),
        sa.Column("share_48h", sa.Float(), nullable=True),
    )
    _child_table(
        "resource_stat",
        sa.Column("resource", sa.String(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("available_fraction", sa.Float(), nullable=True),
        sa.Column("utilisation", sa.Float(), nullable=True),
        sa.Column("utilisation_check", sa.Float(), nullable=True),
        sa.Column("mean_queue_length", sa.Float(), nullable=True),
        sa.Column("mean_wait_min", sa.Float(), nullable=True),
        sa.Column("max_queue_length", sa.Integer(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
    )
    _child_table(
        "outcome_count",
        sa.Column("process", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
    )
    _child_table(
        "overlong_case",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("process", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("segment", sa.String(), nullable=False),
        sa.Column("start_min", sa.Float(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
    )
    _child_table(
        "segment_quantiles",
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("segment", sa.String(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("hours_json", sa.Text(), nullable=False),
    )
    _child_table(
        "resource_profile",
        sa.Column("resource", sa.String(), nullable=False),
        sa.Column("utilisation_by_hour_json", sa.Text(), nullable=False),
        sa.Column("bin_min", sa.Float(), nullable=False),
        sa.Column("queue_length_json", sa.Text(), nullable=False),
    )
    _child_table(
        "leg_trips",
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("trips", sa.Integer(), nullable=False),
    )

    op.create_table(
        "study_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("scenario_name", sa.String(), nullable=False),
        sa.Column("scenario_hash", sa.String(), nullable=False),
        sa.Column("scenario_json", sa.Text(), nullable=False),
        sa.Column("parameters_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("study_id", "position", name="uq_study_position"),
        sa.ForeignKeyConstraint(["study_id"], ["study.id"]),
    )
    op.create_index("ix_study_scenario_study_id", "study_scenario", ["study_id"])


def downgrade() -> None:
    """Drop every table (children before the tables they refer to)."""
    for table in (
        "study_scenario",
        "leg_trips",
        "resource_profile",
        "segment_quantiles",
        "overlong_case",
        "outcome_count",
        "resource_stat",
        "segment_stat",
        "study",
        "replication_result",
        "run",
    ):
        op.drop_table(table)
