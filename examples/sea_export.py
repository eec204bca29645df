"""Sea export at Yangluo: the port stay of export boxes, baseline against direct loading.

Conventional export boxes gate in one to six days before their vessel and wait in the export yard;
under direct loading on arrival (抵港直装, ``scenarios/sea_export_direct_loading.yaml``) half of
the shippers declare in advance and their truck is called into the vessel's loading window, so the
box goes from the gate straight to the quay. The script compares the two on the same random
numbers: the TRS segments in hours (arrival is the gate-in, exit the loading onto the vessel) and
the yard equipment the reform frees. Boxes are measured over three days of gate arrivals after
the week of warm-up (the files measure two weeks) to keep the run short.

Run from the repository's root::

    python examples/sea_export.py
"""

import clearsim

SHORT = {"horizon_min": 10 * 24 * 60}  # a week of warm-up, then three days measured
baseline = clearsim.load_scenario("scenarios/sea_export_baseline.yaml", SHORT)
reform = clearsim.load_scenario("scenarios/sea_export_direct_loading.yaml", SHORT)
comparison = clearsim.compare([baseline, reform], replications=3, workers=1)

segments = comparison.segments()
segments = segments[segments.channel == "all"].set_index(["scenario", "segment"])
diffs = comparison.differences()
diffs = diffs[(diffs.channel == "all") & (diffs.statistic == "mean_h")].set_index("segment")

print(f"{baseline.description}\nvs {reform.description}")
print("3 replications, hours; difference of the means = reform - baseline, paired, 95% CI\n")
print(f"{'':<17} {'baseline':>13} {'reform':>13}")
print(f"{'segment':<17} {'mean':>6} {'p90':>6} {'mean':>6} {'p90':>6} {'difference':>10}  95% CI")
for segment in ("arrival->release", "release->exit", "arrival->exit"):
    base, new, d = (
        segments.loc[(baseline.name, segment)],
        segments.loc[(reform.name, segment)],
        diffs.loc[segment],
    )
    print(
        f"{segment:<17} {base.mean_h:6.1f} {base.p90_h:6.1f} {new.mean_h:6.1f} {new.p90_h:6.1f} "
        f"{d.difference:10.1f}  [{d.difference_low:.1f}, {d.difference_high:.1f}]"
    )
# A negative arrival->release: the participant declared in advance and was released before
# its box reached the gate.
within_48h = [segments.loc[(s.name, "arrival->exit"), "share_48h"] for s in (baseline, reform)]
print(f"\nloaded within 48 h of gate-in: baseline {within_48h[0]:.0%}, reform {within_48h[1]:.0%}")

# Boxes that go gate -> quay need no yard crane or reach stacker.
yard = [r.resources().set_index("resource").loc["yard_equipment"] for r in comparison.runs]
change = comparison.resource_differences().set_index(["resource", "statistic"])
change = change.loc[("yard_equipment", "utilisation")]
print(
    f"yard equipment utilisation: baseline {yard[0].utilisation:.2f}, "
    f"reform {yard[1].utilisation:.2f} (difference {change.difference:.2f} "
    f"[{change.difference_low:.2f}, {change.difference_high:.2f}])"
)
