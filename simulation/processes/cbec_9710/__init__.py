"""9710 B2B direct export (``kind: cbec_9710``): orders, consignments, CFS, departures."""
