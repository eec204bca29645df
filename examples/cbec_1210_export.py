"""1210 special-zone export at Dongxihu CBZ: where an order's hours go before it flies.

Sellers move goods into the zone in batches; an overseas consumer's order is declared on a
per-parcel list when sold, picked, X-rayed if sampled, released, written off the bonded account,
trucked to Tianhe and flown out on one of two daily flights. The script runs the baseline and
``scenarios/cbec_1210_export_7x24.yaml`` (the officers who review flagged lists work around the
clock) on the same random numbers: customs is fast either way, and most of the time to departure
is the wait for the flight, which a reform of customs cannot shorten.

Run from the repository's root::

    python examples/cbec_1210_export.py
"""

import clearsim

SHORT = {"horizon_min": 2 * 24 * 60}  # a day of warm-up, then one day measured
baseline = clearsim.load_scenario("scenarios/cbec_1210_export_baseline.yaml", SHORT)
reform = clearsim.load_scenario("scenarios/cbec_1210_export_7x24.yaml", SHORT)
comparison = clearsim.compare([baseline, reform], replications=3, workers=1)

segments = comparison.segments()
segments = segments[segments.channel == "all"].set_index(["scenario", "segment"])
diffs = comparison.differences()
diffs = diffs[(diffs.channel == "all") & (diffs.statistic == "mean_h")].set_index("segment")

print("3 replications, mean hours; difference = 7x24 - baseline, paired, 95% CI\n")
print(f"{'segment':<19} {'baseline':>8} {'7x24':>8} {'difference':>10}  95% CI")
for segment in ("arrival->release", "release->exit", "release->departure", "arrival->departure"):
    base, new = (segments.loc[(s.name, segment), "mean_h"] for s in (baseline, reform))
    d = diffs.loc[segment]
    print(
        f"{segment:<19} {base:8.2f} {new:8.2f} {d.difference:10.2f}  "
        f"[{d.difference_low:.2f}, {d.difference_high:.2f}]"
    )
