"""Tests of dashboard.maps: the folium page of the v1 map component (until it is replaced by
the engine, see tests/test_mapdata.py and tests/test_publish.py).

The districts are Panjshir's from the real boundary data, simplified for the web as the
command line does; the claims carry hostile text that must reach the page only escaped.
"""

from __future__ import annotations

import json
import re

import pytest

from dashboard import boundaries
from dashboard.claims import check_claims
from dashboard.control import resolve
from dashboard.gazetteer import boundary_gazetteer
from dashboard.maps import (
    CONTESTED_FILL,
    UNKNOWN_COLOR,
    build_map,
    map_data,
    palette,
    standalone_html,
    view_label,
)

HOSTILE_QUOTE = "<img src=x onerror=alert(1)>"
HOSTILE_NOTE = "<script>alert(1)</script>"
HOSTILE_NAME = "</script><script>alert('name')</script>"
HOSTILE_LABEL = '<b onmouseover="alert(2)">Taliban</b>'

CLAIMS = f"""\
version: 1
region: {{province: AF08, name: "Panjshir {HOSTILE_NOTE}"}}
sides:
  taliban: {{label: {json.dumps(HOSTILE_LABEL)}, color: "#D55E00"}}
  nrf: {{label: National Resistance Front, color: "#0072B2"}}
sources:
  karimi: {{name: {json.dumps(HOSTILE_NAME)}, side: taliban}}
  dashti: {{name: Fahim Dashti, side: nrf, note: {json.dumps(HOSTILE_NOTE)}}}
  cnn: {{name: "CNN & <i>friends</i>", side: independent}}
claims:
  - id: karimi-0905
    date: 2021-09-05
    source: karimi
    via: cnn
    holder: taliban
    districts: all
    except: [Bazarak, Rokha]
    quote: {json.dumps(HOSTILE_QUOTE)}
    note: {json.dumps(HOSTILE_NOTE)}
    date_note: {json.dumps(HOSTILE_NOTE)}
    url: "https://example.org/a?b=1&c=<x>"
  - id: karimi-0905-rest
    date: 2021-09-05
    source: karimi
    holder: nrf
    districts: [Bazarak, Rokha]
  - id: dashti-0905
    date: 2021-09-05
    source: dashti
    holder: nrf
    districts: all
    quote: {json.dumps(HOSTILE_QUOTE + " & " + HOSTILE_NOTE)}
"""
PCODES = [f"AF080{k}" for k in range(1, 8)]


@pytest.fixture(scope="module")
def claims():
    claimset, problems = check_claims(CLAIMS.encode(), gazetteer_for=boundary_gazetteer())
    assert problems == [], [str(p) for p in problems]
    return claimset


@pytest.fixture(scope="module")
def districts():
    return boundaries.for_web(boundaries.load_region("AF08"))


def test_palette_uses_the_sides_colours(claims):
    styles = palette(claims)
    assert set(styles) == {"taliban", "nrf", "contested", "disputed", "unknown"}
    assert styles["taliban"]["fillColor"] == "#D55E00"
    assert styles["nrf"]["fillColor"] == "#0072B2"
    assert styles["contested"]["fillColor"] == CONTESTED_FILL == "url(#contested-hatch)"
    assert styles["unknown"]["fillColor"] == UNKNOWN_COLOR
    assert styles["unknown"]["dashArray"]  # unknown is drawn dashed, not as a holder


def test_map_data(claims):
    data = map_data(claims, view="nrf", on="2021-09-05")
    assert (data["start"], data["days"], data["view"], data["day"]) == ("2021-09-05", 1, "nrf", 0)
    assert data["views"] == {"taliban": f"{HOSTILE_LABEL} claims", "nrf": "National Resistance Front claims",
                             "independent": "Independent reports", "combined": "All voices combined"}
    assert set(data["history"]) == set(claims.views)  # the app's engine can show every view
    assert data["holders"] == ["taliban", "nrf", "contested", "disputed", "unknown"]
    nrf = {i: h for _, i, h, _ in data["history"]["nrf"]}
    assert nrf == {i: 1 for i in range(7)}
    only = map_data(claims, view="nrf", on="2021-09-05", engine=False)
    assert set(only["history"]) == {"nrf"}


def test_view_labels(claims):
    assert view_label(claims, "nrf") == "National Resistance Front claims"
    assert view_label(claims, "combined") == "All voices combined"
    assert view_label(claims, "independent") == "Independent reports"


def test_build_map_renders_standalone(claims, districts):
    m = build_map(resolve(claims, view="nrf", on="2021-09-05"), districts, claims, popups=False)
    page = standalone_html(m)
    assert '"popups":false' in page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
