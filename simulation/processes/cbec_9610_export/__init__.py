"""CBEC retail export 9610 (``kind: cbec_9610_export``): parcels by truck, lists, X-ray, flights."""
