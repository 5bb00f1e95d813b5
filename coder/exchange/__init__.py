"""Exchange formats: the YAML codebook, REFI-QDA, and paper tables."""
