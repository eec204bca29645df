"""9710 B2B direct export: inspect before loading and video inspection against the baseline.

B2B consignments leave Wuhan by air (Tianhe), China-Europe train (Wujiashan) or river feeder
(Yangluo); the rail and river ones are LCL, packed with other exporters' goods into a container at
a consolidation warehouse. Conventionally, when customs selects one consignment for a check, the
whole container is taken to the inspection area, unpacked and repacked, and every consignment in
it waits. ``scenarios/cbec_9710_inspect_before_loading.yaml`` (先查验后装运, SEED-003 s1, s3)
checks the selected consignment at the warehouse before packing; ``cbec_9710_video_inspection.yaml``
examines it by video at the exporter's premises. The script compares both with the baseline on
the same random numbers: the export TRS to departure, in hours, and the paired differences.
Consignments are measured over three days after the week of warm-up to keep the run short.

Run from the repository's root::

    python examples/cbec_9710.py
"""

import clearsim

SHORT = {"horizon_min": 10 * 24 * 60}  # a week of warm-up, then three days measured
files = ("baseline", "inspect_before_loading", "video_inspection")
scenarios = [clearsim.load_scenario(f"scenarios/cbec_9710_{f}.yaml", SHORT) for f in files]
comparison = clearsim.compare(scenarios, replications=3, workers=1)

segments = comparison.segments()
segments = segments[segments.channel == "all"].set_index(["scenario", "segment"])
diffs = comparison.differences()
diffs = diffs[(diffs.channel == "all") & (diffs.statistic == "mean_h")]
diffs = diffs.set_index(["scenario", "segment"])

print("3 replications, mean hours; difference = reform - baseline, paired, 95% CI\n")
print(f"{'scenario':<33} {'segment':<19} {'mean':>6} {'difference':>10}  95% CI")
for scenario in scenarios:
    for segment in ("arrival->release", "release->departure", "arrival->departure"):
        mean = segments.loc[(scenario.name, segment), "mean_h"]
        line = f"{scenario.name:<33} {segment:<19} {mean:6.1f}"
        if scenario is not scenarios[0]:
            d = diffs.loc[(scenario.name, segment)]
            line += f" {d.difference:10.1f}  [{d.difference_low:.1f}, {d.difference_high:.1f}]"
        print(line)
