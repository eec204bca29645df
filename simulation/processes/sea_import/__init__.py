"""Sea import at Yangluo (``kind: sea_import``): container boxes from berth to gate."""
