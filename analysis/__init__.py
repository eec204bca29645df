"""Replication statistics and comparisons over run summaries: numpy and scipy, no SimPy."""
