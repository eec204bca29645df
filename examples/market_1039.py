"""1039 market procurement at Hankou North: batch inspection and video inspection of exports.

Procurement traders buy many small lots from the market's stalls; the goods are gathered into a
consignment, declared by an agent (the five largest items one by one, the rest merged by tariff
chapter), inspected where the rules ask, released at the market and trucked in a container to
Yangluo or Wujiashan for the next vessel or train. ``scenarios/market_1039_batch_inspection.yaml``
(出口批次检验, SEED-003 s8) lets a pilot trader's later consignments of an inspected production
batch go on its result; ``market_1039_video_inspection.yaml`` examines a selected consignment by
video at the consolidation warehouse. The script compares both with the baseline on the same
random numbers: the export TRS to departure in hours and the inspection lanes' utilisation.

Run from the repository's root::

    python examples/market_1039.py
"""

import clearsim

SHORT = {"horizon_min": 4 * 24 * 60}  # a day of warm-up, then three days measured
files = ("baseline", "batch_inspection", "video_inspection")
scenarios = [clearsim.load_scenario(f"scenarios/market_1039_{f}.yaml", SHORT) for f in files]
comparison = clearsim.compare(scenarios, replications=3, workers=1)

segments = comparison.segments()
segments = segments[segments.channel == "all"].set_index(["scenario", "segment"])
diffs = comparison.differences()
diffs = diffs[(diffs.channel == "all") & (diffs.statistic == "mean_h")]
diffs = diffs.set_index(["scenario", "segment"])

print("3 replications, mean hours; difference = reform - baseline, paired, 95% CI\n")
print(f"{'scenario':<30} {'segment':<19} {'mean':>6} {'difference':>10}  95% CI")
for scenario in scenarios:
    for segment in ("arrival->release", "arrival->departure"):
        mean = segments.loc[(scenario.name, segment), "mean_h"]
        line = f"{scenario.name:<30} {segment:<19} {mean:6.2f}"
        if scenario is not scenarios[0]:
            d = diffs.loc[(scenario.name, segment)]
            line += f" {d.difference:10.2f}  [{d.difference_low:.2f}, {d.difference_high:.2f}]"
        print(line)

lanes = [
    r.resources().set_index("resource").loc["hankou_north_inspection_lanes", "utilisation"]
    for r in comparison.runs
]
print("\ninspection lanes busy: " + ", ".join(f"{u:.2f}" for u in lanes))
