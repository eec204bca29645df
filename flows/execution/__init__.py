"""How replications run: the one replication executor, the run and study flows, Prefect's API."""
