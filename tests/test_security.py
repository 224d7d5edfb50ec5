"""Hostile but valid claims in headless Chromium: their text shows as text and runs nothing.

One claims file for Panjshir (AF08) puts markup where a page might put it unescaped: a quote
``<img src=x onerror=alert(1)>``, a note ``<script>alert(1)</script>``, source and channel
names that try to close an attribute (``"><svg onload=alert(1)>``), a side label with an
``<img>``, and a link whose query tries to close its ``href``. Every place that shows them is
checked: the map's tooltip, the app's district panel, the "what changed" list, and the
standalone HTML map, both from ``python -m dashboard render`` and from the app's download
button, with its click popup. In every frame: no dialog opened, no element was injected,
the literal text is there, and every link from the claims is http(s), opens in a new tab
and carries ``rel="noopener noreferrer"``. The server, started with the repository's
``.streamlit/config.toml``, refuses WebSocket sessions and reads from other origins and
uploads without an XSRF token.
"""

from __future__ import annotations

import base64
import os
import re
import socket
import textwrap
import urllib.error
import urllib.request

import pytest

from dashboard import cli
from dashboard.claims import read_claims
from tests.browser import map_root, open_app, wait_for_idle
from tests.conftest import streamlit_server

QUOTE = "<img src=x onerror=alert(1)>"
NOTE = "<script>alert(1)</script>"
ENDS_SCRIPT = "</script><script>alert(1)</script>"  # a quote that tries to close a script element
SOURCE = '"><svg onload=alert(1)> Evil spokesman'
VIA = '"><svg onload=alert(1)> Relay'
PRESS = "Front <b>press</b> office"
NRF_LABEL = "National Resistance Front <img src=x onerror=alert(1)>"
BAD_HREF = 'https://example.org/a?q="><img/src=x/onerror=alert(1)>'
DATE = "2021-09-05"

HOSTILE = textwrap.dedent("""\
    version: 1
    region: {province: AF08}
    sides:
      taliban: {label: Taliban, color: "#D55E00"}
      nrf: {label: "National Resistance Front <img src=x onerror=alert(1)>", color: "#0072B2"}
    sources:
      evil: {name: "\\"><svg onload=alert(1)> Evil spokesman", side: taliban}
      relay: {name: "\\"><svg onload=alert(1)> Relay", side: independent}
      front: {name: "Front <b>press</b> office", side: nrf}
    claims:
      - id: early-taliban
        date: 2021-09-04
        source: evil
        quote: "<img src=x onerror=alert(1)>"
        holder: taliban
        districts: [Dara]
      - id: hostile-taliban
        date: 2021-09-05
        source: evil
        via: relay
        url: "https://example.org/a?q=\\"><img/src=x/onerror=alert(1)>"
        archived_url: "https://web.archive.org/web/2021/https://example.org/a"
        quote: "<img src=x onerror=alert(1)>"
        note: "<script>alert(1)</script>"
        holder: taliban
        districts: [Bazarak, Anawa]
      - id: hostile-nrf
        date: 2021-09-05
        source: front
        via: relay
        url: "http://example.net/b"
        quote: "<img src=x onerror=alert(1)>"
        note: "<script>alert(1)</script>"
        holder: nrf
        districts: [Bazarak, Rukha]
      - id: later-nrf
        date: 2021-09-06
        source: front
        via: relay
        url: "https://example.com/c"
        quote: "</script><script>alert(1)</script>"
        holder: nrf
        districts: all
    """)

# Run in every frame of a page: anything the hostile text could have turned into.
INJECTED_JS = """() => {
  // The page and every open shadow root in it (the map component renders in one).
  const roots = [document, ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot)
    .map(e => e.shadowRoot)];
  const all = selector => roots.flatMap(r => [...r.querySelectorAll(selector)]);
  return {
    img: all('img[src="x"], img[onerror]').length,
    svg: all('svg[onload]').length,
    handlers: all('*').filter(e => [...e.attributes].some(
      a => a.name.startsWith('on') && a.value.includes('alert'))).length,
    scripts: all('script').filter(s => s.type !== 'application/json'
      && s.textContent.includes('alert(1)')).length,
    dataScriptsWithMarkup: all('script[type="application/json"]')
      .filter(s => s.textContent.includes('<')).length,
    boldPress: all('b').filter(b => b.textContent === 'press').length,
  };
}"""
LINKS_JS = """(root) => [...root.querySelectorAll('a')].map(a => ({
  href: a.getAttribute('href'), rel: a.getAttribute('rel'), target: a.getAttribute('target')}))"""


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "claims.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    read_claims(path)  # hostile, but valid: the checker has nothing against it
    return path


@pytest.fixture(scope="module")
def app_url(hostile_file):
    with streamlit_server(hostile_file) as url:
        yield url


@pytest.fixture
def page(chromium, output_dir):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.dialogs, page.errors, external = [], [], []

    def on_dialog(dialog):
        page.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1", "data:", "about:", "blob:", "file:"))
            else (external.append(route.request.url), route.abort())
        ),
    )
    yield page
    page.screenshot(path=str(output_dir / "last.png"), full_page=True)
    context.close()
    assert not page.dialogs, f"a dialog opened: {page.dialogs}"
    assert not page.errors, f"JavaScript errors: {page.errors}"
    assert not external, f"the page asked for outside resources: {external}"


def assert_inert(page):
    """No dialog, and nothing the hostile text could have become, in any frame."""
    assert len(page.frames) >= 1
    for frame in page.frames:
        found = frame.evaluate(INJECTED_JS)
        assert found == {k: 0 for k in found}, f"injected markup in {frame.url[:80]}: {found}"
    assert not page.dialogs


def assert_safe_links(links: list[dict], *, at_least: int):
    assert len(links) >= at_least, links
    for link in links:
        assert re.match(r"^https?://", link["href"]), link
        assert link["target"] == "_blank", link
        assert set(link["rel"].split()) == {"noopener", "noreferrer"}, link


def map_frame(page):
    """The map component's root (no frame now: the engine renders in a shadow root)."""
    return map_root(page)


@pytest.mark.browser
def test_app_shows_hostile_text_as_text_and_runs_nothing(page, app_url):
    open_app(page, app_url, f"view=combined&date={DATE}")
    wait_for_idle(page, timeout=30_000)
    # The tooltip (the engine's, inside the map component).
    map_frame(page).locator("path[data-pcode='AF0801']").hover(force=True)
    tip = map_frame(page).get_by_role("tooltip")
    tip.wait_for(timeout=10_000)
    text = tip.inner_text()
    for literal in (SOURCE, VIA, QUOTE, PRESS):
        assert literal in text, (literal, text)
    assert_inert(page)

    # The district panel (st.html), after a click on the district.
    map_frame(page).locator("path[data-pcode='AF0801']").click(force=True)
    panel = page.locator("ol.claims-panel.history")
    panel.wait_for(timeout=30_000)
    wait_for_idle(page, timeout=30_000)
    text = panel.inner_text()
    for literal in (SOURCE, VIA, QUOTE, NOTE, PRESS, NRF_LABEL):
        assert literal in text, (literal, text)
    links = panel.evaluate(LINKS_JS)
    assert_safe_links(links, at_least=4)
    assert BAD_HREF in [link["href"] for link in links]  # the href holds the link, quote and all

    # "What changed": the claims made this day, and the holders that changed.
    made = page.locator("ul.claims-panel.made")
    text = made.inner_text()
    for literal in (SOURCE, VIA, PRESS):
        assert literal in text, (literal, text)
    assert_safe_links(made.evaluate(LINKS_JS), at_least=2)
    changed = page.locator(".claims-panel.changes").filter(has_text="Changed since")
    assert NRF_LABEL in changed.inner_text()
    # The side label shows as text in the counts and the view control too.
    assert page.locator(".claims-panel.counts li").filter(has_text=f"× {NRF_LABEL}").count() == 1
    assert map_frame(page).get_by_role("radio", name=NRF_LABEL, exact=True).count() == 1
    assert_inert(page)


@pytest.mark.browser
@pytest.mark.parametrize("origin", ["cli-render", "app-download"])
def test_standalone_map_shows_hostile_text_as_text_and_runs_nothing(
    page, app_url, hostile_file, tmp_path, origin
):
    if origin == "cli-render":
        target = tmp_path / "map.html"
        code = cli.main(
            ["render", "--claims", str(hostile_file), "--date", DATE, "--view", "combined", "-o", str(target)]
        )
        assert code == 0
    else:
        open_app(page, app_url, f"view=combined&date={DATE}")
        wait_for_idle(page, timeout=30_000)
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name="Map (standalone HTML)").click()
        # Named after the region (region.name, else the boundary data's "Panjsher").
        assert re.fullmatch(rf"panjsh[ie]r-combined-{DATE}\.html", download.value.suggested_filename)
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
    html = target.read_text(encoding="utf-8")
    for raw in (QUOTE, NOTE, ENDS_SCRIPT, "<svg onload", "<b>press</b>"):
        assert raw not in html, f"{raw!r} is in the page unescaped"

    page.goto(target.as_uri())
    page.locator("html[data-ready='1']").wait_for(state="attached", timeout=20_000)
    bazarak = page.locator(".cm-pane-a path[data-pcode='AF0801']")
    bazarak.hover(force=True)
    tip = page.locator(".cm-pane-a .cm-tip")
    tip.wait_for(timeout=10_000)
    for literal in (SOURCE, VIA, QUOTE, PRESS):
        assert literal in tip.inner_text()

    bazarak.click(force=True)
    popup = page.locator(".leaflet-popup")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    for literal in (SOURCE, VIA, QUOTE, PRESS):
        assert literal in text, (literal, text)
    links = popup.locator(".district-popup").evaluate(LINKS_JS)
    assert_safe_links(links, at_least=2)
    assert BAD_HREF in [link["href"] for link in links]
    legend = page.locator(".cm-legend").inner_text()
    assert NRF_LABEL in legend
    assert_inert(page)


@pytest.mark.browser
def test_a_file_with_script_links_is_refused_and_no_such_link_renders(page, app_url, hostile_file):
    good = hostile_file.read_text(encoding="utf-8")
    open_app(page, app_url, f"view=combined&date={DATE}&district=AF0801")  # the last good data
    wait_for_idle(page, timeout=30_000)
    bad = (
        good.replace('url: "http://example.net/b"', 'url: "javascript:alert(1)"')
        .replace('url: "https://example.com/c"', 'url: "data:text/html,<script>alert(1)</script>"')
        .replace(
            'archived_url: "https://web.archive.org/web/2021/https://example.org/a"',
            'archived_url: "file:///etc/passwd"',
        )
    )
    assert bad.count("javascript:") == bad.count("data:text") == bad.count("file:///") == 1
    lines = {
        scheme: next(i for i, line in enumerate(bad.splitlines(), 1) if scheme in line)
        for scheme in ("javascript:", "data:text", "file:///")
    }
    try:
        hostile_file.write_text(bad, encoding="utf-8")
        page.reload()
        page.locator("[data-testid=stCode]").first.wait_for(timeout=30_000)
        wait_for_idle(page, timeout=30_000)
        shown = page.locator("[data-testid=stCode]").first.inner_text()
        for scheme, line in lines.items():
            assert f"{hostile_file}:{line}: '{scheme}" in shown, shown
        assert "3 problem(s)" in page.locator("[data-testid=stAlert]").first.inner_text()
        for frame in page.frames:
            hrefs = frame.evaluate(
                "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
            )
            assert not [h for h in hrefs if re.match(r"\s*(javascript|data|file|vbscript):", h, re.I)]
        # The last good data stays on the page, with its http(s) links only.
        assert_safe_links(page.locator("ol.claims-panel.history").evaluate(LINKS_JS), at_least=4)
        assert_inert(page)
    finally:
        hostile_file.write_text(good, encoding="utf-8")


def _websocket_handshake(url: str, origin: str) -> str:
    """The status line the server answers a WebSocket upgrade from ``origin`` with."""
    port = int(url.rsplit(":", 1)[1])
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            (
                f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Protocol: streamlit\r\n"
                f"Origin: {origin}\r\n\r\n"
            ).encode()
        )
        return s.recv(4096).decode("latin-1").split("\r\n")[0]


def test_the_server_refuses_other_sites(app_url):
    """The shared-deployment settings at work: CORS protection and XSRF protection."""
    evil = "http://evil.example"
    assert " 403 " in _websocket_handshake(app_url, evil)  # no session for another site's page
    assert " 101 " in _websocket_handshake(app_url, app_url)  # the app's own page gets one
    request = urllib.request.Request(app_url + "/_stcore/health", headers={"Origin": evil})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers.get("Access-Control-Allow-Origin") is None
    upload = urllib.request.Request(
        app_url + "/_stcore/upload_file/session/file", data=b"x", method="PUT", headers={"Origin": app_url}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:  # no XSRF token: no upload
        urllib.request.urlopen(upload, timeout=10)
    assert refused.value.code == 403


def test_a_session_with_another_host_name_is_refused(repo_claims):
    """server.allowedHosts: a DNS-rebinding page (Host: evil.example) gets no session."""
    import socket

    from tests.conftest import streamlit_server

    with streamlit_server(repo_claims) as url:
        port = int(url.rsplit(":", 1)[1])
        answers = {}
        for host in ("evil.example", "127.0.0.1"):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(
                    (
                        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\n"
                        f"Origin: http://{host}:{port}\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
                    ).encode()
                )
                answers[host] = s.recv(200).split(b"\r\n")[0].decode()
    assert " 101 " not in answers["evil.example"], answers
    assert " 101 " in answers["127.0.0.1"], answers


# --------------------------------------------- issue 9: text stays text in every output (property)

import csv as _csv  # noqa: E402
import html as _html  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

import geopandas as gpd  # noqa: E402
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from shapely.geometry import box  # noqa: E402

from dashboard import export  # noqa: E402
from dashboard.claims import check_claims  # noqa: E402
from dashboard.control import resolve  # noqa: E402
from dashboard.testing import tiny_gazetteer  # noqa: E402
from dashboard.yamlnodes import FORBIDDEN  # noqa: E402

PAYLOADS = [
    "{{ 7*7 }}",
    "{#",
    "{{",
    "{% for x in range(3) %}",
    "#}",
    "{{ cycler.__init__.__globals__ }}",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!--",
    "]]>",
    "&amp;",
    "**bold** _it_ `code` # head",
    "[site](https://evil.example)",
    "![t](http://127.0.0.1:8799/x.png)",
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1+1",
    "a\nb",
    "\r\n",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "'",
    '"',
    "\\",
    "${x}",
    "%s",
    "شمال",
    "😀",
]
# Any character YAML takes (raw or escaped) and the checker allows.
_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs",)).filter(lambda c: not FORBIDDEN.search(c))
TEXT = (
    st.lists(st.one_of(st.sampled_from(PAYLOADS), st.text(_CHAR, max_size=6)), min_size=1, max_size=4)
    .map("".join)
    .filter(lambda t: 0 < len(t) <= 200)
)
URLS = st.sampled_from(
    [
        'https://example.org/?q="><script>alert(1)</script>',
        "https://example.org/{{7*7}}",
        "https://example.org/=1+1",
        "https://e.example/'onmouseover=alert(1)",
        "http://example.net/a&b<c>",
    ]
)


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back exactly (escapes for the rest)."""
    out = []
    for c in text:
        code = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= code < 0x7F or (code >= 0xA0 and c.isprintable()):
            out.append(c)
        else:
            out.append(
                f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
            )
    return '"' + "".join(out) + '"'


def hostile_yaml(text: str, url: str) -> bytes:
    """A valid claims file (fixture province XX01) with ``text`` in every free-text field."""
    t, u = yaml_quoted(text), yaml_quoted(url)
    return f"""\
version: 1
region: {{province: XX01, name: {t}}}
sides:
  red: {{label: {t}, color: "#D55E00"}}
  blue: {{label: Blue, color: "#0072B2"}}
sources:
  ann: {{name: {t}, side: red, url: {u}, note: {t}}}
  bob: {{name: {t}, side: independent}}
claims:
  - id: a1
    date: 2021-09-05
    source: ann
    via: bob
    url: {u}
    archived_url: {u}
    quote: {t}
    note: {t}
    date_note: {t}
    holder: red
    districts: [North, South]
  - {{id: b1, date: 2021-09-04, source: bob, holder: blue, districts: [South], quote: {t}}}
""".encode()


TINY_DISTRICTS = gpd.GeoDataFrame(
    {"pcode": ["XX0101", "XX0102", "XX0103"], "name": ["North", "South", "East"]},
    geometry=[box(0, 1, 1, 2), box(0, 0, 1, 1), box(1, 0, 2, 2)],
    crs="EPSG:4326",
)


def hostile_claims(text: str, url: str):
    claims, problems = check_claims(hostile_yaml(text, url), gazetteer_for=lambda p: tiny_gazetteer())
    assert problems == [], [str(p) for p in problems]
    assert claims.claims[0].quote == text and claims.sources["ann"].name == text
    assert claims.sides["red"].label == text
    return claims


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings_in(k), *strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def neutral(text: str) -> str:
    """The documented CSV form: a ' in front of a formula prefix, at the start and after each LF."""
    text = "'" + text if text.startswith(export.FORMULA_PREFIXES) else text
    return re.sub(r"\n(?=[=+\-@\t\r])", "\n'", text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, url=URLS)
@example(text="{{ 7*7 }}", url="https://example.org/{{7*7}}")
@example(text="\r=1+1", url="https://example.org/=1+1")
@example(text="\r\n=1+1", url="https://example.org/")
@example(text="</script><script>alert(1)</script>", url='https://example.org/?q="><script>alert(1)</script>')
def test_text_comes_out_of_csv_json_and_geojson_as_it_went_in(text, url):
    claims = hostile_claims(text, url)
    snapshot = resolve(claims, view="combined", on="2021-09-05")
    # JSON and GeoJSON: the same strings, exactly.
    for document in (
        json.loads(export.snapshot_json(snapshot, claims)),
        json.loads(export.snapshot_geojson(snapshot, TINY_DISTRICTS, claims)),
    ):
        records = (
            document["districts"]
            if "districts" in document
            else [f["properties"] for f in document["features"]]
        )
        north, south = records[0], records[1]
        assert (north["sources"], south["sources"]) == (text, f"{text}; {text}")  # by name
        by_id = {c["id"]: c for c in north["claims"]}
        assert (by_id["a1"]["quote"], by_id["a1"]["source"], by_id["a1"]["via"], by_id["a1"]["url"]) == (
            text,
            text,
            text,
            url,
        )
    # CSV: one row per district, whatever the text; the text back, behind ' for a formula.
    csv_text = export.snapshot_csv(snapshot, claims)
    rows = list(_csv.DictReader(io.StringIO(csv_text, newline="")))
    assert [r["pcode"] for r in rows] == ["XX0101", "XX0102", "XX0103"]
    assert (rows[0]["sources"], rows[1]["sources"]) == (neutral(text), neutral(f"{text}; {text}"))
    assert not any(line.startswith(export.FORMULA_PREFIXES) for line in csv_text.split("\n"))


class _Scripts(HTMLParser):
    """Every <script> of a page as a browser splits it: (type, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[list[str]] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append([dict(attrs).get("type") or "", ""])
            self._in = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.scripts[-1][1] += data


def scripts_of(page: str) -> list[list[str]]:
    parser = _Scripts()
    parser.feed(page)
    return parser.scripts


@pytest.fixture(scope="module")
def plain_map_scripts():
    claims = hostile_claims("plain words", "https://example.org/")
    page = export.map_html(resolve(claims, view="combined", on="2021-09-05"), TINY_DISTRICTS, claims)
    return scripts_of(page)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=TEXT, url=URLS)
@example(text="{{ 7*7 }}", url="https://example.org/{{7*7}}")
@example(text="{# an unclosed comment", url="https://example.org/")
@example(text="an unclosed {{ expression", url="https://example.org/")
@example(text="</script><script>alert(1)</script>", url='https://example.org/?q="><script>alert(1)</script>')
def test_text_reaches_the_map_page_as_data_never_as_template_or_markup(plain_map_scripts, text, url):
    claims = hostile_claims(text, url)
    page = export.map_html(resolve(claims, view="combined", on="2021-09-05"), TINY_DISTRICTS, claims)
    scripts = scripts_of(page)
    # No script element was added or cut short by the text: the same scripts as a plain page.
    assert [kind for kind, _ in scripts] == [kind for kind, _ in plain_map_scripts]
    data = [json.loads(body) for kind, body in scripts if kind == "application/json"]
    assert data, "the page carries its data as JSON"
    found = strings_in(data)
    assert text in found and url in found  # the quote and names, exactly as written
    for kind, body in scripts:
        if kind != "application/json":
            assert "alert(1)" not in body
    # The side label in the legend: escaped HTML (or, in a new engine, in the JSON data).
    assert _html.escape(text) in page or found.count(text) > 1
    if "{{ 7*7 }}" in text and "49" not in text:
        assert '"49"' not in page and ">49<" not in page
