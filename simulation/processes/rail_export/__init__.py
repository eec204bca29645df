"""Rail export from Wujiashan (``kind: rail_export``): China-Europe trains leaving Wuhan."""
