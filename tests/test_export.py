"""Tests of dashboard.export: snapshots and timelines as CSV, JSON and GeoJSON text.

Everything here runs on the fixture province XX01 (three squares), with no boundary files.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import geopandas as gpd
import pytest
from shapely.geometry import box, shape

from dashboard import export
from dashboard.claims import check_claims
from dashboard.control import district_timeline, resolve, timeline
from dashboard.mapdata import ATTRIBUTION
from dashboard.testing import tiny_gazetteer

CLAIMS = """\
version: 1
region: {province: XX01}
sides: {red: {label: Red, color: "#D55E00"}, blue: {label: Blue, color: "#0072B2"}}
sources:
  red: {name: "Red, the spokesman", side: red}
  blue: {name: "Blue \\"B\\" Side", side: blue}
  press: {name: Press, side: independent}
claims:
  - {id: r1, date: 2021-09-03, source: red, holder: red, districts: [North, South],
     quote: "We hold North, and South;\\nall of it", url: "https://example.org/r1"}
  - {id: b1, date: "2021-09-05T14:00", source: blue, via: press, holder: blue, districts: [North],
     confidence: low}
  - {id: p1, date: 2021-09-04, source: press, holder: contested, districts: [South]}
"""


@pytest.fixture(scope="module")
def claims():
    claimset, problems = check_claims(CLAIMS.encode(), gazetteer_for=lambda p: tiny_gazetteer())
    assert problems == [], [str(p) for p in problems]
    return claimset


@pytest.fixture(scope="module")
def districts():
    return gpd.GeoDataFrame(
        {"pcode": ["XX0101", "XX0102", "XX0103"], "name": ["North", "South", "East"]},
        geometry=[box(0, 1, 1, 2), box(0, 0, 1, 1), box(1, 0, 2, 2)],
        crs="EPSG:4326",
    )


def test_snapshot_csv(claims):
    text = export.snapshot_csv(resolve(claims, view="combined", on="2021-09-05"), claims)
    assert text.startswith("pcode,district,holder,since,claim_ids")
    assert text.endswith("\n") and "\r" not in text.replace("\\r", "")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == export.SNAPSHOT_COLUMNS
    assert [
        (r["pcode"], r["district"], r["holder"], r["since"], r["claim_ids"], r["district_da"]) for r in rows
    ] == [
        ("XX0101", "North", "disputed", "2021-09-05", "r1;b1", "شمال"),
        ("XX0102", "South", "disputed", "2021-09-04", "r1;p1", "جنوب"),
        ("XX0103", "East", "unknown", "", "", "شرق"),
    ]
    # Source names with commas and quotes survive the round trip.
    assert rows[0]["sources"] == 'Red, the spokesman; Blue "B" Side'


def test_snapshot_json(claims):
    text = export.snapshot_json(resolve(claims, view="red", on="2021-09-05"), claims)
    data = json.loads(text)
    assert (data["province"], data["view"], data["on"]) == ("XX01", "red", "2021-09-05T23:59")
    assert "شمال" in text  # not \u-escaped
    north, south, east = data["districts"]
    assert (north["holder"], north["claim_ids"], north["since"]) == ("red", ["r1"], "2021-09-03")
    assert north["claims"] == [
        {
            "id": "r1",
            "date": "2021-09-03T00:00",
            "source": "Red, the spokesman",
            "side": "red",
            "via": None,
            "holder": "red",
            "url": "https://example.org/r1",
            "quote": "We hold North, and South;\nall of it",
            "confidence": None,
        }
    ]
    assert (east["holder"], east["claim_ids"], east["claims"], east["since"]) == ("unknown", [], [], "")


def test_snapshot_json_names_the_relaying_source(claims):
    data = json.loads(export.snapshot_json(resolve(claims, view="blue", on="2021-09-06"), claims))
    (claim,) = data["districts"][0]["claims"]
    assert (claim["via"], claim["date"], claim["confidence"]) == ("Press", "2021-09-05T14:00", "low")


def test_snapshot_geojson(claims, districts):
    snapshot = resolve(claims, view="combined", on="2021-09-05")
    data = json.loads(export.snapshot_geojson(snapshot, districts, claims))
    assert data["type"] == "FeatureCollection"
    assert (data["view"], data["on"], data["attribution"]) == ("combined", "2021-09-05T23:59", ATTRIBUTION)
    assert [f["properties"]["pcode"] for f in data["features"]] == ["XX0101", "XX0102", "XX0103"]
    assert [f["properties"]["holder"] for f in data["features"]] == ["disputed", "disputed", "unknown"]
    for feature, geometry in zip(data["features"], districts.geometry):
        assert feature["type"] == "Feature"
        assert shape(feature["geometry"]).equals(geometry)


def test_snapshot_geojson_leaves_out_districts_not_in_the_snapshot(claims, districts):
    extra = gpd.GeoDataFrame(
        {"pcode": ["YY0101"], "name": ["Elsewhere"]}, geometry=[box(5, 5, 6, 6)], crs="EPSG:4326"
    )
    frame = gpd.GeoDataFrame(gpd.pd.concat([districts, extra], ignore_index=True), crs="EPSG:4326")
    data = json.loads(export.snapshot_geojson(resolve(claims, view="red", on="2021-09-05"), frame, claims))
    assert [f["properties"]["pcode"] for f in data["features"]] == ["XX0101", "XX0102", "XX0103"]


def test_timeline_csv_and_json(claims):
    frame = timeline(claims, view="combined")
    assert export.timeline_csv(frame) == (
        "date,red,blue,contested,disputed,unknown\n"
        "2021-09-03,2,0,0,0,1\n"
        "2021-09-04,1,0,0,1,1\n"
        "2021-09-05,0,0,0,2,1\n"
    )
    assert json.loads(export.timeline_json(frame)) == [
        {"date": "2021-09-03", "counts": {"red": 2, "blue": 0, "contested": 0, "disputed": 0, "unknown": 1}},
        {"date": "2021-09-04", "counts": {"red": 1, "blue": 0, "contested": 0, "disputed": 1, "unknown": 1}},
        {"date": "2021-09-05", "counts": {"red": 0, "blue": 0, "contested": 0, "disputed": 2, "unknown": 1}},
    ]


def test_district_timeline_csv_and_json(claims):
    frame = district_timeline(claims, view="combined")
    assert export.district_timeline_csv(frame, claims) == (
        "date,North,South,East\n"
        "2021-09-03,red,red,unknown\n"
        "2021-09-04,red,disputed,unknown\n"
        "2021-09-05,disputed,disputed,unknown\n"
    )
    document = json.loads(export.district_timeline_json(frame, claims))
    assert document["districts"] == {"XX0101": "North", "XX0102": "South", "XX0103": "East"}
    assert document["rows"][0] == {
        "date": "2021-09-03",
        "holders": {"XX0101": "red", "XX0102": "red", "XX0103": "unknown"},
    }


def test_district_timeline_csv_tells_apart_districts_of_the_same_name(claims):
    # A country has several districts of one name (Afghanistan: Qara Bagh, Surobi, Kohistan...).
    same = dataclasses.replace(
        claims,
        districts=tuple(
            dataclasses.replace(d, name="Centre") if d.pcode != "XX0103" else d for d in claims.districts
        ),
    )
    header = export.district_timeline_csv(district_timeline(claims, view="red"), same).splitlines()[0]
    assert header == "date,Centre (XX0101),Centre (XX0102),East"


def test_empty_timeline(claims):
    frame = timeline(claims, view="independent").iloc[0:0]
    assert export.timeline_csv(frame) == "date,red,blue,contested,disputed,unknown\n"
    assert json.loads(export.timeline_json(frame)) == []


def test_map_html_is_a_page(claims, districts):
    page = export.map_html(resolve(claims, view="red", on="2021-09-05"), districts, claims)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert ATTRIBUTION in page


# ------------------------------------------------ CSV: formulas neutralised, rows kept (issue 9)

FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1:A2)", "\t=1", "\r=1+1", '=HYPERLINK("http://evil.example")']


def hostile_claims(claims, name: str):
    """The fixture with every source and district named ``name`` (as a hostile file could)."""
    sources = {
        k: dataclasses.replace(s, name=f"{name} {k}" if k != "red" else name)
        for k, s in claims.sources.items()
    }
    districts = tuple(
        dataclasses.replace(d, name=f"{name} {d.pcode}", name_da=name) for d in claims.districts
    )
    return dataclasses.replace(claims, sources=sources, districts=districts)


@pytest.mark.parametrize("name", FORMULAS + ["a\rb", "a\nb", "a\r\nb", 'say "x", then\ny'])
def test_every_csv_keeps_its_rows_and_neutralises_formulas(claims, name):
    import pandas as pd

    hostile = hostile_claims(claims, name)
    frame = district_timeline(hostile, view="combined")
    snapshot = resolve(hostile, view="combined", on="2021-09-05")
    texts = {
        "snapshot": export.snapshot_csv(snapshot, hostile),
        "timeline": export.timeline_csv(timeline(hostile, view="combined")),
        "districts": export.district_timeline_csv(frame, hostile),
    }
    for kind, text in texts.items():
        rows = list(csv.reader(io.StringIO(text, newline="")))
        expected = {"snapshot": 4, "timeline": 4, "districts": 4}[kind]
        assert len(rows) == expected, (kind, rows)
        assert len(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)) == expected - 1
        # No cell, once read, starts a formula; and a line break inside a value is quoted.
        cells = [cell for row in rows for cell in row]
        assert not [c for c in cells if c.startswith(export.FORMULA_PREFIXES)], (kind, cells)
        for line in text.split("\n")[1:-1]:
            assert not line.startswith(export.FORMULA_PREFIXES), (kind, line)
    # The text itself is kept, behind the documented ' where it starts a formula.
    shown = ("'" + name) if name.startswith(export.FORMULA_PREFIXES) else name
    rows = list(csv.DictReader(io.StringIO(texts["snapshot"], newline="")))
    assert rows[0]["district_da"] == shown
    assert rows[0]["sources"].startswith(shown)
    header = next(csv.reader(io.StringIO(texts["districts"], newline="")))
    assert header[1] == (("'" + name) if name.startswith(export.FORMULA_PREFIXES) else name) + " XX0101"


def test_csv_of_ordinary_text_is_unchanged(claims):
    """Neutralising touches only cells that need it: the README's examples stay as they were."""
    text = export.snapshot_csv(resolve(claims, view="combined", on="2021-09-05"), claims)
    frame = export.snapshot_frame(resolve(claims, view="combined", on="2021-09-05"), claims)
    assert text == frame.to_csv(index=False, lineterminator="\n")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("+x", "'+x"),
        ("\tx", "'\tx"),
        ("\rx", '"\'\rx"'),
        ("a,b", '"a,b"'),
        ('a"b', '"a""b"'),
        ("a\nb", '"a\nb"'),
        ("a=b", "a=b"),
        (None, ""),
        (float("nan"), ""),
        (3, "3"),
        ("", ""),
    ],
)
def test_csv_cell(value, cell):
    assert export.csv_cell(value) == cell
