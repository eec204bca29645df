"""Air cargo at Tianhe (``kind: air_cargo``): import, export and transit flows."""
