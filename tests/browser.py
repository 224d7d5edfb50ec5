"""Reading the dashboard as a person sees it: the map's frames, its fills, its controls."""

from __future__ import annotations

import time

from playwright.sync_api import Error as PlaywrightError

MAP_FRAME = "iframe[title*='district_map']"


def map_root(page):
    """A locator on the <html> of the map page inside the component's frame."""
    return page.frame_locator(MAP_FRAME).frame_locator("#map").locator("html")


def open_app(page, url: str, query: str = "", timeout: float = 30_000):
    page.goto(url + "/" + (f"?{query}" if query else ""))
    map_root(page).and_(page.frame_locator(MAP_FRAME).frame_locator("#map").locator(
        "html[data-component-ready='1']")).wait_for(state="attached", timeout=timeout)


def holders(page) -> dict[str, str]:
    """``{pcode: holder}`` as the district paths on the page are drawn now."""
    return map_root(page).evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('path[data-pcode]')]"
        ".map(p => [p.dataset.pcode, p.dataset.holder]))")


def fills(page) -> dict[str, str]:
    """``{pcode: fill attribute}`` (a colour, or the contested hatch pattern)."""
    return map_root(page).evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('path[data-pcode]')]"
        ".map(p => [p.dataset.pcode, p.getAttribute('fill')]))")


def wait_for_holders(page, expected: dict[str, str], timeout: float = 20.0) -> float:
    """Wait until the map shows ``expected``; return the seconds it took.

    New data gives the map frame a new page, and a read that meets the frame mid-load fails with
    "execution context was destroyed"; that is a map not drawn yet, so the wait goes on.
    """
    start = time.monotonic()
    while True:
        try:
            now = holders(page)
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) and "detached" not in str(error):
                raise
            now = None
        if now == expected:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"map shows {now}, expected {expected}")
        time.sleep(0.02)


def map_view(page) -> tuple[float, float, float]:
    """Centre latitude, longitude and zoom of the Leaflet map."""
    return tuple(map_root(page).evaluate(
        "() => { const m = window.districtMap.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"))


def choose_view(page, index: int):
    page.locator(".st-key-view [role=radio]").nth(index).click()


def slider(page):
    return page.locator(".st-key-date input[type=range]")


def wait_for_idle(page, timeout: float = 15_000):
    """Wait until no element is marked stale (Streamlit marks them while a rerun is under way)."""
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout)
    page.wait_for_timeout(150)


def wait_for_query(page, *parts: str, timeout: float = 20_000):
    """Wait until the page's URL holds every ``key=value`` part (set at the end of a rerun)."""
    condition = " && ".join(f"location.search.includes({part!r})" for part in parts)
    page.wait_for_function(f"() => {condition}", timeout=timeout)
