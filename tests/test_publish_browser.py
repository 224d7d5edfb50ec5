"""The published site and the standalone page in headless Chromium, offline.

The site is written by ``python -m dashboard publish`` and opened from ``file://``, from a
static server on 127.0.0.1 inside an ``<iframe>`` of another page, and at 390 px wide. Every
request that does not go to 127.0.0.1 or ``file://`` is refused and fails the test. The map's
own controls drive it: the view toggle, the keyboard slider, play/pause, previous/next claim,
the compare view, a click on a district, and the URL hash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from dashboard import boundaries, cli, publish
from dashboard.claims import check_claims, read_claims
from dashboard.control import resolve
from dashboard.gazetteer import boundary_gazetteer
from tests.browser import (
    after_play_ticks,
    open_site,
    wait_for_moveend,
    wait_for_site_holders,
    wait_until_still,
)
from tests.conftest import free_port

pytestmark = pytest.mark.browser
DATE = "2021-09-05"
ALLOWED = ("file:", "http://127.0.0.1", "data:", "about:", "blob:")

FILLS_JS = """(sel) => Object.fromEntries([...document.querySelectorAll((sel || '.cm-pane-a') +
  ' path[data-pcode]')].map(p => [p.dataset.pcode, p.dataset.holder]))"""


@pytest.fixture(scope="module")
def claims(repo_claims):
    return read_claims(repo_claims, gazetteer_for=boundary_gazetteer())


@pytest.fixture(scope="module")
def site(tmp_path_factory, repo_claims):
    out = tmp_path_factory.mktemp("site") / "site"
    assert cli.main(["publish", "--claims", str(repo_claims), "-o", str(out)]) == 0
    return out


@pytest.fixture
def page(chromium, output_dir, request):
    width = getattr(request, "param", 1280)
    context = chromium.new_context(viewport={"width": width, "height": 900 if width > 500 else 844})
    page = context.new_page()
    page.dialogs, page.errors, page.external = [], [], []

    def on_dialog(dialog):
        page.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    # Offline: anything not from this machine is refused, and fails the test below.
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(ALLOWED)
            else (page.external.append(route.request.url), route.abort())
        ),
    )
    yield page
    page.screenshot(path=str(output_dir / "last.png"))
    context.close()
    assert not page.external, f"the page asked for outside resources: {page.external}"
    assert not page.errors, f"JavaScript errors: {page.errors}"
    assert not page.dialogs, f"dialogs opened: {page.dialogs}"


def expected(claims, view, on):
    return resolve(claims, view=view, on=on).holders()


def wait_hash(target, part: str, timeout: float = 5_000):
    target.wait_for_function("(p) => location.hash.includes(p)", arg=part, timeout=timeout)


def day(iso: str, n: int) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=n)).isoformat()


def test_from_file_the_toggle_and_the_keyboard_slider_recolour_the_map(page, site, claims, output_dir):
    root = open_site(page, (site / "index.html").as_uri() + f"#view=taliban&date={DATE}")
    assert page.title() == "Panjshir: who claimed which district"
    wait_for_site_holders(page, expected(claims, "taliban", DATE))
    page.screenshot(path=str(output_dir / "1-taliban-2021-09-05.png"))

    page.get_by_role("radio", name="National Resistance Front").check()
    wait_for_site_holders(page, expected(claims, "nrf", DATE))
    assert root.get_attribute("data-view") == "nrf"
    assert "view=nrf" in page.evaluate("location.hash")
    page.screenshot(path=str(output_dir / "2-nrf-2021-09-05.png"))

    page.get_by_role("radio", name="All voices combined").check()
    slider = page.get_by_role("slider", name="Date")
    slider.focus()
    for n in range(1, 4):
        page.keyboard.press("ArrowRight")
        assert root.get_attribute("data-date") == day(DATE, n)
        wait_for_site_holders(page, expected(claims, "combined", day(DATE, n)))
    assert page.locator(".cm-date").inner_text() == "8 Sep 2021"
    page.keyboard.press("ArrowLeft")
    assert root.get_attribute("data-date") == day(DATE, 2)
    page.keyboard.press("End")
    last = max(c.date for c in claims.claims).isoformat()
    assert root.get_attribute("data-date") == last
    wait_for_site_holders(page, expected(claims, "combined", last))
    wait_hash(page, f"date={last}")  # written once the scrub settles
    page.screenshot(path=str(output_dir / "3-combined-last-day.png"))


def test_previous_and_next_claim_and_play_pause(page, site, claims, output_dir):
    root = open_site(page, (site / "index.html").as_uri() + "#view=nrf&date=2021-09-01")
    page.get_by_role("button", name="Next claim").click()
    nrf_days = sorted({c.date.isoformat() for c in claims.claims if claims.view_of(c) == "nrf"})
    after = next(d for d in nrf_days if d > "2021-09-01")
    assert root.get_attribute("data-date") == after
    page.get_by_role("button", name="Previous claim").click()
    assert root.get_attribute("data-date") == max(d for d in nrf_days if d < after)

    start = root.get_attribute("data-date")
    play = page.get_by_role("button", name="Play")
    play.click()
    pause = page.get_by_role("button", name="Pause")
    pause.wait_for(timeout=5_000)
    page.wait_for_function("(d) => document.querySelector('.cm-root').dataset.date > d", arg=day(start, 3))
    page.screenshot(path=str(output_dir / "1-playing.png"))
    pause.click()
    page.get_by_role("button", name="Play").wait_for(timeout=5_000)
    stopped = root.get_attribute("data-date")
    assert stopped > start
    after_play_ticks(page)  # the clock's next ticks would have run by now
    assert root.get_attribute("data-date") == stopped  # paused, not restarted
    assert root.get_attribute("data-playing") == "0"
    wait_for_site_holders(page, expected(claims, "nrf", stopped))

    # Play to the end: the button turns back to Play by itself.
    last = max(c.date for c in claims.claims).isoformat()
    page.evaluate(f"location.hash = '#view=nrf&date={day(last, -4)}'")
    page.wait_for_function(f"() => document.querySelector('.cm-root').dataset.date === '{day(last, -4)}'")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => document.querySelector('.cm-root').dataset.playing === '0'", timeout=10_000)
    assert root.get_attribute("data-date") == last
    assert page.get_by_role("button", name="Play").is_visible()


def test_a_click_selects_and_the_tooltip_stays_inside_the_map(page, site, claims, output_dir):
    root = open_site(page, (site / "index.html").as_uri() + f"#view=combined&date={DATE}")
    paryan = page.locator(".cm-pane-a path[data-pcode='AF0807']")  # the north-east corner
    box = paryan.bounding_box()
    # Near the map's corner on purpose: the tooltip must turn to stay inside the map.
    paryan.hover(position={"x": box["width"] * 0.8, "y": box["height"] * 0.15}, force=True)
    tip = page.locator(".cm-pane-a .cm-tip")
    tip.wait_for(timeout=5_000)
    text = tip.inner_text()
    assert "Paryan" in text and "پریان" in text and "Last claimed" in text
    map_box, tip_box = page.locator(".cm-pane-a .cm-map").bounding_box(), tip.bounding_box()
    assert tip_box["x"] >= map_box["x"] and tip_box["y"] >= map_box["y"]
    assert tip_box["x"] + tip_box["width"] <= map_box["x"] + map_box["width"] + 0.5
    assert tip_box["y"] + tip_box["height"] <= map_box["y"] + map_box["height"] + 0.5
    page.screenshot(path=str(output_dir / "1-tooltip.png"))

    paryan.click(
        position={"x": box["width"] * 0.6, "y": box["height"] * 0.4}, force=True
    )  # inside the polygon
    assert root.get_attribute("data-district") == "AF0807"
    assert "district=AF0807" in page.evaluate("location.hash")
    assert (
        paryan.evaluate("p => p.classList.contains('cm-selected') && p.getAttribute('stroke-width')") == "4"
    )
    # No focus rectangle around the clicked path: the outline is the selection's only mark.
    assert paryan.evaluate("p => getComputedStyle(p).outlineStyle") == "none"
    popup = page.locator(".leaflet-popup .district-popup")
    popup.wait_for(timeout=5_000)
    wait_until_still(page, ".leaflet-popup")  # the popup pans the map into view
    assert "Paryan" in popup.inner_text()
    links = popup.locator("a").evaluate_all("as => as.map(a => [a.href, a.target, a.rel])")
    assert links and all(
        h.startswith("http") and t == "_blank" and r == "noopener noreferrer" for h, t, r in links
    )
    page.screenshot(path=str(output_dir / "2-selected-popup.png"))
    # The district box of the controls selects by keyboard too.
    page.get_by_label("District").select_option("AF0803")
    assert root.get_attribute("data-district") == "AF0803"


def test_the_url_hash_round_trips(page, site, claims):
    url = (site / "index.html").as_uri() + "#view=nrf&date=2021-10-01&district=AF0803&compare=taliban"
    root = open_site(page, url)
    assert [root.get_attribute(f"data-{k}") for k in ("view", "date", "district", "compare")] == [
        "nrf",
        "2021-10-01",
        "AF0803",
        "taliban",
    ]
    wait_for_site_holders(page, expected(claims, "nrf", "2021-10-01"))
    wait_for_site_holders(page, expected(claims, "taliban", "2021-10-01"), ".cm-pane-b")
    page.evaluate("location.hash = '#view=independent&date=2021-09-20'")
    page.wait_for_function("() => document.querySelector('.cm-root').dataset.view === 'independent'")
    assert root.get_attribute("data-date") == "2021-09-20"
    assert root.get_attribute("data-district") == "" and root.get_attribute("data-compare") == ""
    assert page.locator(".cm-pane-b").count() == 0
    page.get_by_role("radio", name="Taliban").check()
    page.reload()
    root = open_site(page, page.url)
    assert (root.get_attribute("data-view"), root.get_attribute("data-date")) == ("taliban", "2021-09-20")
    # Nonsense in the hash falls back to valid values.
    page.evaluate("location.hash = '#view=%3Cimg%3E&date=1999-01-01&district=nope&compare=%E0%A4%A'")
    first = min(c.date for c in claims.claims).isoformat()
    page.locator(f".cm-root[data-date='{first}']").wait_for(state="attached", timeout=5_000)
    assert root.get_attribute("data-view") == "taliban"
    assert root.get_attribute("data-date") == min(c.date for c in claims.claims).isoformat()
    assert root.get_attribute("data-district") == ""


def test_compare_two_voices_side_by_side(page, site, claims, output_dir):
    root = open_site(page, (site / "index.html").as_uri() + f"#view=taliban&date={DATE}")
    page.get_by_label("Compare with").select_option("nrf")
    assert root.get_attribute("data-compare") == "nrf"
    assert "compare=nrf" in page.evaluate("location.hash")
    taliban, nrf = expected(claims, "taliban", DATE), expected(claims, "nrf", DATE)
    wait_for_site_holders(page, taliban)
    wait_for_site_holders(page, nrf, ".cm-pane-b")
    differs = page.locator(".cm-pane-a path[data-differs='1']").evaluate_all(
        "ps => ps.map(p => p.dataset.pcode)"
    )
    assert sorted(differs) == sorted(p for p in taliban if taliban[p] != nrf[p])
    assert differs, "on 2021-09-05 the two sides disagree somewhere"
    page.screenshot(path=str(output_dir / "1-taliban-vs-nrf-2021-09-05.png"))
    # Zoom and pan are shared.
    wait_for_moveend(page, arm=True)
    page.locator(".cm-pane-a .leaflet-control-zoom-in").click()
    wait_for_moveend(page)
    zooms = page.evaluate("() => [controlMap.map().getZoom(), controlMap.map('compare').getZoom()]")
    assert zooms[0] == zooms[1]
    centres = page.evaluate("() => [controlMap.map().getCenter(), controlMap.map('compare').getCenter()]")
    assert abs(centres[0]["lat"] - centres[1]["lat"]) < 1e-6
    page.get_by_label("Compare with").select_option("")
    assert page.locator(".cm-pane-b").count() == 0
    assert page.evaluate("() => controlMap.map().getZoom()") == zooms[0]


def test_zoom_and_pan_survive_view_date_and_data_changes(page, site, claims, repo_claims):
    open_site(page, (site / "index.html").as_uri() + f"#view=taliban&date={DATE}")
    page.evaluate("() => controlMap.map().setView([35.3, 69.6], 11, {animate: false})")
    before = page.evaluate("() => { const m = controlMap.map(); return [m.getCenter().lat, m.getZoom()]; }")
    page.get_by_role("radio", name="All voices combined").check()
    page.get_by_role("slider", name="Date").focus()
    page.keyboard.press("ArrowRight")
    data = json.loads(page.locator("#map-data").text_content())
    page.evaluate("(d) => controlMap.setData(d)", data)
    page.evaluate("() => controlMap.setBasemap(null)")
    after = page.evaluate("() => { const m = controlMap.map(); return [m.getCenter().lat, m.getZoom()]; }")
    assert after[1] == before[1] and abs(after[0] - before[0]) < 1e-6
    assert page.locator(".cm-root").get_attribute("data-view") == "combined"


@pytest.mark.parametrize("page", [390], indirect=True)
def test_the_site_works_390_px_wide(page, site, claims, output_dir):
    root = open_site(page, (site / "index.html").as_uri() + f"#view=taliban&date={DATE}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for view in claims.views:  # every view reachable and visible
        radio = page.locator(f".cm-radios input[value='{view}']")
        box = radio.locator("xpath=..").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, view
    legend = page.locator(".cm-legend")
    assert legend.get_attribute("open") is None  # collapsed at first on a narrow screen
    page.screenshot(path=str(output_dir / "1-390px.png"))
    page.get_by_text("Legend").click()
    assert legend.get_attribute("open") == ""
    page.screenshot(path=str(output_dir / "2-390px-legend-open.png"))
    page.get_by_role("radio", name="Independent reports").check()
    wait_for_site_holders(page, expected(claims, "independent", DATE))
    assert root.get_attribute("data-view") == "independent"


def serve(directory):
    """``python -m http.server`` on 127.0.0.1 in ``directory``; yields its URL, stops it by PID."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("http.server did not start") from None
            time.sleep(0.1)
    return proc, url


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def test_inside_an_iframe_served_by_http_server(page, site, claims, output_dir):
    parent = site.parent
    (parent / "embed.html").write_text(
        "<!DOCTYPE html><html><head><title>A newsroom page</title></head><body><h1>Our story</h1>"
        f"{publish.EMBED_SNIPPET.replace('https://example.org/panjshir-map/', 'site/')}"
        "</body></html>",
        encoding="utf-8",
    )
    proc, url = serve(parent)
    try:
        page.goto(url + "/embed.html")
        frame = page.frame_locator("iframe")
        frame.locator(".cm-root[data-ready='1']").wait_for(state="attached", timeout=20_000)
        inner = next(f for f in page.frames if "/site/index.html" in f.url)
        wait_for_site_holders(inner, expected(claims, "combined", "2021-09-05"))
        frame.get_by_role("radio", name="Taliban").check()
        wait_for_site_holders(inner, expected(claims, "taliban", "2021-09-05"))
        frame.get_by_role("slider", name="Date").focus()
        page.keyboard.press("ArrowRight")
        wait_for_site_holders(inner, expected(claims, "taliban", "2021-09-06"))
        wait_hash(inner, "date=2021-09-06")
        assert page.url.endswith("/embed.html")  # the parent page's URL is left alone
        page.screenshot(path=str(output_dir / "1-embedded.png"))
    finally:
        stop(proc)


HOSTILE_QUOTE = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
JINJA = "{{ 7*7 }}"
HOSTILE = f"""\
version: 1
region: {{province: AF08}}
sides:
  taliban: {{label: "Taliban {JINJA}", color: "#D55E00"}}
  nrf: {{label: "NRF <img src=x onerror=alert(2)>", color: "#0072B2"}}
sources:
  evil: {{name: {json.dumps(HOSTILE_SCRIPT)}, side: taliban}}
  front: {{name: "Front {JINJA} office", side: nrf}}
claims:
  - id: evil-1
    date: 2021-09-05
    source: evil
    holder: taliban
    districts: [Bazarak]
    quote: {json.dumps(HOSTILE_QUOTE + " " + JINJA)}
    url: "https://example.org/a?q=\\"><img/src=x/onerror=alert(3)>"
    places: [Khawak Pass]
  - id: front-1
    date: 2021-09-06
    source: front
    holder: nrf
    districts: [Bazarak, Paryan]
    quote: {json.dumps(HOSTILE_SCRIPT)}
"""

INJECTED_JS = """() => ({img: document.querySelectorAll('.cm-root img').length,
  handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  scripts: [...document.scripts].filter(s => !s.src && s.type !== 'application/json').length})"""


@dataclasses.dataclass
class PointPlace:
    name: str
    district: str
    lat: float
    lon: float
    point_source: str
    confidence: str = "medium"


def test_hostile_text_shows_literally_and_runs_nothing(page, tmp_path, output_dir):
    claims, problems = check_claims(HOSTILE.encode(), gazetteer_for=boundary_gazetteer())
    assert not problems, [str(p) for p in problems]
    districts = boundaries.for_web(boundaries.load_region("AF08"))
    places = [PointPlace("Khawak Pass", "AF0807", 35.66324, 69.78714, "GeoNames 1136827 <b>x</b>")]
    publish.publish(claims, districts, tmp_path / "site", places=places)
    page_html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    for raw in (HOSTILE_QUOTE, HOSTILE_SCRIPT, "<img src=x onerror=alert(2)>"):
        assert raw not in page_html
    open_site(page, (tmp_path / "site" / "index.html").as_uri() + f"#view=taliban&date={DATE}")
    bazarak = page.locator(".cm-pane-a path[data-pcode='AF0801']")
    bazarak.hover(force=True)
    tip = page.locator(".cm-pane-a .cm-tip")
    tip.wait_for(timeout=5_000)
    text = tip.inner_text()
    assert HOSTILE_SCRIPT in text and f"{HOSTILE_QUOTE} {JINJA}" in text, text
    bazarak.click(force=True)
    popup = page.locator(".leaflet-popup .district-popup")
    popup.wait_for(timeout=5_000)
    assert HOSTILE_QUOTE in popup.inner_text()
    legend = page.locator(".cm-legend")
    assert (
        "Taliban {{ 7*7 }}" in legend.inner_text()
        and "NRF <img src=x onerror=alert(2)>" in legend.inner_text()
    )
    assert page.get_by_role("radio", name="Taliban {{ 7*7 }}").count() == 1
    page.screenshot(path=str(output_dir / "1-hostile-taliban.png"))
    # The place marker: coloured by the latest claim about it in the view, with quote and source.
    marker = page.locator(".cm-pane-a path[data-place='Khawak Pass']")
    assert marker.get_attribute("data-holder") == "taliban"
    marker.click(force=True)
    place_popup = page.locator(".leaflet-popup .place-popup")
    place_popup.wait_for(timeout=5_000)
    assert (
        HOSTILE_QUOTE in place_popup.inner_text() and "GeoNames 1136827 <b>x</b>" in place_popup.inner_text()
    )
    page.screenshot(path=str(output_dir / "2-place-popup.png"))
    page.get_by_role("radio", name="NRF <img src=x onerror=alert(2)>").check()
    assert marker.get_attribute("data-holder") == "unknown"  # no NRF claim names the place
    page.get_by_role("slider", name="Date").focus()
    page.keyboard.press("ArrowRight")
    bazarak.click(force=True)
    popup.wait_for(timeout=5_000)
    hrefs = popup.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert all(h.startswith("https://") for h in hrefs) and not any("javascript" in h for h in hrefs)
    assert page.evaluate(INJECTED_JS) == {"img": 0, "handlers": 0, "scripts": 0}
    assert not page.dialogs


def test_render_opens_the_engine_at_its_view_and_date(page, tmp_path, repo_claims, claims):
    target = tmp_path / "map.html"
    assert (
        cli.main(
            [
                "render",
                "--claims",
                str(repo_claims),
                "--date",
                "2021-09-07",
                "--view",
                "nrf",
                "-o",
                str(target),
            ]
        )
        == 0
    )
    html = target.read_text(encoding="utf-8")
    assert "<title>Panjshir: who claimed which district</title>" in html
    root = open_site(page, target.as_uri())
    assert (root.get_attribute("data-view"), root.get_attribute("data-date")) == ("nrf", "2021-09-07")
    wait_for_site_holders(page, expected(claims, "nrf", "2021-09-07"))
    assert page.evaluate("location.hash") == ""  # a single page does not write the URL


def test_the_engine_api_reports_changes_at_a_bounded_rate(page, site, claims):
    open_site(page, (site / "index.html").as_uri() + "#view=nrf&date=2021-09-01")
    # A second engine on the same page, as the Streamlit component makes one, with onChange.
    page.evaluate("""() => {
      const div = document.createElement('div');
      div.id = 'second'; div.style.height = '500px';
      document.body.appendChild(div);
      window.log = [];
      window.second = ControlMap.create(div, JSON.parse(document.getElementById('map-data').textContent), {
        state: {view: 'taliban', date: '2021-09-03'}, popups: false, playInterval: 20,
        onChange: (s, cause) => window.log.push([cause, s.date, s.playing]) });
    }""")
    second = page.locator("#second")
    assert second.get_attribute("data-view") == "taliban" and second.get_attribute("data-ready") == "1"
    page.evaluate("() => second.setState({view: 'nrf', date: '2021-09-06', district: 'AF0801'})")
    assert page.evaluate("() => [second.state(), window.log]") == [
        {"view": "nrf", "date": "2021-09-06", "district": "AF0801", "compare": None, "playing": False},
        [],
    ]
    assert page.evaluate("() => second.fills()") == expected(claims, "nrf", "2021-09-06")
    second.get_by_role("radio", name="Taliban").check()
    assert page.evaluate("() => window.log") == [["view", "2021-09-06", False]]
    second.get_by_role("button", name="Play").click()
    page.wait_for_function("() => document.querySelector('#second').dataset.date >= '2021-10-20'")
    second.get_by_role("button", name="Pause").click()
    log = page.evaluate("() => window.log")
    steps = (dt.date.fromisoformat(log[-1][1]) - dt.date(2021, 9, 6)).days
    causes = [c for c, _, _ in log]
    assert causes[:2] == ["view", "play"] and causes[-1] == "pause"
    assert causes.count("date") <= steps // 10 + 1 and causes.count("date") >= 2
    assert log[-1][1] == second.get_attribute("data-date") and log[-1][2] is False
    page.evaluate("() => second.destroy()")
    assert second.get_attribute("data-ready") is None


def test_the_age_switch_fades_old_claims(page, site, claims):
    root = open_site(page, (site / "index.html").as_uri() + "#view=nrf&date=2022-01-15")
    stale = "() => document.querySelectorAll('.cm-pane-a path[data-stale=\"1\"]').length"
    assert page.evaluate(stale) > 0  # the NRF's claims behind January 2022 are months old
    opacity = page.locator(".cm-pane-a path[data-stale='1']").first.get_attribute("fill-opacity")
    assert float(opacity) < 0.5
    page.get_by_label("Fade colours resting on claims older than 30 days").uncheck()
    assert page.evaluate(stale) == 0
    page.locator(".cm-pane-a path[data-pcode='AF0801']").hover(force=True)
    assert "days ago" in page.locator(".cm-pane-a .cm-tip").inner_text()
    assert root.get_attribute("data-view") == "nrf"


def test_disputed_contested_and_unknown_are_told_apart_without_colour(page, tmp_path, claims, output_dir):
    # Before the `disputed` holder lands in claims.py: the combined view's contested states are
    # relabelled disputed in the data, as the resolution will then produce them.
    from dashboard import codec, mapdata

    districts = boundaries.for_web(boundaries.load_region("AF08"))
    data = mapdata.engine_data(claims, districts)
    if "disputed" not in data["holders"]:
        data["holders"].append("disputed")
        fake = type("C", (), {"sides": claims.sides, "holders": data["holders"]})()
        data["styles"], data["holderLabels"] = mapdata.styles(fake), mapdata.holder_labels(fake)
        combined = data["history"]["combined"]
        codes = codec.unvarints(combined["holder"])
        contested, disputed = data["holders"].index("contested"), data["holders"].index("disputed")
        combined["holder"] = codec.varints([disputed if h == contested else h for h in codes])
    target = tmp_path / "disputed.html"
    target.write_text(
        publish.page_of_data(data, state={"view": "combined", "date": "2021-09-05"}), encoding="utf-8"
    )
    open_site(page, target.as_uri())
    paths = page.locator(".cm-pane-a path[data-pcode]").evaluate_all(
        "ps => ps.map(p => [p.dataset.holder, p.getAttribute('fill'), p.getAttribute('stroke-dasharray')])"
    )
    kinds = {h: (fill, dash) for h, fill, dash in paths}
    assert "disputed" in kinds and kinds["disputed"][0].startswith("url(#")
    pattern = page.locator(kinds["disputed"][0][4:-1])
    assert pattern.locator("rect").count() == 3  # a cross-hatch: ground and two sets of lines
    legend = page.locator(".cm-legend")
    assert "Disputed (the voices disagree)" in legend.inner_text()
    assert "Contested (fighting claimed)" in legend.inner_text()
    page.get_by_label("Date").focus()
    page.screenshot(path=str(output_dir / "1-combined-disputed-2021-09-05.png"))
    # Contested (hatch, one set of lines) and unknown (dashed border) in another view and day.
    page.get_by_role("radio", name="Independent reports").check()
    holders = page.evaluate(f"() => ({FILLS_JS})()")
    assert set(holders.values()) <= set(data["holders"])
    page.get_by_role("radio", name="All voices combined").check()
    page.evaluate("() => controlMap.setState({date: '2021-08-25'})")
    dashes = page.locator(".cm-pane-a path[data-holder='unknown']").evaluate_all(
        "ps => ps.map(p => p.getAttribute('stroke-dasharray'))"
    )
    assert all(d == "4 4" for d in dashes)


@pytest.mark.parametrize("page", [1280, 390], indirect=True)
def test_axe_finds_no_serious_or_critical_violation(page, site, output_dir):
    from axe_playwright_python.sync_playwright import Axe

    open_site(page, (site / "index.html").as_uri() + f"#view=taliban&date={DATE}&compare=nrf&district=AF0801")
    page.get_by_text("Legend").first.click()  # open on a narrow screen, closed on a wide one: both audited
    found = Axe().run(page).response["violations"]
    (output_dir / "axe.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    bad = [
        (v["impact"], v["id"], [n["target"] for n in v["nodes"]])
        for v in found
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad


def test_place_markers_of_the_repository(page, site, claims, output_dir):
    # The places with a sourced point in geodata/places.yaml (Khawak Pass, the provincial centre).
    open_site(page, (site / "index.html").as_uri() + "#view=combined&date=2021-09-08")
    markers = page.locator(".cm-pane-a path[data-place]")
    names = markers.evaluate_all("ps => ps.map(p => p.dataset.place)")
    assert "Khawak Pass" in names
    khawak = page.locator(".cm-pane-a path[data-place='Khawak Pass']")
    assert khawak.get_attribute("data-holder") == "contested"
    khawak.click(force=True)
    popup = page.locator(".leaflet-popup .place-popup")
    popup.wait_for(timeout=5_000)
    assert "GeoNames 1136827" in popup.inner_text()
    wait_until_still(page, ".leaflet-popup")
    page.screenshot(path=str(output_dir / "1-places-combined-2021-09-08.png"))
