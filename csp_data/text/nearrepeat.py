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
    name = group.strip().lower()
    if name == "burglary":
        return "burglaries"
    return name if name.endswith("incidents") else f"{name} incidents"


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


INTRO = (
    "The Knox test counts pairs of incidents that were close both in distance and in days, and compares "
    "them with what shuffling the dates over the same places gives (chance). A Knox ratio above 1 means "
    "more such pairs than chance; p is the share of shuffles with at least as many (small p: unlikely by chance)."
)
HEAT_CAPTION = (
    "Knox ratio colours: orange above 1 (more close pairs than chance), blue below 1 (fewer), grey about 1 "
    "(0.83 to 1.2); darker further from 1. The value is written in every cell."
)
PLANTED_NOTE = (
    "Planted example: invented burglaries, some followed by others within 200 m and 7 days, to show what "
    "a near-repeat pattern looks like. Switch it off above to test this dataset's own incidents."
)


def parameters_caption(result: KnoxResult, space_labels: list[str], time_labels: list[str]) -> str:
    """The test's parameters under the table: bands, permutations, seed, incidents and pairs."""
    return (
        f"Distance bands {', '.join(space_labels)}; time bands {', '.join(time_labels)}; "
        f"{result.permutations:,} random permutations of the dates (seed {result.seed}); "
        f"{fmt_count(result.n_incidents)} incidents with a date and a location, "
        f"{fmt_count(result.n_pairs)} pairs within {result.space[-1]:g} m. "
        "Knox ratio = pairs observed / mean over the permutations; p = (1 + permutations with as many pairs or "
        "more) / (permutations + 1). Knox (1964); Ratcliffe's Near Repeat Calculator."
    )


def large_selection_note(n_incidents: int) -> str:
    """What the page says before running the test on a large selection."""
    return (
        f"{fmt_count(n_incidents)} incidents are selected. Near repeats are usually tested one crime type at a "
        "time (burglary above all), and on this many incidents the shuffles can take a minute: choose a crime "
        "group in the sidebar, or switch on the test below."
    )
