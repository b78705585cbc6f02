"""The benchmark targets and the queries each page runs (read by run.py and report.py)."""

from __future__ import annotations

#: Issue 6 targets.
TARGET_QUERY_S = 1.0
TARGET_IMPORT_RPS = 1_000_000
TARGET_MEMORY_MB = 4096
TARGET_SPEEDUP = 10.0
TARGET_FIRST_PAINT_S = 3.0
TARGET_FILTER_S = 1.0
GISTAR_CELLS = 20_000
#: Issue 12 targets: the demo's briefing pack builds in under 30 s and is under 5 MB.
TARGET_BRIEF_S = 30.0
TARGET_BRIEF_MB = 5.0
#: Page -> the benchmark queries that page runs on each filter change.
PAGES = {
    "Overview": ["area_month", "priority"],
    "Hotspots": ["choropleth", "gistar"],
    "Trends": ["msg_trend", "national_month"],
    "Priorities": ["priority"],
}
QUERY_LABELS = {
    "area_month": "counts by area and month (one partnership, 12 months)",
    "national_month": "counts by partnership and month (all partnerships, 12 months)",
    "choropleth": "choropleth aggregate (areas, period vs comparison)",
    "gistar": f"Gi* on a {GISTAR_CELLS:,}-cell grid (count + esda G_Local)",
    "msg_trend": "15-member MSG trend (24 months)",
    "priority": "priority-table totals (every crime group, period vs comparison)",
}
