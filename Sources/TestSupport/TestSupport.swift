// TestSupport module: see README for the architecture.
