"""1210 bonded e-commerce import at East Lake: what the Double-11 peak does to the warehouse.

``scenarios/cbec_1210_double11.yaml`` is one terminating day, 11 November, with three times a
normal day's orders and a normal day's staff. The script runs that day at order multipliers 1
(a normal day), 2 and 3 (the file's peak): customs keeps up (orders are declared and released
within minutes, only the few lists flagged to an officer wait for office hours), but the pickers
saturate, so parcels wait in the warehouse for their courier wave and the backlog runs into the
next days. Times are hours from the order to release and to exit (the parcel leaving the zone).

Run from the repository's root::

    python examples/cbec_1210.py
"""

import clearsim

peak_day = clearsim.load_scenario("scenarios/cbec_1210_double11.yaml")

print(f"{peak_day.description}\n2 replications per multiplier, means over replications\n")
print(f"{'':<17}{'hours from order to':^24} {'bonded pickers':^23}".rstrip())
print(
    f"{'orders x':>8} {'orders':>7} {'release':>7} {'exit':>6} {'exit p90':>9} "
    f"{'busy':>5} {'wait h':>7} {'max queue':>9}"
)
for multiplier in (1, 2, 3):
    day = clearsim.load_scenario(
        peak_day,
        {"name": f"orders_x{multiplier}", "processes.east_lake_1210.order_multiplier": multiplier},
    )
    runs = clearsim.run(day, replications=2, workers=1)
    segments = runs.segments().set_index(["segment", "channel"])
    release = segments.loc[("arrival->release", "all")]
    exit_ = segments.loc[("arrival->exit", "all")]
    pickers = runs.resources().set_index("resource").loc["east_lake_pickers"]
    print(
        f"{multiplier:>8} {exit_.cases:7.0f} {release.mean_h:7.2f} {exit_.mean_h:6.1f} "
        f"{exit_.p90_h:9.1f} {pickers.utilisation:5.2f} {pickers.mean_wait_min / 60:7.1f} "
        f"{pickers.max_queue_length:9.0f}"
    )
