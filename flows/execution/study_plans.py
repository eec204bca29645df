"""Build a study's plan from what a user gives: scenario files, a grid, a Latin hypercube.

Every error is a :class:`PlanError` whose message is one line naming the file or option.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from clearsim.analysis.levers import DEFAULT_PRACTICAL_H
from clearsim.flows.execution.study_design import (
    COMPARE,
    DEFAULT_MAX_REPLICATIONS,
    LEVERS,
    SENSITIVITY,
    SWEEP,
    StudyPlan,
    grid_points,
    latin_hypercube,
    point_label,
    split_values,
)
from clearsim.models.scenario import Scenario
from clearsim.scenarios.levers import lever_variants
from clearsim.scenarios.load import ScenarioError, load_scenario, parse_assignment
from clearsim.scenarios.overrides import OverrideError, with_values
from clearsim.scenarios.reform_rules import check_file
from clearsim.scenarios.sensitivity import SensitivityError, check_delta, sensitivity_variants

MAX_SEED = 2**63


class PlanError(ValueError):
    """A study cannot be planned from these inputs (one line)."""


def _check_common(replications: int | None, seed: int | None) -> None:
    if replications is not None and replications < 2:
        raise PlanError(f"--replications must be >= 2 to compare (got {replications})")
    if seed is not None and not 0 <= seed < MAX_SEED:
        raise PlanError(f"--seed must be in [0, 2**63) (got {seed})")


def _load(path: str, **updates: Any) -> Scenario:
    try:
        return load_scenario(path, **updates)
    except ScenarioError as error:
        raise PlanError(str(error)) from None
    except OSError as error:
        raise PlanError(f"{path}: {error.strerror or error}") from None


def _plan(
    kind: str, specs: list[Scenario], parameters: list[dict[str, Any]], **kw: Any
) -> StudyPlan:
    try:
        return StudyPlan(kind, tuple(specs), tuple(parameters), **kw)
    except ValueError as error:
        raise PlanError(str(error)) from None


def comparison_plan(
    paths: Sequence[str],
    replications: int | None = None,
    seed: int | None = None,
    target_halfwidth: float | None = None,
    max_replications: int | None = None,
) -> StudyPlan:
    """Compare ``paths`` with the first, all on the first file's (or the given) seed and count."""
    if len(paths) < 2:
        raise PlanError("compare needs a reference scenario and at least one other")
    _check_common(replications, seed)
    if max_replications is not None and target_halfwidth is None:
        raise PlanError("--max-replications only applies with --target-halfwidth")
    first = _load(paths[0])
    common = {
        "replications": replications or first.replications,
        "seed": first.seed if seed is None else seed,
    }
    specs = [_load(path, **common) for path in paths]
    return _plan(
        COMPARE,
        specs,
        [{"file": str(path)} for path in paths],
        root_seed=common["seed"],
        replications=common["replications"],
        target_halfwidth=target_halfwidth,
        max_replications=(
            None
            if target_halfwidth is None
            else max_replications
            if max_replications is not None
            else max(DEFAULT_MAX_REPLICATIONS, common["replications"])
        ),
        design={"files": [str(path) for path in paths]},
    )


def parse_grid(options: Sequence[str]) -> dict[str, list[Any]]:
    """``--set path=v1,v2,...`` options as path -> values (each value read as YAML)."""
    grid: dict[str, list[Any]] = {}
    for text in options:
        path, sep, raw = text.partition("=")
        if not sep:
            raise PlanError(f"--set {text!r}: expected dotted.path=value1,value2,...")
        if path.strip() in grid:
            raise PlanError(f"--set {path.strip()}: given twice")
        try:
            grid[path.strip()] = [parse_assignment(f"{path}={v}")[1] for v in split_values(raw)]
        except ValueError as error:
            raise PlanError(f"--set {text!r}: {error}") from None
    return grid


def parse_ranges(options: Sequence[str]) -> dict[str, tuple[float, float]]:
    """``--lhs path=low:high`` options as path -> (low, high); integers stay integers."""
    ranges: dict[str, tuple[float, float]] = {}
    for text in options:
        path, sep, raw = text.partition("=")
        low_text, colon, high_text = raw.partition(":")
        try:
            if not sep or not colon:
                raise ValueError("expected dotted.path=low:high")
            low, high = (parse_assignment(f"x={v}")[1] for v in (low_text, high_text))
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high)):
                raise ValueError("low and high must be numbers")
            if not all(math.isfinite(v) for v in (low, high)):
                raise ValueError("low and high must be finite")
        except ValueError as error:
            raise PlanError(f"--lhs {text!r}: {error}") from None
        if path.strip() in ranges:
            raise PlanError(f"--lhs {path.strip()}: given twice")
        ranges[path.strip()] = (low, high)
    return ranges


def parse_take_up(text: str | None) -> list[float]:
    """``--take-up 0.25,0.5,1`` as shares in (0, 1], in the order given."""
    if text is None:
        return []
    shares = []
    for raw in split_values(text):
        try:
            share = float(raw)
        except ValueError:
            raise PlanError(f"--take-up {text!r}: {raw!r} is not a number") from None
        if not 0 < share <= 1:
            raise PlanError(
                f"--take-up {text!r}: {raw} is not in (0, 1] (take-up 0 is the baseline, "
                "the sweep's reference)"
            )
        shares.append(share)
    if len(set(shares)) != len(shares):
        raise PlanError(f"--take-up {text!r}: a share is given twice")
    return shares


def take_up_plan(
    path: str,
    shares: Sequence[float],
    replications: int | None = None,
    seed: int | None = None,
) -> StudyPlan:
    """The reform at ``path`` at each take-up share, against the baseline it extends.

    The reference is the baseline (take-up 0); each point is the reform with every take-up share
    it sets (``role: take_up`` fields, :mod:`clearsim.models.roles`) at the same value, so the
    paired differences are the reform's effect as participation grows.
    """
    _check_common(replications, seed)
    try:
        check = check_file(path)
    except ScenarioError as error:
        raise PlanError(str(error)) from None
    except OSError as error:
        raise PlanError(f"{path}: {error.strerror or error}") from None
    if check is None or check.kind != "reform":
        raise PlanError(f"{path}: --take-up needs a reform file that extends its baseline")
    paths = [d.path for d in check.differences if d.role == "take_up"]
    if not paths:
        raise PlanError(f"{path}: the reform sets no take-up share (it applies to everyone)")
    reform = _load(path)
    common = {
        "replications": replications or reform.replications,
        "seed": reform.seed if seed is None else seed,
    }
    base, reform = _load(str(check.parent), **common), _load(path, **common)
    specs, parameters = [base], [{"take_up": 0.0}]
    for share in shares:
        point = dict.fromkeys(paths, share)
        label = point_label(reform.name, {"take_up": share})
        try:
            specs.append(with_values(reform, {**point, "name": label}))
        except OverrideError as error:
            raise PlanError(f"{path}: {error}") from None
        parameters.append({"take_up": share})
    design = {"file": path, "baseline": str(check.parent), "take_up": list(shares), "paths": paths}
    return _plan(
        SWEEP,
        specs,
        parameters,
        root_seed=common["seed"],
        replications=common["replications"],
        design=design,
    )


def sweep_plan(
    path: str,
    grid: Mapping[str, Sequence[Any]] | None = None,
    lhs: Mapping[str, Sequence[float]] | None = None,
    samples: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    take_up: Sequence[float] | None = None,
) -> StudyPlan:
    """The scenario at ``path`` as the reference, then one scenario per grid or hypercube point.

    With ``take_up``, the reform at ``path`` at each share against its baseline
    (:func:`take_up_plan`).
    """
    if take_up:
        if grid or lhs:
            raise PlanError("--take-up sweeps take-up alone; leave out --set and --lhs")
        return take_up_plan(path, take_up, replications, seed)
    if bool(grid) == bool(lhs):
        raise PlanError(
            "a sweep needs --set path=v1,v2,..., --lhs path=low:high or --take-up s1,s2,..."
        )
    if lhs and not samples:
        raise PlanError("a Latin hypercube needs --samples N")
    _check_common(replications, seed)
    base = _load(path)
    common = {
        "replications": replications or base.replications,
        "seed": base.seed if seed is None else seed,
    }
    base = _load(path, **common)
    try:
        if grid:
            points = grid_points({k: list(v) for k, v in grid.items()})
            design: dict[str, Any] = {"file": path, "grid": {k: list(v) for k, v in grid.items()}}
        else:
            assert lhs is not None and samples is not None
            ranges = {k: (v[0], v[1]) for k, v in lhs.items()}
            points = latin_hypercube(ranges, samples, common["seed"])
            design = {
                "file": path,
                "lhs": {k: list(v) for k, v in ranges.items()},
                "samples": samples,
            }
    except ValueError as error:
        raise PlanError(str(error)) from None
    specs = [base]
    parameters: list[dict[str, Any]] = [{}]
    for point in points:
        try:
            specs.append(with_values(base, {**point, "name": point_label(base.name, point)}))
        except OverrideError as error:
            raise PlanError(f"{path}: {error}") from None
        parameters.append(dict(point))
    return _plan(
        SWEEP,
        specs,
        parameters,
        root_seed=common["seed"],
        replications=common["replications"],
        design=design,
    )


def check_practical_h(practical_h: float) -> None:
    """A practical threshold is a finite number of hours >= 0."""
    if not (math.isfinite(practical_h) and practical_h >= 0):
        raise PlanError(f"--practical-h must be a number of hours >= 0 (got {practical_h:g})")


def lever_plan(
    paths: Sequence[str],
    replications: int | None = None,
    seed: int | None = None,
    practical_h: float = DEFAULT_PRACTICAL_H,
) -> StudyPlan:
    """The first file, the other files compared with it, then the first file's levers.

    Every lever (:func:`clearsim.scenarios.levers.lever_variants`) is stored as a scenario of the
    study whose parameters name the lever and the reference it varies, so a stored study shows
    its levers; all run on the first file's (or the given) seed and replications.
    """
    if not paths:
        raise PlanError("--levers needs a scenario file")
    _check_common(replications, seed)
    check_practical_h(practical_h)
    first = _load(paths[0])
    common = {
        "replications": replications or first.replications,
        "seed": first.seed if seed is None else seed,
    }
    specs = [_load(path, **common) for path in paths]
    parameters: list[dict[str, Any]] = [{"file": str(path)} for path in paths]
    for lever in lever_variants(specs[0]):
        specs.append(lever.scenario)
        parameters.append(lever.parameters(specs[0].name))
    return _plan(
        LEVERS,
        specs,
        parameters,
        root_seed=common["seed"],
        replications=common["replications"],
        design={
            "files": [str(path) for path in paths],
            "levers_of": specs[0].name,
            "practical_h": practical_h,
        },
    )


def sensitivity_plan(
    path: str,
    parameters: Sequence[str],
    delta_pct: float,
    replications: int | None = None,
    seed: int | None = None,
) -> StudyPlan:
    """The file, then a low and a high variant of it for each parameter (one at a time).

    Every variant (:func:`clearsim.scenarios.sensitivity.sensitivity_variants`) is stored as a
    scenario of the study whose parameters name the parameter, the side and the values; all run
    on the file's (or the given) seed and replications (common random numbers).
    """
    _check_common(replications, seed)
    try:
        check_delta(delta_pct)
    except SensitivityError as error:
        raise PlanError(str(error)) from None
    first = _load(path)
    common = {
        "replications": replications or first.replications,
        "seed": first.seed if seed is None else seed,
    }
    base = _load(path, **common)
    try:
        made = sensitivity_variants(base, parameters, delta_pct)
    except SensitivityError as error:
        raise PlanError(str(error)) from None
    return _plan(
        SENSITIVITY,
        [base, *(v.scenario for v in made)],
        [{"file": path}, *(v.parameters(base.name, delta_pct) for v in made)],
        root_seed=common["seed"],
        replications=common["replications"],
        design={
            "file": path,
            "parameters": list(parameters),
            "delta_pct": delta_pct,
            "sensitivity_of": base.name,
        },
    )
