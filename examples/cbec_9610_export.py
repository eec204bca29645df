"""9610 parcel export at the Dongxihu express centre: an overseas shopping-festival peak.

Parcels sold abroad come by truck, are declared one by one on export lists, X-rayed, released by
list, sorted into their flight's bags, shuttled to Tianhe or Huahu and flown out.
``scenarios/cbec_9610_export_black_friday.yaml`` brings three times a normal day's parcels, and
``cbec_9610_export_black_friday_more_xray.yaml`` adds a third X-ray line that day. The script
compares the two on the same random numbers: the line clears parcels sooner, but the flights
keep their timetable and capacity, so parcels still miss them.

Run from the repository's root::

    python examples/cbec_9610_export.py
"""

import clearsim

SHORT = {"horizon_min": 6 * 60}  # the peak's first six hours of trucks
peak = clearsim.load_scenario("scenarios/cbec_9610_export_black_friday.yaml", SHORT)
more_xray = clearsim.load_scenario("scenarios/cbec_9610_export_black_friday_more_xray.yaml", SHORT)
comparison = clearsim.compare([peak, more_xray], replications=3, workers=1)

segments = comparison.segments()
segments = segments[segments.channel == "all"].set_index(["scenario", "segment"])
diffs = comparison.differences()
diffs = diffs[(diffs.channel == "all") & (diffs.statistic == "mean_h")].set_index("segment")

print("3 replications, mean hours; difference = third X-ray line - peak, paired, 95% CI\n")
print(f"{'segment':<19} {'peak':>7} {'+x-ray':>7} {'difference':>10}  95% CI")
for segment in ("arrival->release", "release->departure", "arrival->departure"):
    base, new = (segments.loc[(s.name, segment), "mean_h"] for s in (peak, more_xray))
    d = diffs.loc[segment]
    print(
        f"{segment:<19} {base:7.2f} {new:7.2f} {d.difference:10.2f}  "
        f"[{d.difference_low:.2f}, {d.difference_high:.2f}]"
    )
for runs in comparison.runs:
    xray = runs.resources().set_index("resource").loc["dongxihu_export_xray_lines"]
    print(f"{runs.scenario.name}: x-ray lines busy {xray.utilisation:.2f}")
