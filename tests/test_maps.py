"""Tests of dashboard.maps: the standalone HTML map, read as text (the browser tests drive it).

The districts are Panjshir's from the real boundary data, simplified for the web as the
command line does; the claims carry hostile text that must reach the page only escaped.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from dashboard import boundaries, export
from dashboard.claims import check_claims
from dashboard.control import resolve
from dashboard.gazetteer import boundary_gazetteer
from dashboard.maps import (ATTRIBUTION, CONTESTED_FILL, DISPUTED_COLOR, UNKNOWN_COLOR, build_map,
                            map_data, palette,
                            standalone_html, view_label)

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


@pytest.fixture(scope="module")
def pages(claims, districts):
    """The map of each view on 2021-09-05, as the command line renders it."""
    return {view: export.map_html(resolve(claims, view=view, on="2021-09-05"), districts, claims)
            for view in claims.views}


def embedded_geojson(page: str) -> dict:
    match = re.search(r"geo_json_\w+_add\((\{.*?\})\);\n", page, re.S)
    assert match, "no GeoJSON layer in the page"
    return json.loads(match.group(1))


def district_data(page: str) -> tuple[str, dict]:
    match = re.search(r'<script type="application/json" id="district-data">(.*?)</script>', page, re.S)
    assert match, "no district data in the page"
    return match.group(1), json.loads(match.group(1))


def test_every_district_is_a_feature_of_the_layer(pages, districts):
    for view, page in pages.items():
        layer = embedded_geojson(page)
        assert [f["properties"]["pcode"] for f in layer["features"]] == PCODES, view
        for feature in layer["features"]:
            assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
            assert len(json.dumps(feature["geometry"]["coordinates"])) > 100
        _, data = district_data(page)
        assert [d["pcode"] for d in data["districts"]] == PCODES
        assert [d["name"] for d in data["districts"]] == list(districts["name"])


def test_the_page_needs_no_network(pages):
    for view, page in pages.items():
        assert "https://cdn" not in page and "//cdn." not in page, view
        assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I), view
        assert not re.search(r"<link[^>]*\bhref\s*=", page, re.I), view
        assert not re.search(r"\bsrc\s*=\s*[\"']?(https?:)?//", page, re.I), view
        assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", page, re.I), view
        assert "tile.openstreetmap.org" not in page  # no basemap unless asked for
        assert "L.map(" in page or "L.map (" in page  # Leaflet itself is inlined


def test_a_basemap_is_only_there_when_asked_for(claims, districts):
    page = export.map_html(resolve(claims, view="nrf", on="2021-09-05"), districts, claims, basemap="osm")
    assert "tile.openstreetmap.org" in page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)


def test_the_attribution_is_shown(pages):
    for page in pages.values():
        assert "AGCHO / UN OCHA" in page
        assert html.escape(ATTRIBUTION) in page
        assert 'href="https://data.humdata.org/dataset/afg-admin-boundaries"' in page


@pytest.mark.parametrize("text", [HOSTILE_QUOTE, HOSTILE_NOTE, HOSTILE_NAME, HOSTILE_LABEL,
                                  "<i>friends</i>", "c=<x>"])
def test_hostile_text_never_reaches_the_page_unescaped(pages, text):
    for view, page in pages.items():
        assert text not in page, view


def test_hostile_text_is_embedded_escaped_and_intact(pages):
    raw, data = district_data(pages["combined"])
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in raw
    claims = {c["id"]: c for c in data["claims"]}
    assert claims["karimi-0905"]["quote"] == HOSTILE_QUOTE
    assert claims["karimi-0905"]["source"] == HOSTILE_NAME
    assert claims["karimi-0905"]["via"] == "CNN & <i>friends</i>"
    assert claims["dashti-0905"]["quote"] == HOSTILE_QUOTE + " & " + HOSTILE_NOTE
    assert data["holderLabels"]["taliban"] == HOSTILE_LABEL
    # The legend shows the label as text.
    assert html.escape(HOSTILE_LABEL) in pages["combined"]
    # Only the page's own scripts open and close (district data, Leaflet, folium, districts.js).
    page = pages["combined"]
    assert page.lower().count("<script") == page.lower().count("</script>")


def test_palette_uses_the_sides_colours(claims):
    styles = palette(claims)
    assert set(styles) == {"taliban", "nrf", "contested", "disputed", "unknown"}
    assert styles["taliban"]["fillColor"] == "#D55E00"
    assert styles["nrf"]["fillColor"] == "#0072B2"
    assert styles["contested"]["fillColor"] == CONTESTED_FILL == "url(#contested-hatch)"
    assert styles["unknown"]["fillColor"] == UNKNOWN_COLOR
    assert styles["unknown"]["dashArray"]  # unknown is drawn dashed, not as a holder


def styler_fills(page: str) -> dict[str, str]:
    """``{pcode: fillColor}`` from folium's style function for the layer."""
    body = re.search(r"function geo_json_\w+_styler\(feature\) \{(.*?)\n        \}", page, re.S).group(1)
    fills, default = {}, None
    for cases, style in re.findall(r"((?:case \"\w+\": )+|default:)\s*return (\{.*?\});", body, re.S):
        fill = json.loads(style)["fillColor"]
        if cases == "default:":
            default = fill
        for pcode in re.findall(r'case "(\w+)"', cases):
            fills[pcode] = fill
    return {p: fills.get(p, default) for p in PCODES}


def test_districts_are_filled_with_their_holders_colours(pages):
    # Taliban view: Bazarak and Rukha NRF, the other five Taliban.
    assert styler_fills(pages["taliban"]) == {
        p: "#0072B2" if p in ("AF0801", "AF0802") else "#D55E00" for p in PCODES}
    assert styler_fills(pages["nrf"]) == {p: "#0072B2" for p in PCODES}
    # Combined: the two sides disagree on five districts, which are disputed (not hatched:
    # hatching is claimed fighting).
    assert styler_fills(pages["combined"]) == {
        p: "#0072B2" if p in ("AF0801", "AF0802") else DISPUTED_COLOR for p in PCODES}
    assert styler_fills(pages["independent"]) == {p: UNKNOWN_COLOR for p in PCODES}


def test_the_hatch_pattern_is_defined_once(pages):
    for page in pages.values():
        assert page.count('<pattern id="contested-hatch"') == 1


def test_the_legend_lists_every_holder(pages):
    legend = re.search(r'<div id="legend".*?</ul>', pages["combined"], re.S).group(0)
    assert re.findall(r'data-holder="(\w+)"', legend) == ["taliban", "nrf", "contested", "disputed", "unknown"]
    assert "National Resistance Front" in legend


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
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
