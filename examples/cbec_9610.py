"""9610 direct-purchase parcels at Dongxihu: a Double-11 peak day and a second X-ray line.

Every parcel flown in is X-rayed on the sorting line, released, sorted into a courier cage and
collected by a courier wave every two hours. ``scenarios/cbec_9610_double11.yaml`` brings three
times a normal day's parcels; ``scenarios/cbec_9610_double11_more_xray.yaml`` is the planner's
what-if of a second X-ray line that day. The script runs a normal day (the peak day at multiplier
1), the peak day, and the peak day with two lines, then the paired difference the second line
makes: parcels are released sooner, but they wait for the same courier waves, so the time to
exit hardly moves. Times are hours from landing.

Run from the repository's root::

    python examples/cbec_9610.py
"""

import clearsim

peak = clearsim.load_scenario("scenarios/cbec_9610_double11.yaml")
normal = clearsim.load_scenario(
    peak, {"name": "cbec_9610_normal_day", "processes.dongxihu_9610.parcel_multiplier": 1}
)
more_xray = clearsim.load_scenario("scenarios/cbec_9610_double11_more_xray.yaml")

REPLICATIONS = 4
comparison = clearsim.compare([peak, more_xray], replications=REPLICATIONS, workers=1)
every_run = [clearsim.run(normal, replications=REPLICATIONS, workers=1), *comparison.runs]

print(f"{REPLICATIONS} replications; means over replications, hours from landing\n")
print(
    f"{'scenario':<29} {'parcels':>7} {'release':>7} {'p90':>5} {'exit':>5} {'p90':>5} "
    f"{'x-ray busy':>10} {'x-ray wait min':>14}"
)
for runs in every_run:
    segments = runs.segments().set_index(["segment", "channel"])
    release, exit_ = (segments.loc[(s, "all")] for s in ("arrival->release", "arrival->exit"))
    xray = runs.resources().set_index("resource").loc["dongxihu_xray_lines"]
    print(
        f"{runs.scenario.name:<29} {exit_.cases:7.0f} {release.mean_h:7.2f} {release.p90_h:5.2f} "
        f"{exit_.mean_h:5.2f} {exit_.p90_h:5.2f} {xray.utilisation:10.2f} "
        f"{xray.mean_wait_min:14.1f}"
    )

diffs = comparison.differences()
diffs = diffs[(diffs.channel == "all") & (diffs.statistic == "mean_h")].set_index("segment")
print("\nsecond X-ray line on the peak day, paired difference of the mean (95% CI), hours:")
for segment in ("arrival->release", "release->exit", "arrival->exit"):
    d = diffs.loc[segment]
    print(f"  {segment:<17} {d.difference:6.2f}  [{d.difference_low:.2f}, {d.difference_high:.2f}]")
