"""The near-repeat (Knox test) sentences: the finding in plain words, and why the test was not run."""

from __future__ import annotations

import math

from csp_data.format import fmt_count
from csp_data.hotspots.nearrepeat import KnoxResult, strongest

#: A pseudo p-value below this is reported as a finding.
ALPHA = 0.05


def fmt_p(p: float, permutations: int) -> str:
    """'p = 0.001' (three decimals; the smallest a permutation test can give is 1/(permutations + 1)).

    >>> fmt_p(0.001, 999), fmt_p(0.0423, 999), fmt_p(float("nan"), 0)
    ('p = 0.001', 'p = 0.042', 'p n/a (no permutations)')
    """
    if math.isnan(p):
        return "p n/a (no permutations)"
    return f"p = {p:.3f}"


def what_plural(group: str) -> str:
    """'Burglary' -> 'burglaries'; any other group -> "'<group>' incidents".

    >>> what_plural("Burglary"), what_plural("Vehicle crime")
    ('burglaries', 'vehicle crime incidents')
    """
    if group.strip().lower() == "burglary":
        return "burglaries"
    return f"{group.strip().lower()} incidents"


def band_phrase(start: float, end: float, unit: str) -> str:
    """'within 100 m' for a first band, else '101–200 m'.

    >>> band_phrase(0, 100, "m"), band_phrase(8, 14, "days")
    ('within 100 m', '8–14 days')
    """
    if start == 0:
        return f"within {end:g} {unit}"
    return f"{start:g}–{end:g} {unit}"


def knox_sentence(result: KnoxResult, group: str) -> str:
    """The finding in one sentence, from the closest band pair with ratio > 1 and p < 0.05.

    "Burglaries within 100 m and within 7 days of another were 2.3 times as common as chance would
    give; p = 0.001." Otherwise it says no band pair showed more pairs than chance at p < 0.05.
    """
    what = what_plural(group)
    hit = strongest(result, alpha=ALPHA)
    if hit is None:
        return (
            f"No distance and time band had more pairs of {what} than chance would give (p < {ALPHA:g} in none of "
            f"{len(result.table)} bands): no sign of a near-repeat pattern among {fmt_count(result.n_incidents)} {what}."
        )
    space = band_phrase(float(hit["space_from"]), float(hit["space_to"]), "m")
    time = band_phrase(float(hit["time_from"]), float(hit["time_to"]), "days")
    return (
        f"{what.capitalize()} {space} and {time} of another were {float(hit['knox_ratio']):.1f} times as common "
        f"as chance would give; {fmt_p(float(hit['p']), result.permutations)}."
    )


def unavailable_sentence(reason: str) -> str:
    """Why the test is n/a, as the page and the CLI say it."""
    return f"Near-repeat test n/a: it cannot be run on this data because {reason}"
