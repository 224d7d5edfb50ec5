"""End to end in headless Chromium: what a person sees on the dashboard.

The map is a Components v2 element that renders its own controls (view toggle, date slider,
previous/next claim, play/pause, legend): the tests drive those controls by their accessible
names and read the map through the engine's test hooks (``data-view``, ``data-date``,
``data-district`` on its root, ``data-pcode``/``data-holder`` on each district).
"""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.claims import read_claims
from dashboard.control import resolve
from dashboard.page import busiest_window
from dashboard.page import claim_days as claims_days
from tests.browser import (
    choose_view,
    map_root,
    map_view,
    open_app,
    play_button,
    slider,
    wait_for_holders,
    wait_for_idle,
    wait_for_map,
    wait_for_query,
    zoom_in_and_pan,
)
from tests.conftest import streamlit_server

pytestmark = pytest.mark.browser
DATE = "2021-09-05"
TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def claims(repo_claims):
    return read_claims(repo_claims)


@pytest.fixture(scope="module")
def app_url(repo_claims):
    with streamlit_server(repo_claims) as url:
        yield url


def new_page(chromium, viewport):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    page.external, page.errors = [], []
    # Nothing may come from outside: a request to any other host fails the test.
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1", "data:", "about:", "blob:"))
            else (page.external.append(route.request.url), route.abort())
        ),
    )
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return context, page


@pytest.fixture
def page(chromium, output_dir):
    context, page = new_page(chromium, {"width": 1400, "height": 1000})
    yield page
    page.screenshot(path=str(output_dir / "last.png"))
    context.close()
    assert not page.external, f"the page asked for outside resources: {page.external}"
    assert not page.errors, f"JavaScript errors: {page.errors}"


def expected(claims, view, on):
    return resolve(claims, view=view, on=on).holders()


def label(claims, view) -> str:
    return {"independent": "Independent reports", "combined": "All voices combined"}.get(
        view, claims.sides[view].label if view in claims.sides else view
    )


def heading(page, text: str):
    page.get_by_role("heading", name=text).wait_for(timeout=20_000)


def test_map_follows_the_view_toggle(page, app_url, claims, output_dir):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    wait_for_holders(page, expected(claims, "taliban", DATE))
    page.screenshot(path=str(output_dir / "taliban-2021-09-05.png"))
    for view in claims.views:
        choose_view(page, label(claims, view))
        wait_for_map(page, view=view)
        wait_for_holders(page, expected(claims, view, DATE))
        wait_for_query(page, f"view={view}", f"date={DATE}")
    # The page follows the map: the panel's heading names the view and the day.
    heading(page, f"{label(claims, claims.views[-1])}, 5 Sep 2021")
    page.screenshot(path=str(output_dir / "last-view-2021-09-05.png"))


def test_scrub_with_the_keyboard_keeps_zoom_and_the_page_follows(page, app_url, claims, output_dir):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    wait_for_holders(page, expected(claims, "taliban", DATE))
    zoom_in_and_pan(page)
    before = map_view(page)
    slider(page).focus()
    for step in (1, 2):
        page.keyboard.press("ArrowRight")
        day = (dt.date.fromisoformat(DATE) + dt.timedelta(days=step)).isoformat()
        wait_for_map(page, date=day)
        wait_for_holders(page, expected(claims, "taliban", day))
    page.keyboard.press("ArrowLeft")
    wait_for_holders(page, expected(claims, "taliban", "2021-09-06"))
    wait_for_query(page, "date=2021-09-06")
    heading(page, "Taliban claims, 6 Sep 2021")
    wait_for_idle(page)
    assert map_view(page) == pytest.approx(before)
    assert slider(page).get_attribute("aria-valuetext") == "6 Sep 2021"
    page.screenshot(path=str(output_dir / "after-scrub.png"))


def test_play_runs_in_the_browser_and_pause_turns_back_into_play(page, app_url, claims, output_dir):
    open_app(page, app_url, "view=combined&date=2021-09-01")
    button = play_button(page)
    assert button.get_attribute("aria-label") == "Play"
    button.click()
    wait_for_map(page, playing="1")
    assert button.get_attribute("aria-label") == "Pause"
    # The map moves on by itself (no rerun drives it) ...
    map_root(page).and_(page.locator(".cm-root:not([data-date='2021-09-01'])")).wait_for()
    page.screenshot(path=str(output_dir / "playing.png"))
    button.click()
    wait_for_map(page, playing="0")
    assert button.get_attribute("aria-label") == "Play"
    # ... and Python hears the date it paused on: the URL and the panel follow.
    paused = map_root(page).get_attribute("data-date")
    wait_for_query(page, f"date={paused}")
    wait_for_holders(page, expected(claims, "combined", paused))
    wait_for_idle(page)
    assert map_root(page).get_attribute("data-date") == paused
    page.screenshot(path=str(output_dir / "paused.png"))


def test_previous_and_next_claim(page, app_url):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    map_root(page).get_by_role("button", name="Next claim").click()
    map_root(page).and_(page.locator(f".cm-root:not([data-date='{DATE}'])")).wait_for()
    later = map_root(page).get_attribute("data-date")
    assert later > DATE
    wait_for_query(page, f"date={later}")
    map_root(page).get_by_role("button", name="Previous claim").click()
    wait_for_map(page, date=DATE)  # the day with most claims has a Taliban claim
    wait_for_query(page, f"date={DATE}")


def test_clicking_a_district_opens_its_history_and_the_select_box_moves_the_map(page, app_url, claims):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    wait_for_holders(page, expected(claims, "taliban", DATE))
    map_root(page).locator("path[data-pcode='AF0801']").click(force=True)
    page.get_by_text("Bazarak: every claim, in every view").wait_for(timeout=20_000)
    page.locator(".claims-panel li.in-force").first.wait_for(timeout=20_000)  # the panel's HTML
    wait_for_query(page, "district=AF0801")
    wait_for_map(page, district="AF0801")
    # The page's own select box (outside the map) is a change from Python: the map follows.
    box = page.get_by_role("combobox", name="District").and_(page.locator("input"))
    box.click()
    page.get_by_role("option", name="Paryan").click()
    page.get_by_text("Paryan: every claim, in every view").wait_for(timeout=20_000)
    wait_for_map(page, district="AF0807")
    wait_for_query(page, "district=AF0807")


def test_url_round_trip(page, app_url, claims, chromium):
    open_app(page, app_url, "view=nrf&date=2021-09-06&district=AF0807")
    wait_for_map(page, view="nrf", date="2021-09-06", district="AF0807")
    wait_for_holders(page, expected(claims, "nrf", "2021-09-06"))
    page.get_by_text("Paryan: every claim, in every view").wait_for(timeout=20_000)
    assert slider(page).get_attribute("aria-valuetext") == "6 Sep 2021"
    assert map_root(page).get_by_role("radio", name="National Resistance Front").is_checked()
    # And back: what the person changes goes into the URL, and that URL opens the same state.
    choose_view(page, "Independent reports")
    slider(page).focus()
    page.keyboard.press("ArrowLeft")
    wait_for_query(page, "view=independent", "date=2021-09-05", "district=AF0807")
    wait_for_idle(page)
    context, again = new_page(chromium, {"width": 1400, "height": 1000})
    try:
        again.goto(page.url)
        wait_for_map(again, view="independent", date="2021-09-05", district="AF0807")
        wait_for_holders(again, expected(claims, "independent", "2021-09-05"))
        assert not again.errors and not again.external
    finally:
        context.close()


def test_a_bad_url_says_what_it_ignored(page, app_url):
    open_app(page, app_url, "view=nobody&date=2021-9-6&district=Dara")
    page.get_by_text("?date=2021-9-6: not a day between").wait_for()
    assert page.get_by_text("?view=nobody: not a view").count() == 1
    wait_for_map(page, view="taliban", district="AF0803")  # Dara, by name


def test_390_px_wide(chromium, app_url, claims, output_dir):
    context, page = new_page(chromium, {"width": 390, "height": 844})
    try:
        open_app(page, app_url, f"view=taliban&date={DATE}")
        wait_for_holders(page, expected(claims, "taliban", DATE))
        page.screenshot(path=str(output_dir / "narrow.png"), full_page=False)
        root = map_root(page)
        width = root.evaluate("r => [r.getBoundingClientRect().right, r.scrollWidth - r.clientWidth]")
        assert width[0] <= 390 and width[1] <= 1, f"the map overflows the screen: {width}"
        legend = root.locator("details.cm-legend")
        assert legend.get_attribute("open") is None  # collapsed on a phone, one tap opens it
        legend.locator("summary").click()
        assert legend.get_attribute("open") is not None
        for view in claims.views:  # every view reachable
            choose_view(page, label(claims, view))
            wait_for_map(page, view=view)
        wait_for_query(page, f"view={claims.views[-1]}")
        page.screenshot(path=str(output_dir / "narrow-last-view.png"))
        assert not page.errors and not page.external
    finally:
        context.close()


def test_zoom_is_kept_across_a_view_change_and_a_basemap_change(page, app_url, claims, output_dir):
    tiles = []
    # A stand-in for the tile server: the basemap's tiles are answered here, never fetched.
    page.route(
        "https://**/*.png",
        lambda route: (tiles.append(route.request.url), route.fulfill(body=TILE, content_type="image/png")),
    )
    open_app(page, app_url, f"view=taliban&date={DATE}")
    zoom_in_and_pan(page)
    before = map_view(page)
    choose_view(page, "National Resistance Front")
    wait_for_query(page, "view=nrf")
    wait_for_idle(page)
    assert map_view(page) == pytest.approx(before)
    page.get_by_role("combobox", name="Basemap").click()
    page.get_by_role("option", name="OpenStreetMap").click()
    map_root(page).locator("img.leaflet-tile").first.wait_for(state="attached")
    wait_for_idle(page)
    assert tiles, "the basemap was not drawn"
    assert map_view(page) == pytest.approx(before)
    assert map_root(page).get_attribute("data-view") == "nrf"
    page.screenshot(path=str(output_dir / "basemap.png"))


def test_compare_goes_into_the_url_and_back(page, app_url, claims, output_dir):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    map_root(page).get_by_role("combobox", name="Compare with").select_option("nrf")
    wait_for_map(page, compare="nrf")
    wait_for_query(page, "compare=nrf")
    page.screenshot(path=str(output_dir / "compare.png"))
    open_app(page, app_url, f"view=nrf&date={DATE}&compare=combined")
    wait_for_map(page, view="nrf", compare="combined")


def test_clicking_the_chart_moves_the_map_even_twice_on_one_tick(page, app_url, claims):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    wait_for_idle(page)
    # The detail chart spans the busiest weeks; ticks mark the claim dates at its foot. A canvas
    # has no locator for a tick, so the click goes to the tick's place on the detail's scale.
    first, last = (dt.date.fromisoformat(d) for d in busiest_window(claims, "taliban"))
    ticks = [d for d in claims_days(claims, "taliban") if first.isoformat() < d < DATE]
    target = ticks[-1]

    def click_tick(day: str):
        chart = page.locator("[class*='st-key-chart-']")
        chart.scroll_into_view_if_needed()
        chart.locator("canvas, svg").first.wait_for()
        box = chart.bounding_box()
        share = (dt.date.fromisoformat(day) - first).days / (last - first).days
        # At a pixel offset on purpose: a tick drawn on the chart's canvas has no locator.
        page.mouse.click(box["x"] + 1 + (box["width"] - 2) * share, box["y"] + 175)

    click_tick(target)
    wait_for_query(page, f"date={target}")
    wait_for_map(page, date=target)
    wait_for_holders(page, expected(claims, "taliban", target))
    # Away and back on the same tick: the second click picks again (issue 10).
    map_root(page).get_by_role("button", name="Next claim").click()
    map_root(page).and_(page.locator(f".cm-root:not([data-date='{target}'])")).wait_for()
    wait_for_idle(page)
    click_tick(target)
    wait_for_query(page, f"date={target}")
    wait_for_map(page, date=target)
