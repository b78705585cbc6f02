from __future__ import annotations

import pandas as pd
import pytest

from csp_data.groups import ALL_CRIME, ALL_INCIDENTS, load_crime_groups
from csp_data.groups import DEFAULT_GROUPS_FILE as DEFAULT_GROUPS


@pytest.fixture
def groups():
    return load_crime_groups()


def test_current_and_legacy_types_map(groups):
    assert groups.group_of("Violent crime") == "Violence and sexual offences"
    assert groups.group_of("  burglary   DWELLING ") == "Burglary"
    assert groups.group_of("Theft from motor vehicle") == "Vehicle crime"
    assert groups.group_of("Not a crime") is None


def test_every_police_uk_type_is_its_own_group_or_asb(groups):
    current = [
        "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime", "Other theft",
        "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person",
        "Vehicle crime", "Violence and sexual offences",
    ]
    for t in current:
        assert groups.group_of(t) == t
    assert groups.group_of("Anti-social behaviour") == "ASB"


def test_masks_for_builtin_and_composite_groups(groups):
    df = pd.DataFrame({
        "crime_type": ["Anti-social behaviour", "Burglary dwelling", "Robbery", "Vehicle crime", "Drugs"],
    })
    df["crime_group"] = groups.assign(df["crime_type"])
    assert groups.mask(df, ALL_CRIME).tolist() == [False, True, True, True, True]
    assert groups.mask(df, ALL_INCIDENTS).sum() == 5
    assert groups.mask(df, "Serious acquisitive crime").tolist() == [False, True, True, True, False]
    assert groups.mask(df, "Dwelling burglary").tolist() == [False, True, False, False, False]
    assert groups.denominator("Burglary") == "households"
    assert groups.denominator("Drugs") == "population"


def test_unknown_group_is_a_clear_error(groups):
    with pytest.raises(ValueError, match="unknown crime group 'Nope'"):
        groups.members("Nope")


def test_bad_config_files(tmp_path):
    bad = tmp_path / "g.toml"
    bad.write_text('base_groups = ["A"]\n[types]\n"x" = "B"\n')
    with pytest.raises(ValueError, match="maps to 'B', which is not in base_groups"):
        load_crime_groups(bad)
    bad.write_text("not toml = = 1")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_crime_groups(bad)
    with pytest.raises(ValueError, match="not found"):
        load_crime_groups(tmp_path / "missing.toml")
    bad.write_text('base_groups = ["A"]\n[composites.C]\ngroups = ["Z"]\n')
    with pytest.raises(ValueError, match="composite 'C' names unknown base groups"):
        load_crime_groups(bad)


# --------------------------------------------------------------------------------------------------
# point 15 (issue 10): a group the source cannot give is a labelled proxy or n/a, decided in one place

POLICEUK_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
)


def _policeuk_dataset(tmp_path):
    """A police.uk street file: 3 burglaries, 2 violence, 1 ASB in Testham (Jan 2021)."""
    from csp_data.io.dataset import DatasetConfig, build_dataset

    folder = tmp_path / "2021-01"
    folder.mkdir()
    row = "{id},2021-01,Test Police,Test Police,-0.47,51.75,On or near High Street,E01000001,Testham 001A,{t},,\n"
    body = "".join(row.format(id=f"c{i}", t=t) for i, t in enumerate(
        ["Burglary", "Burglary", "Burglary", "Violence and sexual offences", "Violence and sexual offences"]
    ))
    body += row.format(id="", t="Anti-social behaviour")
    (folder / "2021-01-test-street.csv").write_text(POLICEUK_HEADER + body, encoding="utf-8")
    return build_dataset(DatasetConfig(name="t", incident_paths=(tmp_path,), partnership="Testham"))


def _force_dataset(tmp_path):
    """A force extract: 2 dwelling burglaries, 1 other burglary, 1 night-time violence."""
    from csp_data.io.dataset import ColumnMapping, DatasetConfig, build_dataset

    file = tmp_path / "extract.csv"
    file.write_text(
        "Beat,Offence,Committed Date\n"
        "B1,Burglary dwelling,13/01/2021\nB1,Burglary dwelling,14/01/2021\nB2,Burglary other,15/01/2021\n"
        "B2,Night time violent crime,16/01/2021\n",
        encoding="utf-8",
    )
    mapping = ColumnMapping(area="Beat", crime_type="Offence", date="Committed Date")
    return build_dataset(DatasetConfig(name="f", incident_paths=(file,), incident_format="force",
                                       force_mapping=mapping, partnership="Testham", partnership_by="all"))


def test_dwelling_burglary_on_policeuk_is_the_labelled_burglary_proxy(tmp_path):
    ds = _policeuk_dataset(tmp_path)
    a = ds.groups.availability("Dwelling burglary")
    assert (a.status, a.measured, a.reason) == ("proxy", "Burglary", "police.uk has no dwelling split")
    assert a.label == "Burglary (all: police.uk has no dwelling split)"
    # counted as all burglary (it was 0 on the Overview before), never silently: the label says so
    assert int(ds.groups.mask(ds.incidents, "Dwelling burglary").sum()) == 3
    v = ds.groups.availability("Alcohol-related violence")
    assert (v.status, v.measured) == ("proxy", "Violence and sexual offences")
    assert v.label == "Violence and sexual offences (all: the data have no alcohol flag)"
    assert int(ds.groups.mask(ds.incidents, "Alcohol-related violence").sum()) == 2
    # nothing else changed: other groups are available and count as before
    assert ds.groups.availability("Burglary") == ds.groups.availability("Burglary", "force")
    assert ds.groups.label("Burglary") == "Burglary"
    assert int(ds.groups.mask(ds.incidents, "Burglary").sum()) == 3


def test_dwelling_burglary_on_a_force_extract_is_real(tmp_path):
    ds = _force_dataset(tmp_path)
    a = ds.groups.availability("Dwelling burglary")
    assert (a.status, a.measured, a.label, a.reason) == ("available", "Dwelling burglary", "Dwelling burglary", "")
    assert int(ds.groups.mask(ds.incidents, "Dwelling burglary").sum()) == 2
    assert int(ds.groups.mask(ds.incidents, "Burglary").sum()) == 3
    # no source flags alcohol: a labelled proxy on force extracts too
    assert ds.groups.availability("Alcohol-related violence").status == "proxy"


def test_without_a_proxy_the_group_is_na_with_the_reason(tmp_path, groups):
    text = DEFAULT_GROUPS.read_text(encoding="utf-8").replace('proxy = "Burglary"\n', "").replace(
        'proxy_label = "Burglary (all: police.uk has no dwelling split)"\n', ""
    )
    file = tmp_path / "g.toml"
    file.write_text(text, encoding="utf-8")
    g = load_crime_groups(file).for_source("policeuk")
    a = g.availability("Dwelling burglary")
    assert (a.status, a.measured, a.label) == ("n/a", None, "Dwelling burglary")
    assert a.na == "n/a: police.uk has no dwelling split"
    df = pd.DataFrame({"crime_type": ["Burglary", "Burglary dwelling"]})
    df["crime_group"] = g.assign(df["crime_type"])
    assert g.mask(df, "Dwelling burglary").tolist() == [False, False]  # counts nothing; callers show a.na
    assert g.for_source("force").availability("Dwelling burglary").status == "available"


def test_unknown_source_counts_groups_as_defined(groups):
    assert groups.source == ""
    assert groups.availability("Dwelling burglary").status == "available"
    # a group no source can give stays a proxy even when the source is not known
    assert groups.availability("Alcohol-related violence").status == "proxy"
    with pytest.raises(ValueError, match=r"source: expected one of \['policeuk', 'force'\], got 'csv'"):
        groups.for_source("csv")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('types = ["x"]\nsources = ["policeuk", "ftp"]\n', r"sources = \['policeuk', 'ftp'\]: expected a list of"),
        ('types = ["x"]\nsources = ["force"]\nproxy = "Nope"\n', r"proxy = 'Nope' is not another crime group"),
        ('types = ["x"]\nsources = ["force"]\nproxy = "C"\n', r"proxy = 'C' is not another crime group"),
        ('types = ["x"]\nproxy = "A"\n', r"need `sources`"),
        ('types = ["x"]\nsources = ["force"]\nproxy_label = "L"\n', r"proxy_label is set but proxy is not"),
        ('types = ["x"]\nsources = ["force"]\nproxie = "A"\n', r"unknown key\(s\) \['proxie'\]"),
        ('types = ["x"]\nsources = ["force"]\nreason = ""\n', r"reason = '': expected a non-empty string"),
    ],
)
def test_bad_proxy_config_is_named(tmp_path, spec, message):
    file = tmp_path / "g.toml"
    file.write_text(f'base_groups = ["A"]\n[composites.C]\n{spec}', encoding="utf-8")
    with pytest.raises(ValueError, match=rf"g.toml: composite 'C'.*{message}"):
        load_crime_groups(file)


def test_composite_mask_matches_types_however_written() -> None:
    """A composite (Dwelling burglary) matches its crime types by key (case and spaces ignored), on
    any index, with a missing group or type never matching."""
    groups = load_crime_groups()
    inc = pd.DataFrame({
        "crime_group": pd.array(["Burglary", "Burglary", None, "Drugs", "Burglary"], dtype="string"),
        "crime_type": pd.array(["Burglary  DWELLING", "Burglary", "Burglary dwelling", None, " Distraction burglary"],
                               dtype="string"),
    }, index=[10, 4, 7, 1, 0])
    assert groups.mask(inc, "Dwelling burglary").tolist() == [True, False, True, False, True]
    assert groups.mask(inc, "Burglary").tolist() == [True, True, False, False, True]
    assert groups.mask(inc, "Dwelling burglary").index.tolist() == [10, 4, 7, 1, 0]
