"""The planner's what-if: the variant built from the baseline, bad choices refused in one line,
the ``clearsim-what-if`` flow end to end, and artifact keys that name their study store."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import ROOT
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.exceptions import ParameterTypeError
from sqlalchemy.engine import make_url
from test_studies import tiny_mmc
from test_study_flow import artifact_keys

from clearsim.flows.execution.whatif_flow import what_if
from clearsim.flows.report.artifacts import default_report_path, store_digest, study_key
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.what_if import WhatIfChoices, WhatIfError, what_if_variant

BASELINE = ROOT / "scenarios" / "sea_import_baseline.yaml"


def test_variant_sets_servers_hours_and_take_up_from_the_baseline() -> None:
    base = load_scenario(BASELINE)
    choices = WhatIfChoices(
        customs_officers=8,
        inspection_lanes=4,
        gate_lanes=5,
        officer_hours="7x24",
        advance_declaration_share=0.6,
        ship_side_pickup_share=0.2,
    )
    variant = what_if_variant(base, choices)
    resources = variant.resources
    assert (resources["customs_officers"].capacity, resources["inspection_lanes"].capacity) == (
        8,
        4,
    )
    assert resources["gate_lanes"].capacity == 5
    assert resources["customs_officers"].calendar == "always"
    assert resources["inspection_lanes"].calendar == base.resources["inspection_lanes"].calendar
    (process,) = variant.processes
    assert process.declaration.advance_share == 0.6  # type: ignore[union-attr]
    assert process.ship_side_pickup.enabled and process.ship_side_pickup.share == 0.2  # type: ignore[union-attr]
    assert variant.name.startswith("sea_import_baseline[what-if: customs_officers=8")
    assert (variant.seed, variant.replications) == (base.seed, base.replications)
    # Nothing chosen beyond the servers: the rest is the file's.
    only = what_if_variant(base, WhatIfChoices(gate_lanes=4))
    assert only.model_dump(exclude={"name"}) == base.model_dump(exclude={"name"})


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (WhatIfChoices(), "what-if: choose at least one"),
        (WhatIfChoices(customs_officers=0), "customs_officers: must be at least 1"),
        (
            WhatIfChoices(advance_declaration_share=1.5),
            "advance_declaration_share: must be a share",
        ),
        (WhatIfChoices(volume_multiplier=2.0), "volume_multiplier: sea_import_baseline has no"),
    ],
)
def test_bad_choices_are_refused_in_one_named_line(choices: WhatIfChoices, message: str) -> None:
    with pytest.raises(WhatIfError) as raised:
        what_if_variant(load_scenario(BASELINE), choices)
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)


def test_artifact_keys_differ_between_stores_and_hide_the_password(tmp_path: Path) -> None:
    a, b = make_url(f"sqlite:///{tmp_path / 'a.db'}"), make_url(f"sqlite:///{tmp_path / 'b.db'}")
    assert study_key(a, 3) != study_key(b, 3)
    assert study_key(a, 3) == study_key(make_url(f"sqlite:///{tmp_path / 'a.db'}"), 3)
    assert study_key(a, 3).startswith("clearsim-") and study_key(a, 3).endswith("-study-3")
    with_pw = make_url("postgresql+psycopg://user:secret@host/clearsim")
    assert store_digest(with_pw) == store_digest(
        make_url("postgresql+psycopg://user@host/clearsim")
    )
    assert default_report_path(a, 3) == tmp_path / "reports" / f"{study_key(a, 3)}.html"


@pytest.mark.prefect
def test_what_if_flow_compares_stores_and_links_its_report(
    prefect_harness: str, tmp_path: Path
) -> None:
    base = str(tiny_mmc(tmp_path, "base"))
    db_url = f"sqlite:///{tmp_path / 'whatif.db'}"
    state = what_if(
        scenario_path=base, inspection_lanes=4, replications=2, db_url=db_url, return_state=True
    )
    document = state.result()
    names = [s["scenario"]["name"] for s in document["scenarios"]]
    assert names == ["base", "base[what-if: inspection_lanes=4]"]
    assert document["kind"] == "compare" and document["simulated"] == 4
    faster = [
        d["difference"]["mean"]
        for d in document["differences"]
        if (d["segment"], d["channel"]) == ("arrival->release", "all")
    ]
    assert min(faster) < 0 and max(faster) <= 0  # a lane more, the same arrivals: faster
    key = study_key(make_url(db_url), document["study_id"])
    keys = artifact_keys(state.state_details.flow_run_id)
    assert (keys[key], keys[f"{key}-report"], keys[f"{key}-report-html"]) == ("markdown",) * 3
    report = tmp_path / "reports" / f"{key}.html"
    assert report.read_text(encoding="utf-8").startswith("<!")
    with get_client(sync_client=True) as client:  # a link artifact is stored as markdown
        (link,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[f"{key}-report-html"]))
        )
    assert report.resolve().as_uri() in str(link.data)

    # Refused in one line naming the value, before anything is stored.
    untouched = tmp_path / "untouched.db"
    refused = what_if(
        scenario_path=base, gate_lanes=2, db_url=f"sqlite:///{untouched}", return_state=True
    )
    assert refused.is_failed() and not untouched.exists()
    assert refused.message == "gate_lanes: base has no gate lane resource"
    with pytest.raises(ParameterTypeError, match="customs_officers"):
        what_if(scenario_path=base, customs_officers=0, db_url=f"sqlite:///{untouched}")
    assert not untouched.exists()
