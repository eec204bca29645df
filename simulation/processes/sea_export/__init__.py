"""Sea export at Yangluo (``kind: sea_export``): boxes to the vessel's cut-off."""
