"""The demo borough as a csp.toml with a chosen ``[disclosure] threshold`` (partner-safe tests)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def demo_toml(tmp_path: Path, threshold: int) -> Path:
    """The demo borough as a csp.toml with ``[disclosure] threshold``."""
    data, shp = ROOT / "data", ROOT / "shapefiles" / "demo_beats.shp"
    text = f"""name = "Demo Borough (synthetic)"
partnership = "Demo Borough"
partnership_by = "all"
is_demo = true
peer_groups = "{(data / 'demo_peers.toml').as_posix()}"
[incidents]
format = "force"
paths = ["{(data / 'demo_incidents.csv.gz').as_posix()}"]
[incidents.columns]
area = "beat"
crime_type = "crime_type"
date = "date"
time = "time"
x = "easting"
y = "northing"
crime_id = "incident_id"
location = "location"
[boundaries]
path = "{shp.as_posix()}"
code_field = "beat_code"
name_field = "beat_name"
label = "beat"
[population]
path = "{(data / 'demo_population.csv').as_posix()}"
code_column = "area_code"
value_column = "population"
[households]
path = "{(data / 'demo_population.csv').as_posix()}"
code_column = "area_code"
value_column = "households"
[comparators]
path = "{(data / 'demo_comparators.csv').as_posix()}"
[disclosure]
threshold = {threshold}
"""
    path = tmp_path / "csp.toml"
    path.write_text(text, encoding="utf-8")
    return path
