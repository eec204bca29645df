"""Terminal tables at 80 columns: every name and number whole, no line wider than the console."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from clearsim.analysis.aggregate import aggregate
from clearsim.flows.report.fit import fit_tables
from clearsim.flows.report.render import print_report
from clearsim.models.scenario import Scenario
from clearsim.simulation.run import RunResult


def _printed(width: int, report_args: tuple[object, ...]) -> list[str]:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None)
    print_report(console, *report_args)  # type: ignore[arg-type]
    return out.getvalue().splitlines()


def test_a_run_reads_at_80_columns(mmc_scenario: Scenario, mmc_runs: list[RunResult]) -> None:
    report = aggregate(mmc_scenario.name, [r.summary for r in mmc_runs], mmc_scenario.monitoring)
    lines = _printed(80, (report, "header"))
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert "…" not in text
    for name in ("release->exit", "arrival->release", "inspection_lanes", "mean wait min"):
        assert name in text
    segment = next(s for s in report.segments if s.segment == "arrival->exit")
    assert f"{segment.mean_h.mean:.1f} ± {segment.mean_h.half_width:.1f}" in text
    wide = _printed(200, (report, "header"))
    assert len(wide) < len(lines)  # one table each, no parts, when there is room


def test_parts_repeat_the_name_columns_and_keep_every_cell() -> None:
    table = Table(title="t")
    table.add_column("scenario", justify="left")
    table.add_column("segment", justify="left")
    for i in range(6):
        table.add_column(f"value {i}", justify="right")
    table.add_row(
        "sea_import_ship_side_pickup", "arrival->release", *[f"-1{i}.61 ± 1.85 *" for i in range(6)]
    )
    parts = fit_tables(table, 80)
    assert len(parts) > 1
    assert all([c.header for c in p.columns][:2] == ["scenario", "segment"] for p in parts)
    headers = [c.header for p in parts for c in p.columns[2:]]
    assert headers == [f"value {i}" for i in range(6)]
    assert parts[0].title == f"t (1/{len(parts)})"
    for part in parts:
        out = io.StringIO()
        Console(file=out, width=80, color_system=None).print(part)
        assert max(len(line) for line in out.getvalue().splitlines()) <= 80
        assert "sea_import_ship_side_pickup" in out.getvalue()
