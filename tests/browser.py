"""Reading the dashboard as a person sees it: the map's fills and its own controls.

The map is a Components v2 element (no iframe): its controls and district paths live in the
component's open shadow root, which Playwright's CSS locators enter by themselves.
"""

from __future__ import annotations

import time

MAP = ".cm-root"


def map_root(page):
    """A locator on the map engine's root element (it carries ``data-view``, ``data-date``...)."""
    return page.locator(MAP)


def open_app(page, url: str, query: str = "", timeout: float = 30_000):
    """Open the page and wait until the map is drawn and the first run is over."""
    page.goto(url + "/" + (f"?{query}" if query else ""))
    page.locator(MAP + "[data-ready='1']").wait_for(state="attached", timeout=timeout)
    wait_for_idle(page)


def holders(page) -> dict[str, str]:
    """``{pcode: holder}`` as the district paths on the map are drawn now."""
    return map_root(page).first.evaluate(
        "root => Object.fromEntries([...root.querySelectorAll('.cm-map path[data-pcode]')]"
        ".map(p => [p.dataset.pcode, p.dataset.holder]))")


def fills(page) -> dict[str, str]:
    """``{pcode: fill attribute}`` of the main map's district paths (a colour or a pattern)."""
    return map_root(page).first.evaluate(
        "root => Object.fromEntries([...root.querySelectorAll('.cm-map path[data-pcode]')]"
        ".map(p => [p.dataset.pcode, p.getAttribute('fill')]))")


def wait_for_holders(page, expected: dict[str, str], timeout: float = 20.0) -> float:
    """Wait until the map shows ``expected``; return the seconds it took."""
    start = time.monotonic()
    while True:
        now = holders(page)
        if now == expected:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"map shows {now}, expected {expected}")
        page.wait_for_timeout(20)


def map_view(page) -> tuple[float, float, float]:
    """Centre latitude, longitude and zoom of the main Leaflet map."""
    return tuple(map_root(page).first.evaluate(
        "root => { const m = root.controlMap.map(), c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"))


def zoom_in_and_pan(page):
    """Zoom in one step and pan a little, as a person would with the map's own controls."""
    map_root(page).get_by_role("button", name="Zoom in").click()
    map_root(page).first.evaluate("root => root.controlMap.map().panBy([40, 25], {animate: false})")


def choose_view(page, label: str):
    """Click a view on the map's own toggle (a radio group named "Whose claims")."""
    page.get_by_role("radiogroup", name="Whose claims").get_by_role("radio", name=label, exact=True).click()


def slider(page):
    """The map's own date slider."""
    return map_root(page).get_by_role("slider", name="Date")


def play_button(page):
    """The play/pause button (its accessible name is "Play" or "Pause")."""
    return map_root(page).locator("button.cm-play")


def wait_for_idle(page, timeout: float = 15_000):
    """Wait until the page's rerun is over and the browser has painted it.

    Streamlit marks an element ``data-stale`` from the moment a rerun starts until the run
    re-sends it; idle is no stale element in two animation frames in a row. Call it after
    waiting for an outcome of the action (the URL, a heading), which proves the rerun began.
    """
    for _ in range(2):
        page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')",
                               timeout=timeout, polling="raf")


def wait_for_query(page, *parts: str, timeout: float = 20_000):
    """Wait until the page's URL holds every ``key=value`` part (the page writes it each run)."""
    condition = " && ".join(f"location.search.includes({part!r})" for part in parts)
    page.wait_for_function(f"() => {condition}", timeout=timeout)


def wait_for_map(page, *, timeout: float = 20_000, **attributes: str):
    """Wait until the map's root shows ``data-<name>=value`` for each keyword (view, date...)."""
    selector = MAP + "".join(f"[data-{k}={v!r}]" for k, v in attributes.items())
    page.locator(selector).wait_for(state="attached", timeout=timeout)
