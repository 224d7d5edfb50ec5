"""End to end in headless Chromium: what a person sees on the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.claims import read_claims
from dashboard.control import resolve
from tests.browser import (choose_view, fills, map_root, map_view, open_app, slider,
                           wait_for_holders, wait_for_idle, wait_for_query)
from tests.conftest import streamlit_server

pytestmark = pytest.mark.browser
DATE = "2021-09-05"


@pytest.fixture(scope="module")
def claims(repo_claims):
    return read_claims(repo_claims)


@pytest.fixture(scope="module")
def app_url(repo_claims):
    with streamlit_server(repo_claims) as url:
        yield url


@pytest.fixture
def page(chromium, output_dir):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    external = []
    # Nothing may come from outside: a request to any other host fails the test.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "data:", "about:", "blob:")) else (external.append(route.request.url),
                                                              route.abort()))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    page.screenshot(path=str(output_dir / "last.png"))
    context.close()
    assert not external, f"the page asked for outside resources: {external}"
    assert not errors, f"JavaScript errors: {errors}"


def expected(claims, view, on):
    return resolve(claims, view=view, on=on).holders()


def test_map_shows_the_core_snapshot_for_each_view(page, app_url, claims, output_dir):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    wait_for_holders(page, expected(claims, "taliban", DATE))
    colours = fills(page)
    for pcode, holder in expected(claims, "taliban", DATE).items():
        want = claims.sides[holder].color if holder in claims.sides else \
            {"contested": "url(#contested-hatch)", "disputed": "#CC79A7", "unknown": "#DDDDDD"}[holder]
        assert colours[pcode] == want
    page.screenshot(path=str(output_dir / "taliban-2021-09-05.png"))

    choose_view(page, claims.views.index("nrf"))
    wait_for_holders(page, expected(claims, "nrf", DATE))
    page.screenshot(path=str(output_dir / "nrf-2021-09-05.png"))
    wait_for_query(page, "view=nrf", f"date={DATE}")


def test_scrub_with_the_keyboard_keeps_zoom_and_the_map(page, app_url, claims, output_dir):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    wait_for_holders(page, expected(claims, "taliban", DATE))
    map_root(page).evaluate("() => window.districtMap.map.setZoom(window.districtMap.map.getZoom() + 1)")
    map_root(page).evaluate("() => window.districtMap.map.panBy([40, 25], {animate: false})")
    wait_for_idle(page)
    before = map_view(page)
    loaded = page.frame_locator("iframe[title*='district_map']").locator("html").get_attribute(
        "data-map-loaded")

    slider(page).focus()
    for step in (1, 2):
        page.keyboard.press("ArrowRight")
        day = (dt.date.fromisoformat(DATE) + dt.timedelta(days=step)).isoformat()
        wait_for_holders(page, expected(claims, "taliban", day))
    page.keyboard.press("ArrowLeft")
    wait_for_holders(page, expected(claims, "taliban", "2021-09-06"))
    wait_for_idle(page)
    assert map_view(page) == pytest.approx(before)
    after = page.frame_locator("iframe[title*='district_map']").locator("html").get_attribute(
        "data-map-loaded")
    assert after == loaded, "the map page was reloaded"
    wait_for_query(page, "date=2021-09-06")
    page.screenshot(path=str(output_dir / "after-scrub.png"))


def test_clicking_a_district_opens_its_claim_history(page, app_url, claims):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    wait_for_holders(page, expected(claims, "taliban", DATE))
    page.frame_locator("iframe[title*='district_map']").frame_locator("#map").locator(
        "path[data-pcode='AF0801']").click(force=True)
    page.get_by_text("Bazarak: every claim, in every view").wait_for(timeout=15_000)
    assert page.locator(".claims-panel tr.in-force").count() >= 1
    wait_for_query(page, "district=AF0801")


def test_url_restores_view_date_and_district(page, app_url, claims):
    open_app(page, app_url, "view=nrf&date=2021-09-06&district=AF0807")
    wait_for_holders(page, expected(claims, "nrf", "2021-09-06"))
    page.get_by_text("Paryan: every claim, in every view").wait_for(timeout=15_000)
    assert slider(page).get_attribute("aria-valuetext") == "6 Sep 2021"


def test_clicking_the_chart_moves_the_slider_and_the_map(page, app_url, claims):
    open_app(page, app_url, f"view=taliban&date={DATE}")
    wait_for_idle(page)
    chart = page.locator(".st-key-chart")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    # Ticks mark the claim dates; the click picks the nearest, here the view's last one.
    page.mouse.click(box["x"] + box["width"] - 30, box["y"] + 60)
    last = max(c.date for c in claims.claims if claims.view_of(c) == "taliban").isoformat()
    wait_for_query(page, f"date={last}")
    wait_for_holders(page, expected(claims, "taliban", last))
