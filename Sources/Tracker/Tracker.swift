// Tracker module: see README for the architecture.
