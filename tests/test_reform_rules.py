"""House rule 13 over the catalogue: a reform changes rules and take-up only, never behaviour.

Behaviour (document readiness, pick-up habits, carriers) is calibrated once on the baseline and
shared; a reform file switches rules on (a procedure, a routing, a calendar) at the catalogue's
common take-up, so reforms compare at equal participation. A what-if changes capacity, demand
or run set-up only.
"""

from __future__ import annotations

import pytest
from factories import ROOT, SCENARIOS
from pydantic import BaseModel

from clearsim.flows.execution.study_plans import PlanError, parse_take_up, take_up_plan
from clearsim.models.base import FrozenSpec
from clearsim.models.roles import CATALOGUE_TAKE_UP, ROLES, field_role
from clearsim.models.scenario import Scenario
from clearsim.scenarios.catalogue import shipped_scenarios
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.reform_rules import check_file, classify, differences, rule_problems

EXTENDING = [
    entry.path.name
    for entry in shipped_scenarios()
    if entry.path.parent == SCENARIOS and check_file(entry.path) is not None
]


def test_the_catalogue_has_reforms_and_what_ifs() -> None:
    kinds = {name: check_file(SCENARIOS / name).kind for name in EXTENDING}  # type: ignore[union-attr]
    assert sum(kind == "reform" for kind in kinds.values()) >= 10, kinds
    assert {"yangluo_more_lanes.yaml", "cbec_1210_double11.yaml"} <= {
        name for name, kind in kinds.items() if kind == "what-if"
    }


@pytest.mark.parametrize("name", EXTENDING)
def test_a_shipped_file_changes_only_what_its_kind_may(name: str) -> None:
    check = check_file(SCENARIOS / name)
    assert check is not None
    assert check.kind != "same", f"{name} changes nothing against {check.parent.name}"
    assert not check.problems, f"{name} ({check.kind} of {check.parent.name}):\n" + "\n".join(
        check.problems
    )


def _specs(model: type[BaseModel]) -> list[type[BaseModel]]:
    found = [model]
    for sub in model.__subclasses__():
        found += _specs(sub)
    return found


def _roles() -> dict[str, str | None]:
    return {
        f"{model.__name__}.{name}": field_role(model, name)
        for model in [Scenario, *_specs(FrozenSpec)]
        for name in model.model_fields
        if field_role(model, name)
    }


def test_every_role_is_known() -> None:
    roles = _roles()
    assert len(roles) >= 20, roles
    assert set(roles.values()) <= set(ROLES), roles


def test_every_marked_field_is_in_the_schema_reference() -> None:
    text = (ROOT / "docs" / "reference" / "scenario-schema.md").read_text(encoding="utf-8")
    section = text[text.index("## Roles") : text.index("## Top level")]
    rows = {line.split("|")[1].strip(" `"): line for line in section.splitlines() if "| `" in line}
    for field, kind in _roles().items():
        assert f"`{field}`" in rows.get(str(kind), ""), f"{field} ({kind}) is not in its row"


def test_a_reform_that_changes_behaviour_is_refused() -> None:
    base = load_scenario(SCENARIOS / "sea_export_baseline.yaml")
    spec = base.processes[0]
    reform = spec.model_copy(
        update={
            "direct_loading": spec.direct_loading.model_copy(
                update={"enabled": True, "share": CATALOGUE_TAKE_UP}
            ),
            "aeo_share": 0.5,  # who the exporters are is not a rule
        }
    )
    found = differences(base, base.model_copy(update={"processes": (reform,)}))
    assert classify(found) == "reform"
    (problem,) = rule_problems(found)
    assert problem.startswith(
        "processes.yangluo_export.aeo_share: a reform may not change behaviour"
    )


def test_take_up_must_be_the_common_one() -> None:
    base = load_scenario(SCENARIOS / "sea_export_baseline.yaml")
    spec = base.processes[0]
    reform = spec.model_copy(
        update={
            "direct_loading": spec.direct_loading.model_copy(update={"enabled": True, "share": 0.5})
        }
    )
    found = differences(base, base.model_copy(update={"processes": (reform,)}))
    assert [p.split(":")[0] for p in rule_problems(found)] == [
        "processes.yangluo_export.direct_loading.share"
    ]
    assert rule_problems(found, take_up=None) == []


def test_a_what_if_may_not_change_a_rule_and_capacity_together_silently() -> None:
    base = load_scenario(SCENARIOS / "sea_import_baseline.yaml")
    lanes = base.resources["inspection_lanes"]
    other = base.model_copy(
        update={
            "resources": {
                **base.resources,
                "inspection_lanes": lanes.model_copy(
                    update={"capacity": 5, "node": "YANGLUO_PORT"}
                ),
            }
        }
    )
    found = differences(base, other)
    assert classify(found) == "what-if"
    assert [p.split(":")[0] for p in rule_problems(found)] == ["resources.inspection_lanes.node"]


def test_a_take_up_sweep_runs_the_reform_against_its_baseline() -> None:
    shares = parse_take_up("0.25,0.5,1")
    plan = take_up_plan(str(SCENARIOS / "air_apron_direct.yaml"), shares, replications=3)
    names = [spec.name for spec in plan.scenarios]
    assert names[0] == "air_cargo_baseline"
    assert names[1:] == [f"air_apron_direct[take_up={s:g}]" for s in shares]
    assert [p["take_up"] for p in plan.parameters] == [0.0, *shares]
    for spec, share in zip(plan.scenarios[1:], shares, strict=True):
        (air,) = spec.processes
        assert air.apron_pickup.share == air.apron_loading.share == share  # type: ignore[union-attr]
        assert air.apron_pickup.enabled  # type: ignore[union-attr]
    assert all(spec.replications == 3 for spec in plan.scenarios)


@pytest.mark.parametrize(
    ("text", "file", "message"),
    [
        ("0,0.5", "air_apron_direct.yaml", "is not in (0, 1] (take-up 0 is the baseline"),
        ("0.5,x", "air_apron_direct.yaml", "'x' is not a number"),
        ("0.5,0.5", "air_apron_direct.yaml", "a share is given twice"),
        ("0.5", "sea_import_baseline.yaml", "needs a reform file that extends its baseline"),
        ("0.5", "yangluo_more_lanes.yaml", "needs a reform file that extends its baseline"),
        ("0.5", "sea_import_7x24.yaml", "sets no take-up share"),
    ],
)
def test_a_bad_take_up_sweep_is_one_line(text: str, file: str, message: str) -> None:
    with pytest.raises(PlanError) as error:
        take_up_plan(str(SCENARIOS / file), parse_take_up(text))
    assert message in str(error.value)
    assert "\n" not in str(error.value)
