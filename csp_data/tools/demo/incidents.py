"""The demo incidents: a crime mix, seasonality, weekday and hour shapes and trends, drawn onto the
map points with the planted hot spots."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from csp_data.tools.demo.spec import BEATS, DEFAULT_MONTHS, HOTSPOTS, LAST_MONTH

#: Dacorum's 2021 police.uk counts by type (../shared/data/real/README.md): the demo's crime mix.
DACORUM_2021_MIX: Final[dict[str, int]] = {
    "Anti-social behaviour": 3504,
    "Violence and sexual offences": 3331,
    "Other theft": 930,
    "Shoplifting": 920,
    "Criminal damage and arson": 913,
    "Vehicle crime": 777,
    "Public order": 620,
    "Burglary": 372,
    "Drugs": 303,
    "Other crime": 207,
    "Bicycle theft": 91,
    "Theft from the person": 90,
    "Possession of weapons": 75,
    "Robbery": 57,
}
ASB_TYPE: Final = "Anti-social behaviour"
CRIMES_PER_YEAR: Final = 9000
ASB_PER_YEAR: Final = 3500

#: The month-of-year shape of a type without one of its own.
FLAT_SHAPE: Final = (1.0,) * 12
#: Month-of-year shape (Jan..Dec) per type.
MONTH_SHAPE: Final[dict[str, tuple[float, ...]]] = {
    "Anti-social behaviour": (0.78, 0.76, 0.88, 1.0, 1.12, 1.24, 1.32, 1.26, 1.02, 0.98, 0.9, 0.74),
    "Violence and sexual offences": (0.92, 0.88, 0.95, 0.98, 1.05, 1.08, 1.1, 1.05, 1.0, 0.98, 0.96, 1.05),
    "Burglary": (1.3, 1.05, 0.95, 0.85, 0.76, 0.72, 0.76, 0.82, 0.92, 1.12, 1.3, 1.45),
    "Vehicle crime": (1.1, 1.0, 0.95, 0.92, 0.92, 0.92, 0.95, 0.98, 1.0, 1.05, 1.1, 1.12),
    "Criminal damage and arson": (0.88, 0.86, 0.95, 1.02, 1.08, 1.08, 1.1, 1.06, 1.0, 1.0, 1.02, 0.95),
    "Shoplifting": (0.95, 0.92, 0.98, 0.98, 1.0, 0.98, 1.0, 1.0, 0.98, 1.02, 1.06, 1.2),
    "Bicycle theft": (0.6, 0.6, 0.8, 1.0, 1.25, 1.35, 1.45, 1.4, 1.2, 0.95, 0.75, 0.6),
    "Public order": (0.9, 0.9, 0.95, 1.0, 1.05, 1.1, 1.12, 1.05, 1.0, 0.98, 0.95, 1.0),
    "Theft from the person": (1.0, 0.95, 0.95, 0.95, 1.0, 1.0, 1.0, 1.0, 0.98, 1.0, 1.05, 1.15),
}
#: Day-of-week shape (Mon..Sun) per type.
DOW_SHAPE: Final[dict[str, tuple[float, ...]]] = {
    "Anti-social behaviour": (0.9, 0.9, 0.92, 0.95, 1.15, 1.2, 0.98),
    "Violence and sexual offences": (0.88, 0.85, 0.88, 0.92, 1.1, 1.25, 1.12),
    "Public order": (0.88, 0.86, 0.88, 0.92, 1.12, 1.24, 1.1),
    "Shoplifting": (1.0, 1.0, 1.0, 1.0, 1.05, 1.15, 0.8),
    "Criminal damage and arson": (0.95, 0.92, 0.95, 0.96, 1.05, 1.15, 1.02),
}
#: Annual growth per type (the rest are flat).
TREND: Final[dict[str, float]] = {
    "Shoplifting": 0.06,
    "Anti-social behaviour": -0.015,
    "Vehicle crime": -0.03,
    "Violence and sexual offences": 0.01,
    "Other theft": -0.01,
}
#: (month, day) -> {type: factor}: Halloween, bonfire night and the nights around them, New Year.
SPECIAL_DAYS: Final[dict[tuple[int, int], dict[str, float]]] = {
    (10, 30): {"Anti-social behaviour": 1.4, "Criminal damage and arson": 1.3},
    (10, 31): {"Anti-social behaviour": 3.5, "Criminal damage and arson": 2.5},
    (11, 4): {"Anti-social behaviour": 1.6, "Criminal damage and arson": 1.4},
    (11, 5): {"Anti-social behaviour": 3.2, "Criminal damage and arson": 2.6},
    (11, 6): {"Anti-social behaviour": 1.4},
    (12, 31): {"Violence and sexual offences": 1.5, "Public order": 1.5},
    (1, 1): {"Violence and sexual offences": 1.8, "Public order": 1.6},
}


def _profile(*pairs: tuple[range, float]) -> np.ndarray:
    w = np.full(24, 1.0)
    for hours, value in pairs:
        w[list(hours)] = value
    return w


#: Hour-of-day weights per type (0..23).
HOUR_SHAPE: Final[dict[str, np.ndarray]] = {
    "Anti-social behaviour": _profile((range(0, 7), 0.25), (range(7, 12), 0.6), (range(15, 23), 1.8)),
    "Violence and sexual offences": _profile((range(2, 8), 0.3), (range(8, 12), 0.7), (range(17, 24), 1.6)),
    "Public order": _profile((range(2, 8), 0.3), (range(8, 12), 0.8), (range(16, 24), 1.5)),
    "Burglary": _profile((range(1, 6), 0.5), (range(8, 13), 1.2), (range(16, 22), 1.6)),
    "Vehicle crime": _profile(
        (range(0, 6), 1.6), (range(6, 9), 1.2), (range(9, 17), 0.6), (range(21, 24), 1.6)
    ),
    "Criminal damage and arson": _profile((range(2, 8), 0.5), (range(8, 15), 0.7), (range(17, 24), 1.5)),
    "Shoplifting": _profile(
        (range(0, 8), 0.03), (range(8, 10), 0.8), (range(10, 18), 1.6), (range(20, 24), 0.2)
    ),
    "Drugs": _profile((range(1, 10), 0.3), (range(14, 24), 1.5)),
    "Robbery": _profile((range(2, 10), 0.3), (range(15, 24), 1.6)),
    "Bicycle theft": _profile((range(0, 7), 0.3), (range(8, 19), 1.5)),
    "Theft from the person": _profile((range(2, 9), 0.3), (range(10, 18), 1.4), (range(21, 24), 1.3)),
    "Other theft": _profile((range(0, 7), 0.4), (range(8, 19), 1.4)),
    "Possession of weapons": _profile((range(2, 10), 0.4), (range(14, 24), 1.4)),
    "Other crime": _profile((range(0, 7), 0.3), (range(9, 18), 1.6)),
}
_NIGHT_TYPES: Final = ("Violence and sexual offences", "Public order")
#: Finer force categories written for some rows, with their shares of the police.uk type.
FORCE_CATEGORIES: Final[dict[str, dict[str, float]]] = {
    "Burglary": {"Burglary dwelling": 0.5, "Burglary other": 0.2, "Burglary": 0.3},
    "Vehicle crime": {"Theft from motor vehicle": 0.4, "Theft of motor vehicle": 0.2, "Vehicle crime": 0.4},
}


def demo_months(n_months: int = DEFAULT_MONTHS) -> pd.DatetimeIndex:
    """The ``n_months`` months ending at LAST_MONTH."""
    if n_months < 1:
        raise ValueError(f"n_months: expected a positive number of months, found {n_months}")
    return pd.date_range(end=LAST_MONTH, periods=n_months, freq="MS")


def _annual_targets() -> dict[str, float]:
    crime_total = sum(v for k, v in DACORUM_2021_MIX.items() if k != ASB_TYPE)
    return {
        t: (ASB_PER_YEAR if t == ASB_TYPE else v * CRIMES_PER_YEAR / crime_total)
        for t, v in DACORUM_2021_MIX.items()
    }


def _day_shape(crime_type: str, days: pd.DatetimeIndex) -> np.ndarray:
    """Month x weekday x special-day factors of ``crime_type`` on each of ``days``."""
    month = np.asarray(MONTH_SHAPE.get(crime_type, FLAT_SHAPE))[days.month.to_numpy() - 1]
    dow = np.asarray(DOW_SHAPE.get(crime_type, (1.0,) * 7))[days.dayofweek.to_numpy()]
    special = np.ones(len(days))
    for (m, d), factors in SPECIAL_DAYS.items():
        if crime_type in factors:
            special[(days.month == m) & (days.day == d)] = factors[crime_type]
    return month * dow * special


def daily_rates(days: pd.DatetimeIndex) -> pd.DataFrame:
    """Expected incidents per day and type (seasonality, weekday, special days and trend).

    Each type's rates average its annual target / 365.25 over a whole year around the midpoint
    of ``days``; special days are spikes on top of the shape.

    Returns
    -------
    pandas.DataFrame
        Index ``days``, one column per police.uk type.
    """
    mid = days[len(days) // 2]
    years = np.asarray((days - mid).days, dtype=float) / 365.25
    year_days = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    out = {}
    for t, target in _annual_targets().items():
        # Normalise over a whole calendar year so any period keeps the annual rate.
        norm = float(np.mean(_day_shape(t, year_days)))
        trend = (1.0 + TREND.get(t, 0.0)) ** years
        out[t] = target / 365.25 * _day_shape(t, days) / norm * trend
    return pd.DataFrame(out, index=days)


def hour_weights(crime_type: str, dow: int, *, night_time_economy: bool, special: bool) -> np.ndarray:
    w = HOUR_SHAPE[crime_type].copy()
    if crime_type in _NIGHT_TYPES:
        if dow in (5, 6):  # early hours of Saturday and Sunday: Friday and Saturday nights
            w[0:4] *= 3.0
        if dow in (4, 5):  # Friday and Saturday evenings
            w[21:24] *= 2.2
        if night_time_economy:
            w[[22, 23, 0, 1, 2]] *= 2.0
    if special:
        w[17:23] *= 2.0
    return w / w.sum()


def make_incidents(rng: np.random.Generator, points: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Incident-level records over ``months``: one row per crime or ASB incident.

    Daily counts are Poisson draws from :func:`daily_rates`; each incident goes to a planted hot
    spot with that hot spot's share for its type (times its activity on the day) or else to a
    map point chosen by beat weight (population x crime index, shops for shoplifting) and point
    attractiveness; its time comes from the type's hour profile (Friday/Saturday nights for
    violence and public order).

    Returns
    -------
    pandas.DataFrame
        The columns of INCIDENT_FIELDS, sorted by date and time, ``easting``/``northing`` as integers.
    """
    days = pd.date_range(months[0], months[-1] + pd.offsets.MonthEnd(0), freq="D")
    rates = daily_rates(days)
    beat_codes = [b.code for b in BEATS]
    beat_of_point = points["beat"].map({c: i for i, c in enumerate(beat_codes)}).to_numpy()
    point_w = points["weight"].to_numpy()
    hotspot_of_point = points["hotspot"].to_numpy()
    # Hot-spot points take only their hot spot's incidents, so a hot spot switched off is quiet.
    bg_w = np.where(hotspot_of_point == -1, point_w, 0.0)
    beat_point_total = np.bincount(beat_of_point, weights=bg_w, minlength=len(BEATS))
    pop = np.array([b.population for b in BEATS], dtype=float)
    crime_index = np.array([b.crime_index for b in BEATS])
    shops = np.array([b.shops for b in BEATS])
    rural = np.array([b.kind in ("rural", "town") for b in BEATS])
    special_key = set(
        (m, d)
        for (m, d), f in SPECIAL_DAYS.items()
        if "Anti-social behaviour" in f and f["Anti-social behaviour"] > 2
    )

    parts = []
    for t in rates.columns:
        lam = rates[t].to_numpy()
        n_day = rng.poisson(lam)
        dates = days[np.repeat(np.arange(len(days)), n_day)]
        n = len(dates)
        # Hot spots: one uniform draw decides hot spot (by cumulative share) or background.
        u = rng.random(n)
        chosen = np.full(n, -1)
        edge = np.zeros(n)
        for h, spot in enumerate(HOTSPOTS):
            share = spot.shares.get(t, 0.0)
            if share == 0.0:
                continue
            p = share * spot.activity(dates)
            hit = (chosen == -1) & (u >= edge) & (u < edge + p)
            chosen[hit] = h
            edge = edge + p
        # Background points: beat weight x point attractiveness.
        if t == "Shoplifting":
            bw = shops * pop
        elif t in ("Burglary", "Vehicle crime", "Bicycle theft"):
            bw = pop * (0.6 + 0.4 * crime_index) * np.where(rural, 1.3, 1.0)
        else:
            bw = pop * crime_index
        p_point = bw[beat_of_point] * bg_w / beat_point_total[beat_of_point]
        p_point /= p_point.sum()
        point_idx = np.empty(n, dtype=int)
        bg = chosen == -1
        point_idx[bg] = rng.choice(len(points), size=int(bg.sum()), p=p_point)
        for h in range(len(HOTSPOTS)):
            sel = chosen == h
            if sel.any():
                cand = np.flatnonzero(hotspot_of_point == h)
                w = point_w[cand] / point_w[cand].sum()
                point_idx[sel] = rng.choice(cand, size=int(sel.sum()), p=w)
        # Times.
        dow = dates.dayofweek.to_numpy()
        is_special = (
            np.array([(d.month, d.day) in special_key for d in dates]) if t == ASB_TYPE else np.zeros(n, bool)
        )
        nte = np.isin(chosen, [h for h, s in enumerate(HOTSPOTS) if s.night_time_economy])
        hours = np.empty(n, dtype=int)
        keys = dow * 4 + nte.astype(int) * 2 + is_special.astype(int)
        for k in np.unique(keys):
            sel = keys == k
            w = hour_weights(t, int(k // 4), night_time_economy=bool((k // 2) % 2), special=bool(k % 2))
            hours[sel] = rng.choice(24, size=int(sel.sum()), p=w)
        minutes = rng.integers(0, 60, n)
        minutes[rng.random(n) < 0.25] = 0  # many reports are logged on the hour
        labels = np.full(n, t, dtype=object)
        if t in FORCE_CATEGORIES:
            cats = FORCE_CATEGORIES[t]
            labels = rng.choice(list(cats), size=n, p=np.array(list(cats.values())))
        parts.append(
            pd.DataFrame(
                {
                    "date": dates,
                    "minute_of_day": hours * 60 + minutes,
                    "crime_type": labels,
                    "point": point_idx,
                }
            )
        )
    inc = pd.concat(parts, ignore_index=True)
    inc = inc.sort_values(["date", "minute_of_day"], kind="stable", ignore_index=True)
    year = inc["date"].dt.year
    seq = inc.groupby(year).cumcount() + 1
    pts = points.iloc[inc["point"].to_numpy()]
    return pd.DataFrame(
        {
            "incident_id": [f"DB-{y}-{s:05d}" for y, s in zip(year, seq, strict=True)],
            "date": inc["date"].dt.strftime("%Y-%m-%d"),
            "time": [f"{m // 60:02d}:{m % 60:02d}" for m in inc["minute_of_day"]],
            "beat": pts["beat"].to_numpy(),
            "crime_type": inc["crime_type"].astype(str),
            "easting": pts["x"].to_numpy().astype(int),
            "northing": pts["y"].to_numpy().astype(int),
            "location": pts["location"].to_numpy(),
        }
    )
