"""What a study runs, and the key that makes running it again resume it.

A study's scenarios are a comparison's files or a sweep's points (a grid, or a Latin hypercube
over named parameters); the reference comes first.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clearsim.analysis.statistics import DEFAULT_CONFIDENCE
from clearsim.models.scenario import Scenario

COMPARE = "compare"
SWEEP = "sweep"
LEVERS = "levers"
SENSITIVITY = "sensitivity"
OPTIMISE = "optimise"
DEFAULT_MAX_REPLICATIONS = 200
LHS_STREAM = 0x5EE9
"""Spawn key of the Latin hypercube's stream, apart from every replication's streams."""


@dataclass(frozen=True)
class StudyPlan:
    """A study: scenarios in order (the first is the reference) and how to replicate them.

    One root seed serves every scenario (common random numbers); ``target_halfwidth`` asks for
    replications to be added until every headline interval is that close to its mean.
    """

    kind: str
    scenarios: tuple[Scenario, ...]
    parameters: tuple[dict[str, Any], ...]
    root_seed: int
    replications: int
    target_halfwidth: float | None = None
    max_replications: int | None = None
    confidence: float = DEFAULT_CONFIDENCE
    design: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.scenarios) < 2:
            raise ValueError("a study needs a reference scenario and at least one other")
        if len(self.parameters) != len(self.scenarios):
            raise ValueError("one parameter mapping per scenario")
        names = [s.name for s in self.scenarios]
        if len(set(names)) != len(names):
            raise ValueError(f"scenario names must differ to be compared (got {', '.join(names)})")
        if self.replications < 2:
            raise ValueError(f"a comparison needs >= 2 replications (got {self.replications})")
        if self.target_halfwidth is not None and not 0 < self.target_halfwidth < 1:
            raise ValueError(
                f"the target half-width must be in (0, 1) (got {self.target_halfwidth})"
            )
        if self.max_replications is not None and self.max_replications < self.replications:
            raise ValueError(
                f"--max-replications ({self.max_replications}) is below the replications "
                f"({self.replications})"
            )

    def key(self, code_version: str) -> str:
        """Digest of everything that decides the results; equal plans resume one study."""
        document = {
            "kind": self.kind,
            "scenarios": [s.scenario_hash for s in self.scenarios],
            "names": [s.name for s in self.scenarios],
            "root_seed": self.root_seed,
            "replications": self.replications,
            "target_halfwidth": self.target_halfwidth,
            "max_replications": self.max_replications,
            "confidence": self.confidence,
            "code_version": code_version,
        }
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def split_values(text: str) -> list[str]:
    """Split ``2,3,[4,5]`` at the commas outside brackets and braces: ``['2', '3', '[4,5]']``."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    if any(not part for part in parts):
        raise ValueError(f"empty value in {text!r}")
    return parts


def grid_points(axes: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the axes' values (the first axis varies slowest), in order."""
    if not axes:
        raise ValueError("a grid needs at least one parameter")
    names = list(axes)
    for name in names:
        if not axes[name]:
            raise ValueError(f"parameter {name!r} has no values")
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes.values())]


def latin_hypercube(
    ranges: Mapping[str, tuple[float, float]], samples: int, seed: int
) -> list[dict[str, float | int]]:
    """``samples`` points, one in each of ``samples`` equal strata of every parameter's range.

    Each parameter's strata are visited in an independent random order and the point is drawn
    uniformly inside its stratum (McKay, Beckman and Conover 1979). A range whose both ends are
    integers gives integers (the drawn value rounded down), so integer fields such as capacities
    can be swept. The draws come from their own stream of ``seed``.
    """
    if samples < 2:
        raise ValueError(f"a Latin hypercube needs >= 2 samples (got {samples})")
    if not ranges:
        raise ValueError("a Latin hypercube needs at least one parameter range")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(LHS_STREAM,)))
    columns: dict[str, list[float | int]] = {}
    for name, (low, high) in ranges.items():
        if not high > low:
            raise ValueError(f"range of {name!r} must have low < high (got {low}..{high})")
        strata = (rng.permutation(samples) + rng.random(samples)) / samples
        if isinstance(low, int) and isinstance(high, int):
            if high - low + 1 < samples:
                raise ValueError(
                    f"range {low}:{high} of {name!r} holds {high - low + 1} integers, fewer than "
                    f"the {samples} samples; write {float(low)}:{float(high)} for real values"
                )
            # Integer strata: the m = high - low + 1 integers split into ``samples`` runs of
            # consecutive values (each holds at least one, as m >= samples); one draw in each.
            m = high - low + 1
            edges = [low + (k * m) // samples for k in range(samples + 1)]
            order = rng.permutation(samples)
            columns[name] = [
                int(edges[k] + rng.integers(edges[k + 1] - edges[k])) for k in order.tolist()
            ]
        else:
            columns[name] = [float(low + u * (high - low)) for u in strata]
    return [{name: columns[name][i] for name in ranges} for i in range(samples)]


def point_label(base: str, point: Mapping[str, Any]) -> str:
    """A sweep point's scenario name: ``base[path=value,...]``."""
    inner = ",".join(f"{name}={_short(value)}" for name, value in point.items())
    return f"{base}[{inner}]"


def _short(value: Any) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.6g}"
    return json.dumps(value, separators=(",", ":")) if not isinstance(value, str) else value
