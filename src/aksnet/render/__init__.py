"""Output formats: one module per format, pure functions of an analysis result."""
