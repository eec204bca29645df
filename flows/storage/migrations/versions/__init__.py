"""The revisions, oldest first: ``v0001_baseline`` is the schema before versioning began."""
