"""Calibration of behaviour on the baseline: cases (targets with their quotes) and the search."""
