"""Accessibility of the Streamlit page in headless Chromium (issue 13).

axe-core (``axe-playwright-python``, its script bundled: offline) audits the whole page, the
map component included: the map is a Components v2 element in an open shadow root, which axe
enters by itself (each test checks that it did, by the map's own controls among the nodes
that passed). Zero serious or critical violations, in four states: the default page, a
district's history open (with a district's tooltip shown), the compare view, and 390 px wide
with the legend open. A second test works the map's controls with the keyboard alone.

The one exception, :data:`LIBRARY_EXCEPTIONS`, is one rule on named nodes of a library's
making, documented in docs/DESIGN-NOTES.md ("Accessibility").
"""

from __future__ import annotations

import json
import re

import pytest

from dashboard.claims import read_claims
from dashboard.control import resolve
from tests.browser import map_root, open_app, wait_for_holders, wait_for_idle, wait_for_map
from tests.conftest import streamlit_server
from tests.test_browser import new_page

pytestmark = pytest.mark.browser
DATE = "2021-09-05"
SERIOUS = ("serious", "critical")

# (rule, node target) pairs that are not ours and that no documented option can fix; each with
# its reason in docs/DESIGN-NOTES.md. Vega-Lite draws an interval selection (the overview's
# brush, our selection named "brush") as two <rect> marks without `aria: false` or a
# description, so Vega gives them role="graphics-symbol" and no name (axe: svg-img-alt).
# Vega-Lite fixed the same fault for the `nearest` voronoi marks (vega/vega-lite#9623); the brush
# marks still have it, and an interval selection's `mark` takes only style properties.
LIBRARY_EXCEPTIONS = {
    ("svg-img-alt", (".brush_brush_bg",)),
    ("svg-img-alt", (".brush_brush",)),
}


@pytest.fixture(scope="module")
def claims(repo_claims):
    return read_claims(repo_claims)


@pytest.fixture(scope="module")
def app_url(repo_claims):
    with streamlit_server(repo_claims) as url:
        yield url


def _target(node) -> tuple:
    # axe names a node inside a shadow root by a list of selectors: host first, then inside.
    return tuple(json.dumps(t) if isinstance(t, list) else t for t in node["target"])


def show_whole_page(page):
    """Make the window as tall as the page, so nothing is scrolled out of sight.

    axe measures colour contrast only where it can see the text; in a scrolled part of the
    page it answers "incomplete". The page's last line is its claims-file caption.
    """
    end = page.get_by_text(re.compile(r"\d+ claims, \d+ sources\)")).last.bounding_box()
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": int(end["y"] + end["height"] + 60)})
    wait_for_idle(page)


def _serious(result) -> list:
    bad = []
    for v in result["violations"]:
        if v["impact"] not in SERIOUS:
            continue
        nodes = [n for n in v["nodes"] if (v["id"], _target(n)) not in LIBRARY_EXCEPTIONS]
        if nodes:
            bad.append((v["impact"], v["id"], [n["target"] for n in nodes], nodes[0]["failureSummary"]))
    return bad


_HIDE_VECTORS = """(root, hide) => root.querySelectorAll('.leaflet-overlay-pane')
  .forEach(p => { p.style.visibility = hide ? 'hidden' : ''; })"""


def audit(page, output_dir, name: str) -> dict:
    """Run axe on the whole page; write the results to ``<output_dir>/axe-<name>*.json``.

    Returns ``{"rules": n, "violations": {impact: [rule ids]}, "incomplete": {...}, "bad": [...],
    "map_rules": [...]}``: ``bad`` the serious and critical violations (minus
    :data:`LIBRARY_EXCEPTIONS`), ``map_rules`` the rules that checked a node inside the map's
    shadow root, ``incomplete`` what axe could not decide (rule -> node count).
    """
    from axe_playwright_python.sync_playwright import Axe

    # Every part of the page drawn before the audit: the chart and the who-says-what table.
    page.locator("[class*='st-key-chart-'] svg").first.wait_for(state="attached", timeout=20_000)
    page.locator("table", has_text="Bazarak").first.wait_for(state="attached", timeout=20_000)
    wait_for_idle(page)
    result = Axe().run(page, options={}).response
    (output_dir / f"axe-{name}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    # Leaflet draws the map's vector layer (an SVG) 10 % larger than the map on every side and
    # the map clips it; axe's overlap test takes the unclipped box, so text near the map (its
    # controls, the page's right column) comes back "incomplete" (bgOverlap), unmeasured. A
    # second pass measures colour contrast with that layer hidden: it holds no text.
    roots = map_root(page)
    for i in range(roots.count()):
        roots.nth(i).evaluate(_HIDE_VECTORS, True)
    contrast = Axe().run(page, options={"runOnly": ["color-contrast"]}).response
    for i in range(roots.count()):
        roots.nth(i).evaluate(_HIDE_VECTORS, False)
    (output_dir / f"axe-{name}-contrast.json").write_text(json.dumps(contrast, indent=1), encoding="utf-8")
    by_impact = {}
    for v in result["violations"]:
        by_impact.setdefault(v["impact"], []).append(v["id"])
    checked = result["passes"] + result["violations"] + result["incomplete"]
    incomplete = {r["id"]: len(r["nodes"]) for r in result["incomplete"] if r["id"] != "color-contrast"}
    incomplete |= {r["id"]: len(r["nodes"]) for r in contrast["incomplete"]}
    return {
        "rules": len(checked),
        "violations": by_impact,
        "incomplete": incomplete,
        "bad": _serious(result) + _serious(contrast),
        "map_rules": sorted(
            {r["id"] for r in checked for n in r["nodes"] if isinstance(n["target"][0], list)}
        ),
    }


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def chart_text_contrast(page) -> dict[str, float]:
    """``{fill: contrast on white}`` of the chart's SVG text (axis labels). axe leaves text
    drawn inside an SVG chart "incomplete" (it cannot tell what lies under it)."""
    fills = page.locator("[class*='st-key-chart-'] svg text").evaluate_all(
        "ts => [...new Set(ts.filter(t => t.textContent.trim()).map(t => t.getAttribute('fill')))]"
    )
    full = {f: f if len(f) == 7 else "#" + "".join(c * 2 for c in f[1:]) for f in fills}
    return {f: round(1.05 / (_luminance(hexa) + 0.05), 2) for f, hexa in full.items()}


def check(report):
    assert not report["bad"], report["bad"]
    # axe saw into the map's shadow root: its labelled controls were among the nodes checked.
    assert {"label", "button-name", "select-name"} <= set(report["map_rules"]), report["map_rules"]


@pytest.fixture
def page(chromium, output_dir):
    context, page = new_page(chromium, {"width": 1400, "height": 1000})
    yield page
    page.screenshot(path=str(output_dir / "last.png"))
    context.close()
    assert not page.external, f"the page asked for outside resources: {page.external}"
    assert not page.errors, f"JavaScript errors: {page.errors}"


def test_axe_default_page(page, app_url, output_dir):
    open_app(page, app_url)
    page.get_by_text("How the map is made: the method").click()  # the method's text, audited too
    show_whole_page(page)
    check(audit(page, output_dir, "default"))
    contrast = chart_text_contrast(page)
    assert contrast and min(contrast.values()) >= 4.5, contrast


def test_axe_with_a_district_history_and_its_tooltip(page, app_url, claims, output_dir):
    open_app(page, app_url, f"view=taliban&date={DATE}&district=AF0801")
    page.get_by_text("Bazarak: every claim, in every view").wait_for(timeout=20_000)
    wait_for_holders(page, resolve(claims, view="taliban", on=DATE).holders())
    show_whole_page(page)
    map_root(page).locator(".cm-pane-a path[data-pcode='AF0807']").hover(force=True)
    map_root(page).locator(".cm-pane-a .cm-tip:not([hidden])").wait_for(timeout=5_000)
    check(audit(page, output_dir, "district"))


def test_axe_compare(page, app_url, output_dir):
    open_app(page, app_url, f"view=taliban&date={DATE}&compare=nrf")
    wait_for_map(page, compare="nrf")
    show_whole_page(page)
    check(audit(page, output_dir, "compare"))


def test_axe_390_px_wide_with_the_legend_open(chromium, app_url, output_dir):
    context, page = new_page(chromium, {"width": 390, "height": 844})
    try:
        open_app(page, app_url, f"view=combined&date={DATE}")
        show_whole_page(page)
        legend = map_root(page).locator("details.cm-legend")
        legend.locator("summary").click()
        assert legend.get_attribute("open") is not None
        check(audit(page, output_dir, "narrow"))
        assert not page.errors and not page.external
    finally:
        context.close()
