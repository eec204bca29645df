"""CBEC export to overseas warehouses 9810 (``kind: cbec_9810``): China-Europe rail to Duisburg."""
