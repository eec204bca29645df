"""Fast paths, an engine option: planned chains, FIFO lines served by callbacks, computed lines."""
