"""KPIs as pure functions over the event log: TRS segments, outcomes, resources, warm-up."""
