"""China-Europe rail import at Wujiashan: the baseline against its two reforms.

Trains stop at the border (Alashankou) for the gauge change and, conventionally, the transit
(转关) formalities, run to Wujiashan, and their boxes are cleared there. Rail fast clearance
(铁路快速通关, ``scenarios/rail_fast_clearance.yaml``) replaces the formalities with a check of the
arrival data on the 80% of trains whose operator uses it; "中欧班列+保税仓储"
(``scenarios/rail_bonded_storage.yaml``) sends 30% of the boxes into the bonded zone after a quick
entry check. The script runs the three on the same random numbers and prints the boxes' TRS
segments in hours with each reform's paired difference from the baseline (95% intervals, jointly
by Bonferroni): the corridor's ``border_entry->arrival`` (border stop and the run inland) shows
the border saving; then each train's stop at the border, read from the event log.

Run from the repository's root::

    python examples/rail_import.py
"""

import clearsim

comparison = clearsim.compare(
    [
        "scenarios/rail_import_baseline.yaml",
        "scenarios/rail_fast_clearance.yaml",
        "scenarios/rail_bonded_storage.yaml",
    ],
    replications=3,
    workers=1,
)
segments = comparison.segments()
segments = segments[segments.channel == "all"].set_index(["scenario", "segment"])
diffs = comparison.differences()
diffs = diffs[(diffs.channel == "all") & (diffs.statistic == "mean_h")]
diffs = diffs.set_index(["scenario", "segment"])


def border_stop_h(runs: clearsim.Replications) -> float:
    """Mean hours a train of replication 0 spends at the border, arrival to departure."""
    events = runs.events(0)
    trains = events[events["case:concept:name"].str.contains(":train:")]
    times = trains.pivot_table(index="case:concept:name", columns="concept:name", values="time_min")
    return float((times.border_departure - times.border_arrival).mean() / 60)


print("3 replications, boxes of all channels, mean hours; difference = reform - baseline")
print("train border stop: border arrival to departure, trains of replication 0 (same trains)\n")
print(f"{'scenario':<21} {'segment':<21} {'mean':>5} {'difference':>10}  95% CI")
baseline_stop = border_stop_h(comparison.reference)
for runs in comparison.runs:
    name = runs.scenario.name
    for segment in (
        "border_entry->arrival",
        "arrival->lodgement",
        "arrival->release",
        "arrival->exit",
    ):
        mean = segments.loc[(name, segment), "mean_h"]
        line = f"{name:<21} {segment:<21} {mean:5.1f}"
        if (name, segment) in diffs.index:
            d = diffs.loc[(name, segment)]
            line += f" {d.difference:10.1f}  [{d.difference_low:.1f}, {d.difference_high:.1f}]"
        print(line)
    stop = border_stop_h(runs)
    line = f"{name:<21} {'train border stop':<21} {stop:5.1f}"
    print(line if runs is comparison.reference else f"{line} {stop - baseline_stop:10.1f}")
