"""CBEC bonded import 1210 (``kind: cbec_1210``): bonded stock, orders, release and delivery."""
