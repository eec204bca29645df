"""The Python API in one script: load, override, run, read DataFrames, compare.

A planner's question on the rail import at Wujiashan: what if the customs officers and the
inspection lanes served around the clock (7x24 appointment service) instead of office hours?
The script loads ``scenarios/rail_import_baseline.yaml``, makes the variant with overrides
(dotted paths, as ``clearsim run --set`` takes them), runs replications, reads the TRS segments,
the resources, the shipments and the event log as pandas DataFrames, and compares the two
scenarios under common random numbers. ``docs/guides/python-api.md`` describes every call.

Run from the repository's root::

    python examples/python_api.py
"""

import clearsim

base = clearsim.load_scenario("scenarios/rail_import_baseline.yaml")
around_the_clock = clearsim.load_scenario(
    base,
    {
        "name": "rail_import_7x24",
        "resources.wujiashan_customs_officers.calendar": "always",
        "resources.wujiashan_inspection_lanes.calendar": "always",
    },
)
officers = "wujiashan_customs_officers"
print(f"{base.name} ({base.kind}): {base.description}")
print(
    f"{around_the_clock.name}: officers' calendar {base.resources[officers].calendar} -> "
    f"{around_the_clock.resources[officers].calendar}\n"
)

# Replications: TRS segments and resources, each statistic a mean with its 95% interval.
runs = clearsim.run(base, replications=3, workers=1)
segments = runs.segments()
columns = ["segment", "cases", "mean_h", "mean_h_low", "mean_h_high", "p90_h"]
print(segments.loc[segments.channel == "all", columns].round(1).to_string(index=False) + "\n")
columns = ["resource", "capacity", "utilisation", "mean_wait_min"]
print(runs.resources()[columns].round(2).to_string(index=False) + "\n")

# One replication's shipments, their milestones as Asia/Shanghai timestamps, and the event
# log with pm4py/XES column names (pm4py reads it as it is).
cases = runs.cases(0).round({"arrival_to_release_h": 1})
columns = ["case_id", "channel", "arrival", "release", "arrival_to_release_h"]
print(cases[columns].head(3).to_string(index=False) + "\n")
events = runs.events(0)
box = events[
    (events["case:concept:name"] == cases.case_id.iloc[0])
    & (events["lifecycle:transition"] == "complete")
]
columns = ["concept:name", "org:resource", "time:timestamp"]
print(f"{len(events)} events; those that complete an activity of {cases.case_id.iloc[0]}:")
print(box[columns].to_string(index=False) + "\n")

# A paired comparison: the same trains and boxes (same seed, same replications) in both.
comparison = clearsim.compare([base, around_the_clock], replications=3, workers=1)
diffs = comparison.differences()
columns = ["channel", "difference", "difference_low", "difference_high", "significant"]
in_customs = diffs[(diffs.segment == "lodgement->release") & (diffs.statistic == "mean_h")]
print("lodgement->release, 7x24 - office hours (h):")
print(in_customs[columns].round(1).to_string(index=False) + "\n")
waits = comparison.resource_differences()
columns = ["resource", "difference", "difference_low", "difference_high"]
print("mean wait for a resource, 7x24 - office hours (min):")
print(waits.loc[waits.statistic == "mean_wait_min", columns].round(1).to_string(index=False))
