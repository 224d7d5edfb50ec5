"""Tests of dashboard.publish and ``python -m dashboard publish``: the static site read as text
(tests/test_publish_browser.py drives it in Chromium)."""

from __future__ import annotations

import json
import re

import pytest

from dashboard import boundaries, cli, export, publish
from dashboard.claims import check_claims
from dashboard.control import resolve
from dashboard.gazetteer import boundary_gazetteer
from tests.conftest import ROOT

HOSTILE = {
    "quote": "<img src=x onerror=alert(1)>",
    "script": "</script><script>alert(1)</script>",
    "jinja": "{{ 7*7 }}",
    "comment": "<!-- x",
}
QUOTE = HOSTILE["quote"] + " " + HOSTILE["jinja"] + " \u2028"
QUOTE_JSON = json.dumps(QUOTE)
CLAIMS = f"""\
version: 1
region: {{province: AF08}}
sides:
  taliban: {{label: {json.dumps("Taliban " + HOSTILE["jinja"])}, color: "#D55E00"}}
  nrf: {{label: National Resistance Front, color: "#0072B2"}}
sources:
  evil: {{name: {json.dumps(HOSTILE["script"])}, side: taliban}}
  front: {{name: {json.dumps(HOSTILE["comment"])}, side: nrf}}
claims:
  - id: evil-1
    date: 2021-09-05
    source: evil
    holder: taliban
    districts: [Bazarak]
    quote: {QUOTE_JSON}
    url: "https://example.org/a?b=1&c=<x>"
  - id: front-1
    date: 2021-09-06
    source: front
    holder: nrf
    districts: all
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
def files(claims, districts):
    return publish.site_files(claims, districts, region="Panjshir")


def embedded(page: str, element_id: str = "map-data") -> tuple[str, dict]:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S)
    assert match, f"no #{element_id} in the page"
    return match.group(1), json.loads(match.group(1))


def test_the_site_is_the_page_and_its_local_files(files):
    assert sorted(files) == [
        "bootstrap.js",
        "engine.css",
        "engine.js",
        "index.html",
        "leaflet.css",
        "leaflet.js",
    ]
    index = files["index.html"]
    assert index.startswith("<!DOCTYPE html>")
    assert "<title>Panjshir: who claimed which district</title>" in index
    scripts = re.findall(r'<script src="([^"]+)"', index)
    assert scripts == ["leaflet.js", "engine.js", "bootstrap.js"]  # Leaflet first, then the engine
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', index) == ["leaflet.css", "engine.css"]
    assert files["engine.js"] == (ROOT / "dashboard" / "static" / "engine.js").read_text(encoding="utf-8")
    assert "window.ControlMap" in files["engine.js"]


@pytest.mark.parametrize("name", ["index.html", "leaflet.css", "engine.css", "engine.js", "bootstrap.js"])
def test_nothing_is_fetched_from_elsewhere(files, name):
    text = files[name]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text, re.I), name
    assert not re.search(r"""@import|url\(\s*["']?(https?:)?//""", text, re.I), name
    assert "fetch(" not in text and "XMLHttpRequest" not in text, name
    assert "tile.openstreetmap.org" not in text  # no basemap unless asked for
    assert "url(images/" not in files["leaflet.css"]  # Leaflet's images are inlined


def test_hostile_text_is_embedded_script_safe_and_intact(files):
    index = files["index.html"]
    for raw in HOSTILE.values():
        if raw != HOSTILE["jinja"]:
            assert raw not in index
    assert "49" not in index.replace("2049", "")  # no template engine evaluated {{ 7*7 }}
    raw, data = embedded(index)
    assert not set(raw) & {"<", ">", "&", "\u2028", "\u2029"}
    by_id = {c["id"]: c for c in data["claims"]}
    assert by_id["evil-1"]["source"] == HOSTILE["script"]
    assert by_id["evil-1"]["quote"] == QUOTE
    assert by_id["front-1"]["source"] == HOSTILE["comment"]
    assert data["views"][0]["label"] == "Taliban {{ 7*7 }} claims"
    # Only the page's own elements open and close.
    assert index.count("<script") == index.count("</script>") == 5


def test_the_site_mirrors_its_state_in_the_hash(files):
    _, options = embedded(files["index.html"], "map-options")
    assert options == {"hash": True, "basemap": None}


def test_a_basemap_only_when_asked_for(claims, districts):
    index = publish.site_files(claims, districts, basemap="osm")["index.html"]
    _, options = embedded(index, "map-options")
    assert options["basemap"]["url"].startswith("https://tile.openstreetmap.org/")
    assert options["basemap"]["attribution"] == "© OpenStreetMap contributors"


def test_standalone_html_is_one_file_opened_at_a_view_and_date(claims, districts):
    page = publish.standalone_html(claims, districts, view="nrf", date="2021-09-06", region="Panjshir")
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=", page, re.I)
    assert "<title>Panjshir: who claimed which district</title>" in page
    _, options = embedded(page, "map-options")
    assert options == {"state": {"view": "nrf", "date": "2021-09-06"}, "hash": False, "basemap": None}
    assert "window.ControlMap" in page and "L.Icon.Default" in page
    assert page.lower().count("<script") == page.lower().count("</script>") == 5
    for raw in HOSTILE.values():
        if raw != HOSTILE["jinja"]:
            assert raw not in page


def test_export_map_html_is_the_engine_at_the_snapshot(claims, districts):
    page = export.map_html(resolve(claims, view="taliban", on="2021-09-05"), districts, claims)
    _, options = embedded(page, "map-options")
    assert options["state"] == {"view": "taliban", "date": "2021-09-05"}
    assert "AGCHO / UN OCHA" in page


def test_publish_writes_the_folder(claims, districts, tmp_path):
    written = publish.publish(claims, districts, tmp_path / "out" / "site")
    assert [p.name for p in written] == [
        "index.html",
        "leaflet.css",
        "leaflet.js",
        "engine.css",
        "engine.js",
        "bootstrap.js",
    ]
    assert all(p.stat().st_size > 100 for p in written)


def test_the_cli_publishes_the_repository_claims(tmp_path, capsys):
    out = tmp_path / "site"
    assert cli.main(["publish", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert re.fullmatch(
        rf"wrote {re.escape(str(out))}/ \(6 files, \d+ KB\): open .*index.html in a "
        r"browser, or serve the folder from any static host\n",
        err,
    )
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "who claimed which district</title>" in index
    _, data = embedded(index)
    assert [d["name"] for d in data["districts"]] == [
        "Bazarak",
        "Rukha",
        "Dara",
        "Khenj",
        "Anawa",
        "Shutul",
        "Paryan",
    ]


def test_the_cli_reports_an_unwritable_folder(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["publish", "-o", str(blocker / "site")]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot write {blocker / 'site'}")


def test_the_readme_has_the_embed_snippet():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert publish.EMBED_SNIPPET in readme
    assert "python -m dashboard publish -o site/" in readme
