"""The station flow: arrivals through service stages (textbook queues, tandem lines, networks).

Besides plain FCFS stages, a stage may use one of the engine blocks of queueing theory, each a
switch that is off when absent: a finite capacity with loss or blocking (:class:`StageCapacity`),
balking and reneging (:class:`Impatience`), probabilistic feedback (:class:`Feedback`), batch
service (:class:`BatchService`) and preemptive-resume priority (``Stage.preemptive``). Each is
validated against its closed form in ``tests/test_queueing_blocks.py``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.distributions import Duration, check_probability_map
from clearsim.models.vocabulary import MILESTONES, Direction, Mode


class PriorityClass(FrozenSpec):
    """A customer class with its share of arrivals and queue priority (lower goes first)."""

    name: str = Field(min_length=1)
    share: float = Field(ge=0, le=1)
    priority: int = Field(ge=0)


class StageCapacity(FrozenSpec):
    """At most ``limit`` customers at the stage, in service and waiting (M/M/c/K's K).

    ``lose``: a customer who finds it full leaves the system (outcome ``lost``; never released).
    ``block``: blocking after service: a customer who finishes the previous stage and finds this
    one full keeps its server there until a place is free; at the first stage (or when the
    previous stage was skipped) it waits outside, holding no server.
    """

    limit: int = Field(ge=1, description="Maximum customers at the stage (in service + waiting).")
    when_full: Literal["lose", "block"] = Field(
        default="lose", description="What a customer who finds the stage full does."
    )


class Impatience(FrozenSpec):
    """Balking and reneging at a stage (M/M/c+M, Erlang A, with balking).

    A customer who finds every server of the stage's resource busy (off-shift blockers count as
    busy) joins with probability ``1 - balk_probability``, else leaves (outcome ``balked``). One
    who has waited ``patience_min`` (drawn per visit) without a server leaves the queue (outcome
    ``reneged``). Customers in service never leave.
    """

    balk_probability: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of customers finding all servers busy who leave.",
    )
    patience_min: Duration | None = Field(
        default=None, description="Longest wait for a server before leaving; absent: no reneging."
    )


class Feedback(FrozenSpec):
    """Re-inspection: after the stage, with ``probability`` the customer goes back to ``to``.

    Each pass draws a new service time (its own stream); the customer rejoins the end of the queue.
    """

    probability: float = Field(gt=0, description="Share sent back after each pass.")
    to: str = Field(description="Activity of the stage to go back to: this one or an earlier one.")

    @field_validator("probability")
    @classmethod
    def _leaves(cls, value: float) -> float:
        if value >= 1:
            raise ValueError(
                f"a feedback probability of {value} never lets a customer leave the loop; "
                "it must be below 1"
            )
        return value


STAGE_BLOCKS: tuple[str, ...] = ("capacity", "impatience", "feedback", "batch", "preemptive")
"""The engine-block fields of a stage, left out of its dump when absent (scenario hashes)."""


class BatchService(FrozenSpec):
    """A server takes up to ``size`` waiting customers at once (a truck, a ULD, a cage).

    It starts as soon as one customer waits and a server is free (no minimum batch, no maximum
    wait), and serves the whole batch for one ``service_min`` drawn per batch; customers who
    arrive meanwhile wait for the next batch (M/M^[N]/1 bulk service).
    """

    size: int = Field(ge=1, description="Largest batch a server takes at once.")


class Stage(FrozenSpec):
    """One service stage of a station flow."""

    activity: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    resource: str
    service_min: Duration
    probability: float = Field(default=1.0, gt=0, le=1, description="Share that visits.")
    milestone_on_complete: Literal["lodgement", "release"] | None = Field(
        default=None,
        description="TRS milestone recorded when this stage completes (arrival and exit are "
        "recorded by the flow itself).",
    )
    capacity: StageCapacity | None = Field(
        default=None, description="Finite capacity with loss or blocking; absent: unlimited."
    )
    impatience: Impatience | None = Field(
        default=None, description="Balking and reneging; absent: everybody waits."
    )
    feedback: Feedback | None = Field(
        default=None, description="Probabilistic return to a stage; absent: none."
    )
    batch: BatchService | None = Field(
        default=None, description="Batch service; absent: one customer per server."
    )
    preemptive: bool = Field(
        default=False,
        description="A customer of a higher-priority class interrupts one of a lower class in "
        "service here, who resumes its remaining work later (preemptive-resume).",
    )

    @model_validator(mode="after")
    def _preemption(self) -> Stage:
        if self.preemptive and self.impatience is not None:
            raise ValueError(
                "preemptive: a preemptive stage with impatience (balking, reneging) is not "
                "modelled; use one or the other"
            )
        if self.batch is not None and (self.preemptive or self.impatience is not None):
            raise ValueError(
                "batch: a batch stage with preemption or impatience is not modelled; "
                "use one or the other"
            )
        return self

    @model_serializer(mode="wrap")
    def _without_absent_blocks(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Absent blocks are left out of the dump, so a scenario without them keeps its hash."""
        data = handler(self)
        if isinstance(data, dict):
            for block in STAGE_BLOCKS:
                if data.get(block, 0) in (None, False):
                    del data[block]
        return data

    @property
    def uses_blocks(self) -> bool:
        """Whether the stage uses a block beyond a plain FCFS stage."""
        blocks = (self.capacity, self.impatience, self.feedback, self.batch)
        return self.preemptive or any(block is not None for block in blocks)


class StationFlowSpec(FrozenSpec):
    """Arrivals through a sequence of service stages: textbook queues and tandem lines."""

    kind: Literal["station_flow"] = "station_flow"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    node: str
    direction: Direction = Field(default="import", description="Trade flow its cases report in.")
    mode: Mode = Field(default="sea", description="Mode its cases report in.")
    arrivals: ArrivalProcess
    classes: tuple[PriorityClass, ...] = (PriorityClass(name="all", share=1.0, priority=0),)
    stages: tuple[Stage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _classes(self) -> StationFlowSpec:
        for stage in self.stages:
            if stage.activity in MILESTONES:
                raise ValueError(
                    f"stage activity {stage.activity!r} is a milestone name; use "
                    "milestone_on_complete to record a milestone after a stage"
                )
        check_probability_map({c.name: c.share for c in self.classes}, "class shares")
        if len({c.name for c in self.classes}) != len(self.classes):
            raise ValueError("class names must be unique")
        if len({s.activity for s in self.stages}) != len(self.stages):
            raise ValueError("stage activities must be unique")
        self._check_feedback()
        return self

    def _check_feedback(self) -> None:
        names = [s.activity for s in self.stages]
        for index, stage in enumerate(self.stages):
            if stage.feedback is None:
                continue
            where = f"stages.{index}.feedback.to"
            if stage.feedback.to not in names[: index + 1]:
                raise ValueError(
                    f"{where}: {stage.feedback.to!r} is not this stage or an earlier one"
                )
            target = names.index(stage.feedback.to)
            for inner in self.stages[target:index]:
                if inner.milestone_on_complete is not None:
                    raise ValueError(
                        f"{where}: stage {inner.activity!r} inside the loop records "
                        f"{inner.milestone_on_complete!r}, which a loop would record twice; "
                        "record it on the loop's last stage"
                    )

    def check_servers(self, where: str, servers: dict[str, int]) -> None:
        """Refuse a stage capacity below its resource's servers (the scenario knows them)."""
        for index, stage in enumerate(self.stages):
            count = servers.get(stage.resource)
            if stage.capacity is not None and count is not None and stage.capacity.limit < count:
                raise ValueError(
                    f"{where}.stages.{index}.capacity.limit: {stage.capacity.limit} is below the "
                    f"{count} servers of {stage.resource!r}; the limit counts customers in "
                    "service and waiting"
                )

    @property
    def uses_blocks(self) -> bool:
        """Whether any stage uses a block (then the reference generator serves every stage)."""
        return any(stage.uses_blocks for stage in self.stages)

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        return tuple(stage.resource for stage in self.stages)

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        return (self.node,)

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource (stability check).

        A stage fed back with probability ``p`` is visited ``1 / (1 - p)`` times on average (an
        upper bound with loss, balking or reneging, which only remove work). A batch stage counts
        one service per full batch, ``E[S] / size`` per customer: the least it can be (the load
        at which full batches would keep up).
        """
        rate = self.arrivals.mean_rate_per_min(horizon_min)
        passes = [1.0] * len(self.stages)
        names = [s.activity for s in self.stages]
        for index, stage in enumerate(self.stages):
            if stage.feedback is not None:
                for inner in range(names.index(stage.feedback.to), index + 1):
                    passes[inner] /= 1 - stage.feedback.probability
        work: dict[str, float] = {}
        for stage, visits in zip(self.stages, passes, strict=True):
            per_customer = stage.service_min.mean / (stage.batch.size if stage.batch else 1)
            work[stage.resource] = work.get(stage.resource, 0.0) + (
                rate * stage.probability * visits * per_customer
            )
        return work
