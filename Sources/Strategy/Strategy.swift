// Strategy module: see README for the architecture.
