"""Scenario files, the one YAML loader, and the catalogue of shipped scenarios."""

from clearsim.scenarios.load import ScenarioError, load_scenario

__all__ = ["ScenarioError", "load_scenario"]
