"""The page in a real browser: screenshots of Panjshir and of a small Baghlan file, and side
labels full of Markdown shown literally (no image fetched, no link made)."""

from __future__ import annotations

import textwrap

import pytest

from tests.browser import open_app, wait_for_idle
from tests.conftest import streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = (
    "Taliban ![t](http://127.0.0.1:8799/x.png) [site](https://evil.example) {{ 7*7 }} $x$ :material/home:"
)

BAGHLAN = textwrap.dedent(f"""\
    version: 1
    region: {{province: AF09}}
    sides:
      tal: {{label: "{HOSTILE}", color: "#D55E00"}}
      res: {{label: Andarab resistance, color: "#0072B2"}}
    sources:
      tal-spokesman: {{name: "Spokesman **bold** <b>x</b>", side: tal}}
      res-commander: {{name: Local commander, side: res}}
      wire: {{name: A wire service, side: independent}}
    claims:
      - {{id: t1, date: 2021-08-20, source: tal-spokesman, holder: tal, districts: [Pul-e-Khumri],
          url: "https://example.org/t1"}}
      - {{id: r1, date: 2021-08-21, source: res-commander, holder: res, districts: [Andarab]}}
      - {{id: r2, date: 2021-08-23, source: res-commander, holder: contested, districts: [Pul-e-Khumri]}}
      - {{id: w1, date: 2021-08-24, source: wire, holder: tal, districts: [Andarab, Pul-e-Khumri]}}
    """)


CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
  .every(c => c.querySelector('canvas, svg'))"""


def _drawn(page, timeout: float = 15_000):
    """Wait until the run is over, the map is drawn, the page is whole and every chart has its canvas."""
    wait_for_idle(page, timeout=timeout)
    page.locator(".cm-root[data-ready='1']").wait_for(state="attached", timeout=timeout)
    page.get_by_role("heading", name="Downloads").wait_for(state="attached", timeout=timeout)
    page.wait_for_function(CHARTS_DRAWN, timeout=timeout)
    wait_for_idle(page, timeout=timeout)  # (two more painted frames)


def _shoot(page, path):
    # Streamlit scrolls inside its own container: a tall window shows the whole page.
    page.set_viewport_size({"width": 1400, "height": 3000})
    _drawn(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_screenshots_panjshir(chromium, claims_file, output_dir):
    with streamlit_server(claims_file) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        open_app(page, url, "view=taliban&date=2021-09-05&district=AF0807")
        page.wait_for_selector("[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg")
        _drawn(page)
        assert "claims of control" in page.title()
        _shoot(page, output_dir / "panjshir.png")
        open_app(page, url, "view=combined&date=2021-09-14")
        _drawn(page)
        _shoot(page, output_dir / "panjshir-combined.png")
        page.close()


def test_screenshots_baghlan_and_literal_labels(chromium, tmp_path, output_dir):
    claims = tmp_path / "baghlan.yaml"
    claims.write_text(BAGHLAN, encoding="utf-8")
    with streamlit_server(claims) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        open_app(page, url)
        _drawn(page)
        _shoot(page, output_dir / "baghlan.png")
        assert page.title().startswith("Baghlan")
        assert "Baghlan: who claimed which district" in page.locator("h1").first.inner_text()
        # The hostile label: shown as text, never as an image, a link, an icon or maths.
        assert not any("8799" in u for u in requested)
        assert page.locator("a[href*='evil.example']").count() == 0
        assert page.locator("img[src*='8799']").count() == 0
        assert page.locator(".katex").count() == 0
        body = page.locator("body").inner_text().replace("\u2060", "")
        assert "[site](https://evil.example) {{ 7*7 }} $x$ :material/home:" in body
        assert "Spokesman **bold** <b>x</b>" in body
        # Downloads are named after the region, the view and the date.
        with page.expect_download() as download:
            page.get_by_role("button", name="Snapshot (CSV)").click()
        assert download.value.suggested_filename == "baghlan-tal-2021-08-20.csv"
        page.close()


COUNTRY = textwrap.dedent("""\
    version: 1
    region: {country: AF}
    sides:
      tal: {label: Taliban, color: "#D55E00"}
      res: {label: Resistance, color: "#0072B2"}
    sources:
      tal-spokesman: {name: Spokesman, side: tal}
      res-commander: {name: Commander, side: res}
    claims:
      - {id: t1, date: 2021-08-15, source: tal-spokesman, holder: tal, districts: [AF0101, AF0901, AF0801]}
      - {id: r1, date: 2021-08-20, source: res-commander, holder: res, districts: [AF0801, AF0907]}
      - {id: t2, date: 2021-09-06, source: tal-spokesman, holder: tal, districts: [AF0801]}
    """)


def test_screenshot_country_wide(chromium, tmp_path, output_dir):
    claims = tmp_path / "country.yaml"
    claims.write_text(COUNTRY, encoding="utf-8")
    with streamlit_server(claims) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        open_app(page, url, "view=combined&date=2021-08-20", timeout=90_000)
        _drawn(page, timeout=60_000)
        _shoot(page, output_dir / "country.png")
        assert page.title().startswith("Afghanistan")
        # The who-says-what table holds every district (399), searchable and sortable.
        assert page.locator("[data-testid=stDataFrame]").count() == 1
        page.close()
