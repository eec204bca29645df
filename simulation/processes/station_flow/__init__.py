"""A generic tandem of stations (``kind: station_flow``), the textbook queueing block."""
