"""Force-extract loader: column mapping, CSV/XLSX/CSV.GZ, day-first dates, times, beat-only, bad rows."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from csp_data.groups import load_crime_groups
from csp_data.io.force import ColumnMapping, load_force_extract, parse_days
from csp_data.schema import INCIDENT_COLUMNS

GROUPS = load_crime_groups()
DATE_ONLY = ColumnMapping(area="Beat", crime_type="Category", date="Date")
MAPPING = ColumnMapping(
    area="Beat",
    crime_type="Category",
    date="Date Committed",
    time="Time",
    x="Easting",
    y="Northing",
    crime_id="Ref",
    location="Street",
    outcome="Status",
)
CSV = """Ref,Beat,Category,Date Committed,Time,Easting,Northing,Street,Status
R1,D1A,Burglary dwelling,17/03/2021,14:30,505000,207000,High Street,Open
R2,D2A,Theft from motor vehicle,01/04/2021,0905,497000,208000,Castle Street,Closed
R3,D1A,Night time violent crime,2021-03-31,,505100,207100,Marlowes,
R4,,Burglary dwelling,17/03/2021,14:30,505000,207000,High Street,Open
R5,D1A,Burglary dwelling,31/02/2021,14:30,505000,207000,High Street,Open
R6,D3D,Cheque fraud,05/05/2021,23:59,,,Lane,
R7,D3D,,05/05/2021,10:00,,,Lane,
"""


def write(tmp_path: Path, text: str = CSV, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_mapping(tmp_path: Path) -> None:
    incidents, report = load_force_extract(write(tmp_path), MAPPING, GROUPS)
    assert list(incidents.columns) == list(INCIDENT_COLUMNS)
    assert incidents["crime_id"].tolist() == ["R1", "R2", "R3", "R6"]
    assert incidents["area_code"].tolist() == ["D1A", "D2A", "D1A", "D3D"]
    assert incidents["crime_group"].tolist() == [
        "Burglary",
        "Vehicle crime",
        "Violence and sexual offences",
        "Other crime",
    ]
    assert incidents["date"].tolist()[:3] == [
        pd.Timestamp("2021-03-17 14:30"),
        pd.Timestamp("2021-04-01 09:05"),
        pd.Timestamp("2021-03-31"),
    ]
    assert incidents["month"].tolist() == [
        pd.Timestamp(m) for m in ("2021-03-01", "2021-04-01", "2021-03-01", "2021-05-01")
    ]
    assert incidents["hour"].tolist() == [14, 9, pd.NA, 23]
    assert incidents.loc[0, "x"] == 505000 and incidents.loc[0, "y"] == 207000
    assert incidents.loc[0, "lon"] == pytest.approx(-0.4725, abs=0.01)
    assert incidents["location"].tolist()[0] == "High Street"
    assert incidents["outcome"].tolist()[0] == "Open"
    assert incidents["source_row"].tolist() == [1, 2, 3, 6]
    assert incidents["lsoa_code"].isna().all()
    file = report.files[0]
    assert file.kind == "force extract"
    assert file.accepted == 4 and file.rejected == 3
    assert file.notes["unrecognised crime type 'Cheque fraud' counted as Other crime"] == 1
    assert file.notes["no location"] == 1
    assert report.usable


def test_bad_rows_rejected_with_row_and_column(tmp_path: Path) -> None:
    _, report = load_force_extract(write(tmp_path), MAPPING, GROUPS)
    file = report.files[0]
    assert dict(file.reasons) == {"missing area code": 1, "unparseable date": 1, "missing crime type": 1}
    by_reason = {i.message.split(":")[0]: i for i in file.issues}
    assert by_reason["missing area code"].row == 4 and by_reason["missing area code"].column == "Beat"
    assert by_reason["unparseable date"].row == 5 and by_reason["unparseable date"].column == "Date Committed"
    assert "found '31/02/2021'" in by_reason["unparseable date"].message
    assert by_reason["missing crime type"].row == 7


def test_xlsx_with_mapping_and_sheet(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Beat": ["D1A", "D2A"],
            "Category": ["Distraction burglary", "Criminal damage"],
            "Date": [pd.Timestamp("2021-03-17"), pd.Timestamp("2021-12-01")],
        }
    )
    path = tmp_path / "extract.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"notes": ["cover"]}).to_excel(writer, sheet_name="About", index=False)
        frame.to_excel(writer, sheet_name="Crimes", index=False)
    mapping = ColumnMapping(area="Beat", crime_type="Category", date="Date")
    incidents, report = load_force_extract(path, mapping, GROUPS, sheet="Crimes")
    assert incidents["crime_group"].tolist() == ["Burglary", "Criminal damage and arson"]
    assert incidents["date"].tolist() == [pd.Timestamp("2021-03-17"), pd.Timestamp("2021-12-01")]
    assert incidents["hour"].isna().all()  # Excel day cells carry a midnight "time": not an hour
    assert report.accepted == 2
    with pytest.raises(ValueError, match=r"no sheet 'Nope'; the workbook has \['About', 'Crimes'\]"):
        load_force_extract(path, mapping, GROUPS, sheet="Nope")


def test_csv_gz(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv.gz"
    path.write_bytes(gzip.compress(CSV.encode()))
    incidents, _ = load_force_extract(path, MAPPING, GROUPS)
    assert len(incidents) == 4


def test_beat_only_extract_with_month(tmp_path: Path) -> None:
    path = write(tmp_path, "beat,month,type\nD1A,2021-03,Burglary\nD1B,Mar 2021,Robbery\nD1C,March,Drugs\n")
    mapping = ColumnMapping(area="beat", crime_type="type", month="month")
    incidents, report = load_force_extract(path, mapping, GROUPS)
    assert incidents["area_code"].tolist() == ["D1A", "D1B"]
    assert incidents["month"].tolist() == [pd.Timestamp("2021-03-01")] * 2
    assert incidents["date"].isna().all() and incidents["x"].isna().all()
    assert report.files[0].reasons["unparseable month"] == 1
    assert report.files[0].issues[0].column == "month"


def test_lon_lat_coordinates(tmp_path: Path) -> None:
    path = write(tmp_path, "beat,day,type,lon,lat\nD1A,17/03/2021 22:15,Burglary,-0.127964,51.507778\n")
    mapping = ColumnMapping(area="beat", crime_type="type", date="day", lon="lon", lat="lat")
    incidents, _ = load_force_extract(path, mapping, GROUPS)
    assert incidents.loc[0, "x"] == pytest.approx(530_010, abs=30)
    assert incidents.loc[0, "hour"] == 22


def test_coordinates_in_another_crs_and_outside_gb(tmp_path: Path) -> None:
    # Web Mercator metres for Trafalgar Square, then a point in the sea off Africa
    path = write(
        tmp_path, "beat,day,type,X,Y\nD1A,2021-03-17,Burglary,-14245,6711455\nD1A,2021-03-17,Burglary,0,0\n"
    )
    mapping = ColumnMapping(area="beat", crime_type="type", date="day", x="X", y="Y", crs="EPSG:3857")
    incidents, report = load_force_extract(path, mapping, GROUPS)
    assert incidents.loc[0, "x"] == pytest.approx(530_010, abs=60)
    assert pd.isna(incidents.loc[1, "x"])
    assert report.files[0].notes["coordinates outside Great Britain (treated as no location)"] == 1


def test_mapping_errors(tmp_path: Path) -> None:
    path = write(tmp_path)
    with pytest.raises(ValueError, match=r"mapped columns not found: area='Neighbourhood'"):
        load_force_extract(
            path, ColumnMapping(area="Neighbourhood", crime_type="Category", date="Date Committed"), GROUPS
        )
    with pytest.raises(ValueError, match="needs `date` or `month`"):
        load_force_extract(path, ColumnMapping(area="Beat", crime_type="Category"), GROUPS)
    with pytest.raises(ValueError, match="gives `x` or `y` but not both"):
        load_force_extract(
            path, ColumnMapping(area="Beat", crime_type="Category", date="Time", x="Easting"), GROUPS
        )
    with pytest.raises(ValueError, match="not a known CRS"):
        load_force_extract(
            path,
            ColumnMapping(
                area="Beat", crime_type="Category", date="Time", x="Easting", y="Northing", crs="EPSG:0"
            ),
            GROUPS,
        )


def test_file_errors(tmp_path: Path) -> None:
    mapping = ColumnMapping(area="Beat", crime_type="Category", date="Date")
    with pytest.raises(ValueError, match=r"nope\.csv: no such file"):
        load_force_extract(tmp_path / "nope.csv", mapping, GROUPS)
    with pytest.raises(ValueError, match=r"expected a \.csv, \.csv\.gz or \.xlsx"):
        load_force_extract(write(tmp_path, "x", name="extract.pdf"), mapping, GROUPS)
    with pytest.raises(ValueError, match="the file is empty"):
        load_force_extract(write(tmp_path, "", name="empty.csv"), mapping, GROUPS)


def test_unreadable_time_keeps_the_row(tmp_path: Path) -> None:
    path = write(tmp_path, "Beat,Category,Date,Time\nD1A,Burglary,17/03/2021,teatime\n")
    mapping = ColumnMapping(area="Beat", crime_type="Category", date="Date", time="Time")
    incidents, report = load_force_extract(path, mapping, GROUPS)
    assert len(incidents) == 1 and pd.isna(incidents.loc[0, "hour"])
    assert report.files[0].notes["unreadable time (hour left empty)"] == 1


def test_parse_days_is_day_first() -> None:
    dates, has_time = parse_days(pd.Series(["03/04/2021", "2021-04-03", "13/12/2021 08:00", "12/13/2021"]))
    assert dates.tolist()[:3] == [
        pd.Timestamp("2021-04-03"),
        pd.Timestamp("2021-04-03"),
        pd.Timestamp("2021-12-13 08:00"),
    ]
    assert pd.isna(dates.iloc[3])  # a US month-first date is not guessed
    assert has_time.tolist() == [False, False, True, False]


# ---------------------------------------------------------------------------- issue 10, point 8: dates


def us_extract(tmp_path: Path, days: list[str]) -> Path:
    lines = ["Beat,Category,Date"] + [f"D1A,Burglary,{d}" for d in days]
    return write(tmp_path, "\n".join(lines) + "\n", name="us.csv")


# 15 US-style (month/day) dates: 12 whose day is 12 or less (read day-first they land in another month)
# and 3 whose day is above 12 (read day-first they are impossible)
US_DAYS = [f"{m:02d}/{d:02d}/2021" for m, d in zip(range(1, 13), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1], strict=True)]
US_DAYS += ["01/13/2021", "02/20/2021", "03/31/2021"]


def test_month_first_file_is_read_month_first_and_says_so(tmp_path: Path) -> None:
    incidents, report = load_force_extract(us_extract(tmp_path, US_DAYS), DATE_ONLY, GROUPS)
    file = report.files[0]
    assert (file.accepted, file.rejected) == (15, 0)
    expected = [f"2021-{m:02d}-01" for m in range(1, 13)] + ["2021-01-01", "2021-02-01", "2021-03-01"]
    assert incidents["month"].tolist() == [pd.Timestamp(m) for m in expected]
    assert incidents["date"].iloc[0] == pd.Timestamp("2021-01-02")  # 01/02 is 2 January here
    assert incidents["date"].iloc[-1] == pd.Timestamp("2021-03-31")
    said = [i for i in file.issues if i.severity == "info" and i.column == "Date"]
    assert [i.message for i in said] == [
        "dates read month-first (US, 03/17/2021 = 17 March 2021): 3 of 15 have a day above 12 second"
    ]
    assert incidents["crime_type"].tolist() == ["Burglary"] * 15 and incidents["hour"].isna().all()


def test_day_first_file_is_still_day_first_and_says_so(tmp_path: Path) -> None:
    days = ["02/01/2021", "17/03/2021", "05/04/2021"]
    incidents, report = load_force_extract(us_extract(tmp_path, days), DATE_ONLY, GROUPS)
    assert incidents["date"].tolist() == [pd.Timestamp(d) for d in ("2021-01-02", "2021-03-17", "2021-04-05")]
    assert any(i.message.startswith("dates read day-first (UK, 17/03/2021): 1 of 3") for i in report.files[0].issues)


def test_undecidable_dates_stop_with_a_clear_error_unless_date_format_is_given(tmp_path: Path) -> None:
    path = us_extract(tmp_path, US_DAYS[:12])  # every field 12 or less
    with pytest.raises(ValueError) as caught:
        load_force_extract(path, DATE_ONLY, GROUPS)
    assert str(caught.value) == (
        f"{path}, column 'Date': cannot tell whether dates such as row 1 '01/02/2021' are day-first (UK) or "
        "month-first (US): none of the 12 dates has a field above 12; set date_format = \"%d/%m/%Y\" "
        "(day first) or \"%m/%d/%Y\" (month first) in [incidents.columns]"
    )
    us = ColumnMapping(area="Beat", crime_type="Category", date="Date", date_format="%m/%d/%Y")
    incidents, report = load_force_extract(path, us, GROUPS)
    assert incidents["month"].tolist() == [pd.Timestamp(f"2021-{m:02d}-01") for m in range(1, 13)]
    assert (report.files[0].accepted, report.files[0].rejected) == (12, 0)
    uk = ColumnMapping(area="Beat", crime_type="Category", date="Date", date_format="%d/%m/%Y")
    incidents, _ = load_force_extract(path, uk, GROUPS)
    assert incidents["date"].iloc[0] == pd.Timestamp("2021-02-01")


def test_contradictory_dates_name_both_rows(tmp_path: Path) -> None:
    path = us_extract(tmp_path, ["01/02/2021", "17/03/2021", "03/17/2021"])
    with pytest.raises(ValueError, match=r"us\.csv, column 'Date': the dates mix day-first and month-first: "
                       r"row 2 '17/03/2021' can only be day/month, row 3 '03/17/2021' only month/day; "
                       r"set date_format"):
        load_force_extract(path, DATE_ONLY, GROUPS)
    # with a format, the row that does not fit it is rejected and named
    us = ColumnMapping(area="Beat", crime_type="Category", date="Date", date_format="%m/%d/%Y")
    incidents, report = load_force_extract(path, us, GROUPS)
    assert incidents["date"].tolist() == [pd.Timestamp("2021-01-02"), pd.Timestamp("2021-03-17")]
    bad = [i for i in report.files[0].issues if i.row is not None]
    assert [str(i) for i in bad] == [
        f"{path}, row 2, column 'Date': unparseable date: found '17/03/2021', expected a day in the format '%m/%d/%Y'"
    ]


def test_date_format_must_name_day_month_and_year(tmp_path: Path) -> None:
    bad = ColumnMapping(area="Beat", crime_type="Category", date="Date", date_format="%m/%Y")
    with pytest.raises(ValueError, match=r"column 'Date': date_format '%m/%Y' lacks %d; expected a strptime"):
        load_force_extract(us_extract(tmp_path, ["01/2021"]), bad, GROUPS)


def test_excel_time_fraction_half_is_noon(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Beat", "Category", "Date", "Time"])
    for row in (["D1A", "Burglary", "17/03/2021", 0.5], ["D1A", "Burglary", "18/03/2021", 0.604166666666667],
                ["D1A", "Burglary", "19/03/2021", 0.0]):
        sheet.append(row)
    path = tmp_path / "times.xlsx"
    book.save(path)
    mapping = ColumnMapping(area="Beat", crime_type="Category", date="Date", time="Time")
    incidents, report = load_force_extract(path, mapping, GROUPS)
    assert incidents["hour"].tolist() == [12, 14, 0]
    assert incidents["date"].tolist() == [
        pd.Timestamp("2021-03-17 12:00"), pd.Timestamp("2021-03-18 14:30"), pd.Timestamp("2021-03-19 00:00")
    ]
    assert any(i.message == "times read as Excel fractions of a day (0.5 = 12:00)" for i in report.files[0].issues)
    # the same numbers in a CSV, and H.MM times stay H.MM
    csv_path = write(tmp_path, "Beat,Category,Date,Time\nD1A,Burglary,17/03/2021,0.5\n", name="t.csv")
    assert load_force_extract(csv_path, mapping, GROUPS)[0]["hour"].tolist() == [12]
    hm_path = write(tmp_path, "Beat,Category,Date,Time\nD1A,Burglary,17/03/2021,14.30\nD1A,Burglary,17/03/2021,0.30\n",
                    name="hm.csv")
    hm, _ = load_force_extract(hm_path, mapping, GROUPS)
    assert hm["date"].tolist() == [pd.Timestamp("2021-03-17 14:30"), pd.Timestamp("2021-03-17 00:30")]


def test_excel_date_only_cells_among_timed_rows_have_no_hour(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Beat", "Category", "Committed"])
    sheet.append(["D1A", "Burglary", dt.datetime(2021, 3, 17, 14, 30)])
    sheet.append(["D1A", "Burglary", dt.date(2021, 3, 18)])  # a day only
    sheet.append(["D1A", "Burglary", dt.datetime(2021, 3, 19, 0, 0)])  # a real midnight
    path = tmp_path / "mixed.xlsx"
    book.save(path)
    incidents, report = load_force_extract(
        path, ColumnMapping(area="Beat", crime_type="Category", date="Committed"), GROUPS
    )
    assert incidents["hour"].tolist() == [14, pd.NA, 0]
    assert incidents["month"].tolist() == [pd.Timestamp("2021-03-01")] * 3
    assert report.files[0].accepted == 3
    # the same in a CSV: a day without a time has no hour
    csv_path = write(tmp_path, "Beat,Category,Committed\nD1A,Burglary,17/03/2021 14:30\nD1A,Burglary,18/03/2021\n"
                     "D1A,Burglary,19/03/2021 00:00\n", name="mixed.csv")
    assert load_force_extract(csv_path, ColumnMapping(area="Beat", crime_type="Category", date="Committed"),
                              GROUPS)[0]["hour"].tolist() == [14, pd.NA, 0]
