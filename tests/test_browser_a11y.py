"""Accessibility of the Streamlit page in headless Chromium (issue 13).

axe-core (``axe-playwright-python``, its script bundled: offline) audits the whole page, the
map component included: the map is a Components v2 element in an open shadow root, which axe
enters by itself (each audit checks that it did: the map's own controls are among the nodes it
checked). Zero serious or critical violations, in these states: the default page with the
method open; a district's history open with a district's tooltip shown, in light and in dark
(Streamlit follows the system's scheme); the compare view; 390 px wide with the legend open.
The window is made as tall as the page, so that axe measures every text's contrast. Another
test works every control of the map with the keyboard alone.

The one exception, :data:`LIBRARY_EXCEPTIONS`, is one rule on two named nodes of Vega-Lite's
making, documented in docs/DESIGN-NOTES.md ("Accessibility").
"""

from __future__ import annotations

import json
import re

import pytest

from dashboard.control import resolve
from tests import test_browser
from tests.browser import (
    map_root,
    map_view,
    open_app,
    wait_for_holders,
    wait_for_idle,
    wait_for_map,
    wait_for_query,
)
from tests.test_browser import new_page

pytestmark = pytest.mark.browser

# The browser tests' fixtures: the app (one server per module), its claims, and a page that
# fails its test on any outside request or JavaScript error.
page, claims, app_url = test_browser.page, test_browser.claims, test_browser.app_url
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


def _target(node) -> tuple:
    # axe names a node inside a shadow root by a list of selectors: host first, then inside.
    return tuple(json.dumps(t) if isinstance(t, list) else t for t in node["target"])


def show_whole_page(page):
    """Make the window as tall as the page, so nothing is scrolled out of sight.

    axe measures colour contrast only where it can see the text; in a scrolled part of the
    page it answers "incomplete". The page's last line is its claims-file caption.
    """
    last = page.get_by_text(re.compile(r"\d+ claims, \d+ sources\)")).last
    width = page.viewport_size["width"]
    for _ in range(5):  # until the page stops growing (an expander opening, the chart drawn)
        box = last.bounding_box()
        height = int(box["y"] + box["height"] + 60)
        if height <= page.viewport_size["height"]:
            break
        page.set_viewport_size({"width": width, "height": height})
        wait_for_idle(page)
        page.evaluate("() => new Promise(r => setTimeout(r, 300))")  # the expander's animation
    assert last.bounding_box()["y"] < page.viewport_size["height"], "the page is taller than the window"


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


def test_axe_default_page(page, app_url, output_dir):
    open_app(page, app_url)
    page.get_by_text("How the map is made: the method").click()  # the method's text, audited too
    show_whole_page(page)
    check(audit(page, output_dir, "default"))
    contrast = chart_text_contrast(page)
    assert contrast and min(contrast.values()) >= 4.5, contrast


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_with_a_district_history_and_its_tooltip(page, app_url, claims, output_dir, scheme):
    page.emulate_media(color_scheme=scheme)  # Streamlit follows the system's light or dark
    open_app(page, app_url, f"view=taliban&date={DATE}&district=AF0801")
    page.get_by_text("Bazarak: every claim, in every view").wait_for(timeout=20_000)
    wait_for_holders(page, resolve(claims, view="taliban", on=DATE).holders())
    show_whole_page(page)
    map_root(page).locator(".cm-pane-a path[data-pcode='AF0807']").hover(force=True)
    map_root(page).locator(".cm-pane-a .cm-tip:not([hidden])").wait_for(timeout=5_000)
    check(audit(page, output_dir, f"district-{scheme}"))
    # The history scrolls in its own box, and axe skips what is scrolled out of it: the claims
    # the map rests on (highlighted) and those made later (greyed), each brought into view.
    from axe_playwright_python.sync_playwright import Axe

    for kind in ("in-force", "later"):
        page.locator(f".claims-panel.history li.{kind}").last.scroll_into_view_if_needed()
        found = Axe().run(page, ".claims-panel.history", {"runOnly": ["color-contrast"]}).response
        assert not _serious(found), _serious(found)
        seen = [n["html"] for r in found["passes"] for n in r["nodes"]]
        assert any(f'class="{kind}"' in html for html in seen), f"no {kind} claim measured"


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


# -- Keyboard alone -------------------------------------------------------------------------------

# What has the keyboard's focus, down through open shadow roots (the map's controls live in one):
# a short name for it, whether it is inside the map, and whether its focus is drawn.
_FOCUSED = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a || a === document.body) return null;
  const label = a.getAttribute('aria-label') || a.getAttribute('title') || '';
  const kind = a.type === 'radio' ? 'radio' : a.type === 'checkbox' ? 'checkbox'
    : a.tagName === 'SUMMARY' ? 'summary' : a.getAttribute('role') === 'region' ? 'map' : a.tagName.toLowerCase();
  const name = kind === 'radio' || kind === 'checkbox' ? a.parentElement.textContent.trim()
    : kind === 'summary' ? a.textContent.trim() : label || a.textContent.trim().slice(0, 40);
  const style = getComputedStyle(a), ring = getComputedStyle(a.closest('label') || a);
  const drawn = style.outlineStyle !== 'none' || ring.outlineStyle !== 'none' || style.boxShadow !== 'none';
  return {kind, name, inMap: !!a.closest('.cm-root'), drawn};
}"""


def focused(page) -> dict | None:
    return page.evaluate(_FOCUSED)


# Leaflet's zoomend on the main map (after any zoom animation): armed before the key, awaited
# after it (up to 5 s); the zoom then, or null.
_ARM_ZOOMEND = """root => { const m = root.controlMap.map();
  root.__zoomend = new Promise(r => m.once('zoomend', () => r(m.getZoom()))); }"""
_ZOOMEND = """root => Promise.race([root.__zoomend, new Promise(r => setTimeout(() => r(null), 5000))])"""


def zoom_by_key(page, key: str) -> tuple[float, float | None]:
    """Press ``key`` where the focus is; return the main map's zoom before and after."""
    root = map_root(page).first
    before = map_view(page)[2]
    root.evaluate(_ARM_ZOOMEND)
    page.keyboard.press(key)
    return before, root.evaluate(_ZOOMEND)


def test_the_map_works_by_keyboard_alone(page, app_url, claims, output_dir):
    """Tab from the top of the page into the map and through it; work each control of the map
    (view toggle, compare, previous/next claim, play/pause, date slider, age switch, district
    box, the map itself, zoom, legend) with keys only, and see the map and the page follow."""
    open_app(page, app_url, f"view=taliban&date={DATE}")
    root = map_root(page)
    stops, done = [], set()
    for _ in range(120):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None or not now["inMap"]:
            if stops:
                break  # through the map and out again
            continue
        stops.append((now["kind"], now["name"]))
        assert now["drawn"], f"no visible focus on {now}"
        key = (now["kind"], now["name"].split(":")[0])
        if key in done:
            continue
        done.add(key)
        if now["kind"] == "radio":  # the view toggle: arrows move the choice
            page.keyboard.press("ArrowRight")
            wait_for_map(page, view=claims.views[1])
            wait_for_query(page, f"view={claims.views[1]}")
        elif now["name"] == "Compare with":
            page.keyboard.press("ArrowDown")
            wait_for_map(page, compare=claims.views[0])
            wait_for_query(page, f"compare={claims.views[0]}")
            page.keyboard.press("ArrowUp")
            wait_for_map(page, compare="")
        elif now["name"] in ("Previous claim", "Next claim"):
            before = root.get_attribute("data-date")
            page.keyboard.press("Enter")
            earlier = now["name"] == "Previous claim"
            root.and_(page.locator(f".cm-root:not([data-date='{before}'])")).wait_for()
            after = root.get_attribute("data-date")
            assert (after < before) if earlier else (after > before), (now["name"], before, after)
        elif now["name"] in ("Play", "Pause"):
            page.keyboard.press("Space")
            wait_for_map(page, playing="1")
            page.keyboard.press("Space")
            wait_for_map(page, playing="0")
        elif now["name"] == "Date":
            before = root.get_attribute("data-date")
            page.keyboard.press("ArrowRight")
            root.and_(page.locator(f".cm-root:not([data-date='{before}'])")).wait_for()
            assert root.get_attribute("data-date") > before
        elif now["kind"] == "checkbox":  # fade old claims: on by default
            page.keyboard.press("Space")
            assert not root.locator(".cm-age input").is_checked()
            page.keyboard.press("Space")
            assert root.locator(".cm-age input").is_checked()
        elif now["name"] == "District":
            page.keyboard.press("ArrowDown")  # the first district by name
            first = min(d.name for d in claims.districts)
            # Python hears it: the page's own history panel opens on that district.
            page.get_by_text(f"{first}: every claim, in every view").wait_for(timeout=20_000)
        elif now["kind"] == "map":  # Leaflet's keyboard: + zooms in
            before, after = zoom_by_key(page, "Equal")
            assert after is not None and after > before
        elif now["name"] in ("Zoom in", "Zoom out"):
            before, after = zoom_by_key(page, "Enter")
            assert after is not None and (after > before) == (now["name"] == "Zoom in")
        elif now["kind"] == "summary":  # the legend opens and closes
            was = root.locator("details.cm-legend").get_attribute("open") is not None
            page.keyboard.press("Enter")
            assert (root.locator("details.cm-legend").get_attribute("open") is not None) != was
    page.screenshot(path=str(output_dir / "after-keyboard.png"))
    names = {name.split(":")[0] for _, name in stops}
    kinds = {kind for kind, _ in stops}
    expected = {
        "Compare with",
        "Previous claim",
        "Next claim",
        "Date",
        "District",
        "Zoom in",
        "Zoom out",
        "Legend",
    }
    assert expected <= names, (expected - names, stops)
    assert {"radio", "checkbox", "map"} <= kinds, stops
    assert {"Play", "Pause"} & names, stops
    assert len([k for k, _ in stops if k == "radio"]) == 1, "the view toggle is one tab stop (arrows inside)"
