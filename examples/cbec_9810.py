"""9810 export to an overseas warehouse: the filing abolished, and the train to Duisburg.

Consignments reach the Wujiashan consolidation point, are declared, released, stuffed into
containers and leave on the China-Europe train; the TRS ends at the train's departure, and the
goods reach the overseas warehouse in Duisburg some two and a half weeks later
(``overseas_warehouse_arrival``). An exporter not yet registered for 9810 first files its
overseas-warehouse business; ``scenarios/cbec_9810_no_registration.yaml`` is SEED-003 s8, which
abolishes the filing. The script compares the two on the same random numbers and reads the days
from departure to the overseas warehouse from the event log.

Run from the repository's root::

    python examples/cbec_9810.py
"""

import clearsim

baseline = clearsim.load_scenario("scenarios/cbec_9810_baseline.yaml")
reform = clearsim.load_scenario("scenarios/cbec_9810_no_registration.yaml")
comparison = clearsim.compare([baseline, reform], replications=3, workers=1)

segments = comparison.segments()
segments = segments[segments.channel == "all"].set_index(["scenario", "segment"])
diffs = comparison.differences()
diffs = diffs[(diffs.channel == "all") & (diffs.statistic == "mean_h")].set_index("segment")

print("3 replications, mean hours; difference = reform - baseline, paired, 95% CI\n")
print(f"{'segment':<19} {'baseline':>8} {'reform':>8} {'difference':>10}  95% CI")
for segment in ("arrival->lodgement", "arrival->release", "arrival->departure"):
    base, new = (segments.loc[(s.name, segment), "mean_h"] for s in (baseline, reform))
    d = diffs.loc[segment]
    print(
        f"{segment:<19} {base:8.1f} {new:8.1f} {d.difference:10.1f}  "
        f"[{d.difference_low:.1f}, {d.difference_high:.1f}]"
    )

# The overseas leg, from the first replication's event log: departure -> warehouse, in days.
events = comparison.runs[0].events(0)
milestones = events[events["concept:name"].isin(["departure", "overseas_warehouse_arrival"])]
at = milestones.pivot_table(
    index="case:concept:name", columns="concept:name", values="time_min", observed=True
)
leg = (at["overseas_warehouse_arrival"] - at["departure"]).dropna() / 1440
print(f"\ndeparture -> overseas warehouse: {leg.mean():.1f} days, {len(leg)} consignments")
