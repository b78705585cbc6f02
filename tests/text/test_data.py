"""csp_data.text.data: the Data page's sentences, against hand-written expectations."""

from __future__ import annotations

import pandas as pd

from csp_data.text import data as text

JAN, APR = pd.Timestamp("2021-01-01"), pd.Timestamp("2021-04-01")


def test_span_and_headline() -> None:
    assert text.span(JAN, APR) == "Jan 2021 to Apr 2021"
    assert text.span(None, None) == "no months"
    assert text.headline("Herts", incidents=12345, partnership=None, span="Jan 2021 to Apr 2021", months=4,
                         accepted=12400, rejected=55, incident_files=4, files=6) == (
        "Herts: 12,345 incidents for **all partnerships**, Jan 2021 to Apr 2021 (4 months). 12,400 incident "
        "rows accepted and 55 rejected across 4 incident file(s); 6 file(s) read in all."
    )


def test_missing_months_are_named_and_never_zero() -> None:
    months = [JAN, pd.Timestamp("2021-03-01"), APR]
    assert text.missing_month_labels(JAN, APR, months) == ["Feb 2021"]
    assert text.missing_month_labels(None, None, []) == []
    assert text.missing_months_warning(["Feb 2021", "Jun 2021"]) == (
        "No incidents at all in 2 month(s): Feb 2021, Jun 2021. These months are treated as missing, never as zero."
    )


def test_located_caption_and_usable_message() -> None:
    assert text.located_caption(950, 1000).startswith("950 of 1,000 incidents have a location. police.uk")
    assert text.usable_message("extract.csv") == "extract.csv is usable: name it in your csp.toml to load it."
