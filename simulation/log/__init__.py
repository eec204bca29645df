"""The event log: recording, packed row storage and merging of group logs."""
