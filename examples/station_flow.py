"""Station flow: an M/M/3 inspection stage against Erlang C, and AEO priority against Cobham.

A ``station_flow`` process sends arrivals through a sequence of service stages: the textbook
queues clearsim is validated on. ``scenarios/validation/mmc_inspection.yaml`` is one stage of
three lanes with Poisson arrivals and exponential examinations at utilisation 0.8; the script
derives the theory from the scenario's own spec (:mod:`clearsim.analysis.queueing`) and prints
it beside the simulated figures with their 95% intervals over 5 replications of about 6,000
customers each (half the file's horizon, to keep the run short). Then
``scenarios/validation/mmc_priority.yaml`` puts 30% AEO customers first in the queue, and each
class's mean wait, read from the event logs, is set against Cobham's formula.

Run from the repository's root::

    python examples/station_flow.py
"""

import clearsim
from clearsim.analysis.queueing import erlang_c, mmc_mean_wait, mmc_priority_waits
from clearsim.analysis.statistics import mean_confidence_interval

SHORT = {"horizon_min": 156_000}  # 100 h of warm-up, then about 6,000 arrivals measured
scenario = clearsim.load_scenario("scenarios/validation/mmc_inspection.yaml", SHORT)
flow = scenario.processes[0]
stage = flow.stages[0]
servers = scenario.resources[stage.resource].capacity
rate = flow.arrivals.mean_rate_per_min(scenario.horizon_min)  # arrivals a minute
service = stage.service_min.mean  # minutes
rho = rate * service / servers
wait = mmc_mean_wait(servers, rate, service)
print(f"M/M/{servers}: {rate * 60:.1f} arrivals/h, mean service {service:.0f} min, rho {rho:.2f}")
print(f"Erlang C: P(wait) = {erlang_c(servers, rate * service):.4f}\n")

lanes = clearsim.run(scenario, replications=5, workers=1).resources().set_index("resource")
lanes = lanes.loc[stage.resource]
print(f"{'5 replications':<31} {'simulated':>9}  {'95% CI':<16} {'theory':>7}")
for label, column, theory in (
    ("utilisation (busy time)", "utilisation", rho),
    ("utilisation (throughput x E[S])", "utilisation_check", rho),
    ("mean wait (min)", "mean_wait_min", wait),
    ("mean queue length (Little)", "mean_queue_length", rate * wait),
):
    interval = f"[{lanes[f'{column}_low']:.3f}, {lanes[f'{column}_high']:.3f}]"
    print(f"{label:<31} {lanes[column]:9.3f}  {interval:<16} {theory:7.3f}")

# Non-preemptive priority: each class's wait from the event log (queue entry to service
# start), over the customers who arrived after the warm-up.
priority = clearsim.load_scenario("scenarios/validation/mmc_priority.yaml", SHORT)
classes = sorted(priority.processes[0].classes, key=lambda c: c.priority)
cobham = mmc_priority_waits(servers, [rate * c.share for c in classes], service)
runs = clearsim.run(priority, replications=5, workers=1)
waits: dict[str, list[float]] = {c.name: [] for c in classes}
for replication in range(5):
    times = runs.events(replication).pivot_table(
        index="case:concept:name",
        columns=["concept:name", "lifecycle:transition"],
        values="time_min",
        observed=True,
    )
    arrival = times[("arrival", "complete")]
    wait_min = times[("inspection", "start")] - times[("inspection", "schedule")]
    measured = (arrival >= priority.warmup_min) & (arrival < priority.horizon_min)
    case_class = runs.cases(replication).set_index("case_id").case_class
    for name, class_waits in wait_min[measured].groupby(case_class):
        waits[name].append(class_waits.mean())

print(f"\n{'class':<8} {'share':>5} {'mean wait (min)':>15}  {'95% CI':<14} {'Cobham':>6}")
for c, theory in zip(classes, cobham, strict=True):
    estimate = mean_confidence_interval(waits[c.name])
    interval = f"[{estimate.low:.1f}, {estimate.high:.1f}]"
    print(f"{c.name:<8} {c.share:5.1f} {estimate.mean:15.1f}  {interval:<14} {theory:6.1f}")
