"""Survey of residents and out-movers (issue 6)."""
