"""CBEC direct purchase 9610 (``kind: cbec_9610``): parcels by air, lists, X-ray and sorting."""
