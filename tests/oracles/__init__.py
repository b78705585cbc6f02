"""Test oracles: plain pandas reference implementations that the one production path (the DuckDB
engine, the police.uk importer) is checked against. Never imported by csp_data."""
