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
    """Open the page and wait until the map is drawn and the page is whole.

    A new visitor's first run sends the map alone; the rerun that the map's "drawn" report
    causes sends the rest, down to the downloads.
    """
    page.goto(url + "/" + (f"?{query}" if query else ""))
    page.locator(MAP + "[data-ready='1']").wait_for(state="attached", timeout=timeout)
    page.get_by_role("heading", name="Downloads").wait_for(state="attached", timeout=timeout)
    wait_for_idle(page)


def holders(page) -> dict[str, str]:
    """``{pcode: holder}`` as the district paths on the map are drawn now."""
    return map_root(page).first.evaluate(
        "root => Object.fromEntries([...root.querySelectorAll('.cm-map path[data-pcode]')]"
        ".map(p => [p.dataset.pcode, p.dataset.holder]))"
    )


def fills(page) -> dict[str, str]:
    """``{pcode: fill attribute}`` of the main map's district paths (a colour or a pattern)."""
    return map_root(page).first.evaluate(
        "root => Object.fromEntries([...root.querySelectorAll('.cm-map path[data-pcode]')]"
        ".map(p => [p.dataset.pcode, p.getAttribute('fill')]))"
    )


# In the browser: wait (each animation frame, up to ``wait`` ms) until the paths under ``root``
# that match ``sel`` show ``want`` as {pcode: holder}; return what they show then.
_HOLDERS_SETTLE = """async (root, [sel, want, wait]) => {
  const now = () => Object.fromEntries([...root.querySelectorAll(sel)].map(p => [p.dataset.pcode, p.dataset.holder]));
  const same = (got) => Object.keys(got).length === Object.keys(want).length
    && Object.entries(want).every(([k, v]) => got[k] === v);
  const end = performance.now() + wait;
  let got = now();
  while (!same(got) && performance.now() < end) {
    await new Promise(r => requestAnimationFrame(r));
    got = now();
  }
  return got;
}"""


def wait_for_holders(page, expected: dict[str, str], timeout: float = 20.0) -> float:
    """Wait until the map shows ``expected``; return the seconds it took.

    The browser checks the paths every animation frame; the loop here only finds the map's
    root afresh each second (a rerun may replace it) until ``timeout``.
    """
    start = time.monotonic()
    while True:
        now = map_root(page).first.evaluate(_HOLDERS_SETTLE, [".cm-map path[data-pcode]", expected, 1_000])
        if now == expected:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"map shows {now}, expected {expected}")


def map_view(page) -> tuple[float, float, float]:
    """Centre latitude, longitude and zoom of the main Leaflet map."""
    return tuple(
        map_root(page).first.evaluate(
            "root => { const m = root.controlMap.map(), c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
        )
    )


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


_IDLE = """() => { const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-stale="true"]'); }"""


def wait_for_idle(page, timeout: float = 15_000):
    """Wait until the Streamlit page's rerun is over and the browser has painted it.

    The one wait-for-idle of the browser tests. Streamlit's test hooks: the app's
    ``data-test-script-state`` is ``notRunning`` once the script is done, and an element is
    ``data-stale`` from the moment a rerun starts until the run re-sends it. Idle is neither,
    in two animation frames in a row. Call it after waiting for an outcome of the action (the
    URL, a heading), which proves the rerun began.
    """
    for _ in range(2):
        page.wait_for_function(_IDLE, timeout=timeout, polling="raf")


def wait_for_query(page, *parts: str, timeout: float = 20_000):
    """Wait until the page's URL holds every ``key=value`` part (the page writes it each run)."""
    condition = " && ".join(f"location.search.includes({part!r})" for part in parts)
    page.wait_for_function(f"() => {condition}", timeout=timeout)


def wait_for_map(page, *, timeout: float = 20_000, **attributes: str):
    """Wait until the map's root shows ``data-<name>=value`` for each keyword (view, date...)."""
    selector = MAP + "".join(f"[data-{k}={v!r}]" for k, v in attributes.items())
    page.locator(selector).wait_for(state="attached", timeout=timeout)


# ------------------------------------------------------------ the published site (no Streamlit)


def open_site(page, url, frame=None):
    """Open a page of the engine (the published site, a render) and wait until it is drawn."""
    page.goto(url)
    root = (frame or page).locator(MAP + "[data-ready='1']")
    root.wait_for(state="attached", timeout=20_000)
    return root


def wait_for_site_holders(
    target, want: dict[str, str], selector: str = ".cm-pane-a", timeout: float = 10_000
):
    """Wait until the paths of the map pane ``selector`` show ``want`` as ``{pcode: holder}``.

    ``target`` is a page or a frame holding the engine in its own document.
    """
    body = target.locator("body")
    now = body.evaluate(_HOLDERS_SETTLE, [selector + " path[data-pcode]", want, timeout])
    if now != want:
        raise AssertionError(f"map shows {now}, expected {want}")


def wait_until_still(target, selector: str, timeout: float = 10_000):
    """Wait until the element at ``selector`` has kept its place for two animation frames
    (a Leaflet popup panning its map into view, a map zooming)."""
    target.wait_for_function(
        """(sel) => { const el = document.querySelector(sel); if (!el) return false;
             const r = el.getBoundingClientRect(), at = [r.x, r.y, r.width, r.height].join();
             const still = el.__lastBox === at; el.__lastBox = at; return still; }""",
        arg=selector,
        timeout=timeout,
        polling="raf",
    )


def wait_for_moveend(target, arm: bool = False, timeout: float = 10_000):
    """Leaflet's ``moveend`` on the main map: ``arm=True`` before the action, then again
    without to wait until the move (a pan, a zoom) has ended."""
    if arm:
        target.evaluate(
            "() => { window.__moved = false;"
            " controlMap.map().once('moveend', () => { window.__moved = true; }); }"
        )
        return
    target.wait_for_function("() => window.__moved === true", timeout=timeout)


def after_play_ticks(target, ticks: int = 3, interval: int = 90):
    """Return once ``ticks`` of the engine's play clock (a ``setTimeout`` of ``interval`` ms,
    then an animation frame) would have run: a timer set now with a longer delay fires after
    any the engine set before it. Not a guess at a duration: an ordering barrier, for checking
    that nothing moves (a paused map stays put)."""
    target.evaluate(
        """(ms) => new Promise(r => setTimeout(() => requestAnimationFrame(() => r()), ms))""",
        ticks * interval,
    )
