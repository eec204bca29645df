"""Market procurement 1039 export (``kind: market_1039``): Hankou North consignments to port."""
