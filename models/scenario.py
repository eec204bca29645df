"""The scenario: one frozen, validated description of a what-if study input."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clearsim.models.calendars import AlwaysOpen, Calendar
from clearsim.models.canonical import sort_mapping
from clearsim.models.monitoring import MonitoringSpec
from clearsim.models.network import NetworkSpec
from clearsim.models.process_union import ProcessSpec
from clearsim.models.resources import ResourceSpec
from clearsim.models.roles import role

SCHEMA_VERSION = 1
HASH_EXCLUDED_FIELDS = frozenset({"name", "description", "seed", "replications"})
MAX_REPLICATIONS = 100_000
"""Replications of one run: far above what a CI needs (tens to thousands); it keeps a typo such as
``-r 1000000000`` from planning forever."""
"""Fields that do not change a replication's result and so stay out of the scenario hash."""


def _default_calendars() -> dict[str, Calendar]:
    return {"always": AlwaysOpen()}


class Scenario(BaseModel):
    """Everything a replication needs: network, resources, calendars, processes and run control.

    Simulation time is float minutes from ``start`` (a local Asia/Shanghai wall-clock time used
    only for shift calendars and at the edges).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    schema_version: Literal[1] = 1
    name: str = Field(min_length=1)
    description: str = ""
    kind: Literal["steady_state", "terminating"] = Field(
        description="steady_state: warm-up, then a long window; terminating: a day or a peak.",
        json_schema_extra=role("run"),
    )
    start: datetime = Field(
        default=datetime(2026, 1, 5),
        description="Wall-clock time of minute 0 (local time).",
        json_schema_extra=role("run"),
    )
    horizon_min: float = Field(
        gt=0,
        description="Arrivals measured on [warmup_min, horizon_min).",
        json_schema_extra=role("run"),
    )
    warmup_min: float = Field(
        default=0.0, ge=0, description="Discarded initial period.", json_schema_extra=role("run")
    )
    drain_limit_min: float = Field(
        default=20160.0,
        gt=0,
        description="After the horizon, at most this long for measured cases to finish.",
        json_schema_extra=role("run"),
    )
    replications: int = Field(default=10, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(default=20261122, ge=0, lt=2**63, description="Root seed of the streams.")
    calendars: dict[str, Calendar] = Field(
        default_factory=_default_calendars, json_schema_extra=role("rule")
    )
    network: NetworkSpec
    resources: dict[str, ResourceSpec] = Field(min_length=1)
    processes: tuple[ProcessSpec, ...] = Field(min_length=1)
    monitoring: MonitoringSpec = MonitoringSpec()

    @field_validator("calendars", "resources", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        if self.warmup_min >= self.horizon_min:
            raise ValueError("warmup_min must be shorter than horizon_min")
        if self.kind == "terminating" and self.warmup_min > 0:
            raise ValueError("a terminating scenario has no warm-up; set warmup_min: 0")
        for name, resource in self.resources.items():
            if resource.calendar not in self.calendars:
                raise ValueError(
                    f"resources.{name}.calendar: calendar {resource.calendar!r} is not defined"
                )
            if resource.node not in self.network.nodes:
                raise ValueError(f"resources.{name}.node: node {resource.node!r} is not defined")
        names = [p.name for p in self.processes]
        if len(set(names)) != len(names):
            raise ValueError("process names must be unique")
        for i, process in enumerate(self.processes):
            for needed in process.resource_names():
                if needed not in self.resources:
                    raise ValueError(
                        f"processes.{i}: resource {needed!r} is referenced but not defined"
                    )
            for node in process.node_names():
                if node not in self.network.nodes:
                    raise ValueError(f"processes.{i}: node {node!r} is referenced but not defined")
            check_servers = getattr(process, "check_servers", None)
            if check_servers is not None:
                check_servers(f"processes.{i}", {n: r.capacity for n, r in self.resources.items()})
        return self

    def canonical_json(self) -> str:
        """Canonical JSON of everything that shapes a replication (sorted keys, no whitespace)."""
        data: dict[str, Any] = self.model_dump(mode="json", exclude=set(HASH_EXCLUDED_FIELDS))
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @property
    def scenario_hash(self) -> str:
        """sha256 of :meth:`canonical_json`; equal hashes mean equal replications."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def resolved_json(self) -> str:
        """The whole resolved scenario as JSON, as stored with every run."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
