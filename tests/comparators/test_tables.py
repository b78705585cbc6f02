"""Tests for csp_data.comparators.tables: names, comparators from incidents, area totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data.comparators import (
    area_total,
    comparators_from_incidents,
    parse_names,
    with_partnership,
)
from csp_data.schema import COMPARATOR_COLUMNS
from tests.comparators.frames import M1, M2


def test_with_partnership_and_parse_names() -> None:
    assert with_partnership(["B", "a", "C"], "A") == ["A", "B", "C"]
    assert parse_names("North Hertfordshire; St Albans;;Watford ") == ["North Hertfordshire", "St Albans", "Watford"]


# ---------------------------------------------------------------------------------------- from incidents


def test_comparators_from_incidents_keeps_zero_counts_and_absent_months() -> None:
    raw = pd.DataFrame(
        {
            "Month": ["2021-01", "2021-01", "2021-02", "2021-01", "2021-01"],
            "LSOA name": ["Alpha 001A", "Alpha 002B", "Alpha 001A", "Beta 001A", "Barnet 010C"],
            "Crime type": ["Robbery", "Burglary", "Robbery", "Anti-social behaviour", "Robbery"],
        }
    )
    pop = pd.DataFrame({"partnership": ["Alpha", "Beta"], "population": [1000.0, 2000.0]})
    out = comparators_from_incidents(raw, pop)
    assert list(out.columns) == list(COMPARATOR_COLUMNS)
    assert set(out["partnership"]) == {"Alpha", "Beta"}  # Barnet: no population, partial counts
    assert "Barnet (1 rows)" in out.attrs["notes"][0]
    alpha = out[out["partnership"] == "Alpha"].set_index(["month", "crime_group"])["count"]
    assert alpha[(M1, "Robbery")] == 1 and alpha[(M1, "Burglary")] == 1 and alpha[(M1, "Drugs")] == 0
    assert alpha[(M2, "Burglary")] == 0
    beta = out[out["partnership"] == "Beta"]
    assert set(beta["month"]) == {M1}  # no Beta rows in February: month absent (unknown), not zero
    assert beta.set_index("crime_group").loc["ASB", "count"] == 1


def test_comparators_from_incidents_checks_inputs() -> None:
    pop = pd.DataFrame({"partnership": ["A"], "population": [1.0]})
    with pytest.raises(ValueError, match="needs a 'partnership' column or an LSOA name"):
        comparators_from_incidents(pd.DataFrame({"Month": ["2021-01"]}), pop)
    with pytest.raises(ValueError, match="no 'month' column"):
        comparators_from_incidents(pd.DataFrame({"partnership": ["A"]}), pop)
    with pytest.raises(ValueError, match="needs 'crime_group' or a crime type"):
        comparators_from_incidents(pd.DataFrame({"partnership": ["A"], "month": ["2021-01"]}), pop)
    with pytest.raises(ValueError, match="expected a 'partnership' column"):
        comparators_from_incidents(
            pd.DataFrame({"partnership": ["A"], "month": ["2021-01"], "crime_group": ["Robbery"]}),
            pd.DataFrame({"area": ["A"], "population": [1.0]}),
        )


# ---------------------------------------------------------------------------------------- speed-ups keep results


def test_name_keys_equals_name_key_row_by_row() -> None:
    from csp_data.comparators import name_key, name_keys

    for s in (
        pd.Series(["Peer A", "peer  a", "A & B", None, "x"], dtype="string", index=[5, 3, 1, 0, 9], name="p"),
        pd.Series(["A & b", None, np.nan, "a and B"], dtype=object),
        pd.Series([], dtype="string"),
        pd.Series([1.0, np.nan]),
    ):
        pd.testing.assert_series_equal(name_keys(s), s.map(name_key))
    assert name_keys(pd.Series(["Peer  A", "peer a"])).nunique() == 1


# --------------------------------------------------------------------------------------------------
# issue 10 point 17: one rule for "has a population", one for "has a band"


def _areas(values: list[float | None]) -> pd.DataFrame:
    codes = [f"A{i}" for i in range(1, len(values) + 1)]
    return pd.DataFrame({"area_code": codes, "area_name": [f"Ward {c}" for c in codes], "population": values})


def test_area_total_needs_every_area() -> None:
    assert area_total(_areas([100.0, 200.0, 300.0]), "population") == (600.0, "")
    # partly filled: none, not the sum of the two known (Trends used to show 300 here)
    assert area_total(_areas([100.0, None, 200.0]), "population") == (
        None, "population missing for 1 of 3 areas (Ward A2)"
    )
    # 0 and negative are not populations; more than five missing are counted, five named
    assert area_total(_areas([0.0, -5.0, 10.0]), "population")[1] == (
        "population missing for 2 of 3 areas (Ward A1, Ward A2)"
    )
    seven = area_total(_areas([None] * 7 + [1.0]), "population")[1]
    assert seven == "population missing for 7 of 8 areas (Ward A1, Ward A2, Ward A3, Ward A4, Ward A5 and 2 more)"
    # the selected areas only
    assert area_total(_areas([100.0, None, 200.0]), "population", selected=["A1", "A3"]) == (300.0, "")
    assert area_total(_areas([100.0, None]), "population", selected=["A2"])[0] is None
    # nothing loaded
    assert area_total(None, "households") == (None, "no households loaded")
    assert area_total(_areas([100.0]), "households") == (None, "no households loaded")
    assert area_total(_areas([None, None]), "population") == (None, "no population loaded")
