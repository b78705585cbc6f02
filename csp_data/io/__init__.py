"""Loaders with validation: every loader returns (frame, LoadReport) and never drops a row silently."""
