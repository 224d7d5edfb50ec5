"""Tests of dashboard.mapdata: the data the map engine draws every view and day from.

Panjshir's real districts (simplified for the web) with claims carrying hostile text, which
must reach the data intact and the page only inside script-safe JSON.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from shapely.geometry import shape

from dashboard import boundaries, mapdata
from dashboard.claims import check_claims
from dashboard.codec import unvarints
from dashboard.control import ledger, resolve
from dashboard.gazetteer import Place, boundary_gazetteer
from dashboard.mapdata import engine_data, engine_json

HOSTILE_QUOTE = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
JINJA = "{{ 7*7 }} {% if 1 %}x{% endif %}"
HOSTILE_LABEL = '<b onmouseover="alert(2)">Taliban</b> {{ 7*7 }}'
PCODES = [f"AF080{k}" for k in range(1, 8)]

CLAIMS = f"""\
version: 1
region: {{province: AF08}}
sides:
  taliban: {{label: {json.dumps(HOSTILE_LABEL)}, color: "#D55E00"}}
  nrf: {{label: National Resistance Front, color: "#0072B2"}}
sources:
  karimi: {{name: {json.dumps(HOSTILE_SCRIPT)}, side: taliban}}
  dashti: {{name: {json.dumps(JINJA)}, side: nrf}}
  press: {{name: "CNN & <i>friends</i>", side: independent}}
claims:
  - id: karimi-0903
    date: 2021-09-03
    source: karimi
    holder: taliban
    districts: [Dara]
    places: [Malimah]
  - id: karimi-0905
    date: 2021-09-05
    source: karimi
    via: press
    holder: taliban
    districts: all
    except: [Bazarak, Rokha]
    quote: {json.dumps(HOSTILE_QUOTE)}
    url: "https://example.org/a?b=1&c=<x>"
  - id: dashti-0905
    date: "2021-09-05T18:00"
    source: dashti
    holder: nrf
    districts: all
    quote: {json.dumps(JINJA + " " + HOSTILE_SCRIPT)}
    places: [Malimah, Khawak Pass]
  - id: press-0910
    date: 2021-09-10
    source: press
    holder: contested
    districts: [Bazarak]
"""


@pytest.fixture(scope="module")
def claims():
    claimset, problems = check_claims(CLAIMS.encode(), gazetteer_for=boundary_gazetteer())
    assert problems == [], [str(p) for p in problems]
    return claimset


@pytest.fixture(scope="module")
def districts():
    return boundaries.for_web(boundaries.load_region("AF08"))


@pytest.fixture(scope="module")
def data(claims, districts):
    return engine_data(claims, districts)


def history_rows(data, view):
    """The compact history of a view expanded to ``[day, district, holder, [claims]]`` rows."""
    h = data["history"][view]
    days = list(_sums(unvarints(h["day"])))
    district, holder, count = unvarints(h["district"]), unvarints(h["holder"]), unvarints(h["count"])
    rests = list(_sums(unvarints(h["rests"])))
    rows, r = [], 0
    for k in range(h["n"]):
        rows.append([days[k], district[k], holder[k], rests[r : r + count[k]]])
        r += count[k]
    return rows


def _sums(values):
    total = 0
    for v in values:
        total += v
        yield total


def test_the_shape_of_the_data(data, claims):
    assert data["version"] == 1
    assert data["region"] == "Panjsher" and data["title"] == "Panjsher: who claimed which district"
    assert (data["start"], data["days"]) == ("2021-09-03", 8)
    assert [v["id"] for v in data["views"]] == ["taliban", "nrf", "independent", "combined"]
    assert data["views"][0]["label"] == f"{HOSTILE_LABEL} claims"
    assert data["holders"] == claims.holders
    assert set(data["styles"]) == set(data["holderLabels"]) == set(claims.holders)
    assert data["styles"]["contested"]["pattern"] == "hatch"
    assert data["styles"]["unknown"]["dash"] is True
    assert data["styles"]["taliban"]["color"] == "#D55E00"
    assert [d["pcode"] for d in data["districts"]] == PCODES
    assert all(len(d["label"]) == 2 for d in data["districts"])  # 7 districts: names drawn
    assert set(data["history"]) == set(data["claimDays"]) == set(claims.views)
    assert data["claimDays"]["combined"] == [0, 2, 7] and data["claimDays"]["nrf"] == [2]
    assert data["defaultView"] == "combined" and data["defaultDate"] == "2021-09-05"
    assert data["staleDays"] == 30
    assert data["attributionUrl"] == "https://data.humdata.org/dataset/afg-admin-boundaries"
    (south, west), (north, east) = data["bounds"]
    assert 35 < south < north < 36 and 69 < west < east < 71
    first = data["claims"][0]
    assert set(first) == {
        "id",
        "date",
        "day",
        "source",
        "via",
        "view",
        "holder",
        "url",
        "quote",
        "confidence",
        "places",
    }
    assert data["claims"][2]["date"] == "2021-09-05 18:00"
    assert json.loads(json.dumps(data)) == data  # JSON-able


def test_history_replays_every_view_and_day(data, claims, districts):
    led = ledger(claims)
    start = claims.claims[0].date
    for view in claims.views:
        rows = history_rows(data, view)
        assert rows == [[(d - start).days, i, h, list(r)] for d, i, h, r in led.history(view)]
        for day in range(data["days"]):
            state = [data["holders"].index("unknown")] * 7
            for row in rows:
                if row[0] <= day:
                    state[row[1]] = row[2]
            on = (start + __import__("datetime").timedelta(days=day)).isoformat()
            expected = resolve(claims, view=view, on=on).holders()
            assert {p: data["holders"][h] for p, h in zip(PCODES, state)} == expected, (view, on)


def test_geometry_round_trips_on_the_grid(data, districts):
    features = {f[0]: f for f in data["geometry"]["features"]}
    assert list(features) == list(districts["pcode"])
    for row in districts.itertuples():
        kind, polygons = features[row.pcode][1:]
        ring = unvarints(polygons[0][0])
        xs, ys = [], []
        x = y = 0
        for k in range(0, len(ring), 2):
            x, y = x + ring[k], y + ring[k + 1]
            xs.append(x / data["geometry"]["scale"])
            ys.append(y / data["geometry"]["scale"])
        exterior = (row.geometry.geoms[0] if kind == "M" else row.geometry).exterior
        assert len(xs) == len(exterior.coords) - 1
        assert max(abs(a - b[0]) for a, b in zip(xs, exterior.coords)) < 1e-4
        assert shape(row.geometry.__geo_interface__).is_valid


def test_hostile_text_is_kept_intact_in_the_data(data):
    by_id = {c["id"]: c for c in data["claims"]}
    assert by_id["karimi-0905"]["quote"] == HOSTILE_QUOTE
    assert by_id["karimi-0905"]["source"] == HOSTILE_SCRIPT
    assert by_id["karimi-0905"]["via"] == "CNN & <i>friends</i>"
    assert by_id["dashti-0905"]["source"] == JINJA
    assert data["holderLabels"]["taliban"] == HOSTILE_LABEL


def test_engine_json_is_script_safe_and_round_trips(data):
    text = engine_json(data)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert "{{ 7*7 }}" in text  # no template engine saw it: the braces are still there
    assert "49" not in text.replace(str(data["days"]), "")
    assert json.loads(text) == data
    assert engine_json({"x": "a\u2028b\u2029c"}) == '{"x":"a\\u2028b\\u2029c"}'


def test_places_need_a_sourced_point(claims, districts):
    places = [
        Place("Malimah", "AF0803", "high"),
        dataclasses.make_dataclass("P", ["name", "district", "lat", "lon", "point_source"])(
            "Khawak Pass", "AF0807", 35.66324, 69.78714, "GeoNames 1136827"
        ),
        dataclasses.make_dataclass("P", ["name", "district", "lat", "lon", "point_source"])(
            "Dashte Rewak", "AF0807", 35.6, 69.7, None
        ),
    ]
    data = engine_data(claims, districts, places=places)
    assert data["places"] == [
        {
            "name": "Khawak Pass",
            "district": "AF0807",
            "lat": 35.66324,
            "lon": 69.78714,
            "source": "GeoNames 1136827",
            "confidence": None,
            "claims": [2],
        }
    ]


def test_disputed_gets_its_own_encoding(claims):
    # Before and after the `disputed` holder lands in claims.py: styled apart from contested.
    holders = [*claims.sides, "contested", "disputed", "unknown"]
    assert mapdata.styles(claims)["contested"]["pattern"] == "hatch"
    fake = type("C", (), {"sides": claims.sides, "holders": holders})()
    both = mapdata.styles(fake)
    assert both["disputed"]["pattern"] == "cross" and both["contested"]["pattern"] == "hatch"
    assert both["disputed"]["color"] != both["unknown"]["color"]
    labels = mapdata.holder_labels(fake)
    assert labels["disputed"].startswith("Disputed") and "disagree" not in labels["contested"]


def test_a_country_draws_no_district_names(claims, districts):
    many = dataclasses.replace(claims, districts=claims.districts * 10)  # 70 > LABELS_UP_TO
    object.__setattr__(many, "_ledger", ledger(claims))
    data = engine_data(many, districts)
    assert all(d["label"] is None for d in data["districts"])


def test_leaflet_assets_are_local():
    css, js = mapdata.leaflet_assets()
    assert "url(images/" not in css and "data:image/png;base64," in css
    assert js.startswith("/* @preserve") or "Leaflet" in js[:400]
    assert "</script" not in js.lower()
