"""Rail import at Wujiashan (``kind: rail_import``): China-Europe trains and their boxes."""
