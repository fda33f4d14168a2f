// Engine module: see README for the architecture.
