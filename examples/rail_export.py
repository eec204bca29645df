"""China-Europe rail export from Wujiashan: the baseline against its three reforms.

Boxes reach Wujiashan by road (full boxes from the exporters, LCL boxes stuffed at the CFS,
international transit boxes from Yangluo), are declared, screened and, if red, inspected, and
leave on the first daily China-Europe train with room whose cut-off they make; the train stops at
Alashankou for the gauge change and, conventionally, the export transit (转关) formalities, then
runs to Duisburg. 铁路快通 (``scenarios/rail_export_fast_transit.yaml``) drops the formalities at
the border; 过境班列集拼 (``scenarios/rail_export_transit_consolidation.yaml``) puts transit boxes
on the scheduled train instead of the weekly transit train; 先查验后装运
(``scenarios/rail_export_inspect_before_loading.yaml``) inspects red LCL goods at the CFS before
stuffing. The script runs the four on the same random numbers and prints the boxes' TRS segments
in hours with each reform's paired difference from the baseline (95% intervals, jointly by
Bonferroni); ``arrival->exit`` ends when the train leaves China at the border.

Run from the repository's root::

    python examples/rail_export.py
"""

import clearsim

comparison = clearsim.compare(
    [
        "scenarios/rail_export_baseline.yaml",
        "scenarios/rail_export_fast_transit.yaml",
        "scenarios/rail_export_transit_consolidation.yaml",
        "scenarios/rail_export_inspect_before_loading.yaml",
    ],
    replications=3,
    workers=1,
)
segments = comparison.segments()
segments = segments[segments.channel == "all"].set_index(["scenario", "segment"])
diffs = comparison.differences()
diffs = diffs[(diffs.channel == "all") & (diffs.statistic == "mean_h")]
diffs = diffs.set_index(["scenario", "segment"])

print("3 replications, boxes of all channels, mean hours; difference = reform - baseline\n")
print(f"{'scenario':<34} {'segment':<19} {'mean':>6} {'difference':>10}  95% CI")
for runs in comparison.runs:
    name = runs.scenario.name
    for segment in ("arrival->release", "release->departure", "arrival->exit"):
        mean = segments.loc[(name, segment), "mean_h"]
        line = f"{name:<34} {segment:<19} {mean:6.1f}"
        if (name, segment) in diffs.index:
            d = diffs.loc[(name, segment)]
            line += f" {d.difference:10.1f}  [{d.difference_low:.1f}, {d.difference_high:.1f}]"
        print(line)
