"""Air cargo at Tianhe: import, transfer and export shipments, baseline against the apron pilots.

Every flight brings import and transfer ULDs and takes export and transfer ULDs; conventionally
each is towed to the cargo terminal, broken down, stored and built up. Apron direct pickup and
loading (机坪直提 / 机坪直装, ``scenarios/air_apron_direct.yaml``) let 40% of importers take a
released ULD at the stand and 40% of exporters deliver pre-built ULDs straight to it; airside
direct transfer (空侧直转, ``scenarios/air_airside_transfer.yaml``) tows 60% of transfer pallets
whole from stand to stand. The script runs the three on the same random numbers and prints each
flow's arrival->exit time in hours with the reforms' paired differences (95% intervals, jointly
by Bonferroni) and the change in the warehouse teams' utilisation: each pilot shortens the flow
it targets, and the work it takes out of the terminal helps the other flows a little. Shipments
are measured over four days of arrivals (the files measure a week) to keep the run short.

Run from the repository's root::

    python examples/air_cargo.py
"""

import clearsim

SHORT = {"horizon_min": 7 * 24 * 60}  # three days of warm-up, then four days measured
comparison = clearsim.compare(
    [
        clearsim.load_scenario(f"scenarios/{name}.yaml", SHORT)
        for name in ("air_cargo_baseline", "air_apron_direct", "air_airside_transfer")
    ],
    replications=5,
    workers=1,
)
baseline = comparison.reference.scenario.name
segments = comparison.segments()
segments = segments[(segments.segment == "arrival->exit") & (segments.channel == "all")]
segments = segments.set_index(["scenario", "direction"])
diffs = comparison.differences()
diffs = diffs[
    (diffs.segment == "arrival->exit") & (diffs.channel == "all") & (diffs.statistic == "mean_h")
].set_index(["scenario", "direction"])

print("5 replications, arrival->exit of every channel, hours; difference = reform - baseline\n")
print(
    f"{'flow':<9} {'scenario':<21} {'shipments':>9} {'mean':>5} {'p90':>5} "
    f"{'difference':>10}  95% CI"
)
for direction in ("import", "transit", "export"):
    for runs in comparison.runs:
        name = runs.scenario.name
        row = segments.loc[(name, direction)]
        line = f"{direction:<9} {name:<21} {row.cases:9.0f} {row.mean_h:5.1f} {row.p90_h:5.1f}"
        if name != baseline:
            d = diffs.loc[(name, direction)]
            line += f" {d.difference:10.1f}  [{d.difference_low:.1f}, {d.difference_high:.1f}]"
        print(line)

# Whole pallets towed airside leave the warehouse teams: their utilisation, paired.
staff = comparison.resource_differences().set_index(["scenario", "resource", "statistic"])
print()
for runs in comparison.runs[1:]:
    d = staff.loc[(runs.scenario.name, "tianhe_warehouse_staff", "utilisation")]
    print(
        f"{runs.scenario.name}: warehouse staff utilisation {d.difference:+.3f} "
        f"[{d.difference_low:.3f}, {d.difference_high:.3f}]"
    )
