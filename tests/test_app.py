"""The page's logic through streamlit.testing.v1.AppTest (no browser)."""

from __future__ import annotations

import re
import textwrap

from streamlit.testing.v1 import AppTest

from dashboard import page
from dashboard.claims import read_claims
from dashboard.control import resolve
from tests.apptest import on_map, run, shown


def map_element(at: AppTest):
    """The map component's element (AppTest shows it as an unknown element)."""
    return next(e for e in at.get("bidi_component") if e.key == "map")


def unescape(markdown: str) -> str:
    """What a reader sees of escaped Markdown (backslashes and word joiners dropped)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def heading(at) -> str:
    return next(
        unescape(h.value) for h in at.subheader if re.search(r"(claims|combined|reports)\\?, ", h.value)
    )


def counts(at) -> list[tuple[int, str]]:
    """``(districts, holder)`` of the counts beside the map, in the page's order."""
    found = [html.value for html in at.get("html") if 'class="claims-panel counts"' in html.value]
    return (
        [
            (int(n), h)
            for n, h in re.findall(r'<b>(\d+)</b> × <span class="badge" data-holder="([^"]+)"', found[0])
        ]
        if found
        else []
    )


def expected_counts(claims, view, on) -> list[tuple[int, str]]:
    holders = list(resolve(claims, view=view, on=on).holders().values())
    return [(holders.count(h), h) for h in claims.holders if holders.count(h)]


def test_page_runs_without_exceptions(claims_file):
    at = run()
    assert not at.exception
    assert (shown(at).view, shown(at).date) == ("taliban", "2021-09-05")  # the day with most claims
    assert at.session_state["map_session"].push == {"seq": 1, "state": shown(at).as_dict()}


def test_a_new_visitor_gets_the_map_first_and_the_rest_once_it_is_drawn(claims_file):
    at = run({"view": "nrf", "date": "2021-09-06"}, drawn=False)
    assert not at.exception
    assert map_element(at) and at.title and "nrf" in str(at.query_params["view"])
    assert not at.get("vega_lite_chart") and not at.dataframe and not counts(at)
    # The map says it is drawn (the component's state): that rerun brings the rest.
    at.session_state["map"] = {"drawn": True}
    at.run()
    assert at.get("vega_lite_chart") and at.dataframe and counts(at)
    assert (shown(at).view, shown(at).date) == ("nrf", "2021-09-06")
    assert at.session_state["map_session"].push["seq"] == 1  # nothing new to tell the map


def test_view_toggle_and_slider_change_the_snapshot(claims_file):
    claims = read_claims(claims_file)
    at = run({"view": "taliban", "date": "2021-09-05"})
    assert counts(at) == expected_counts(claims, "taliban", "2021-09-05")
    on_map(at, view="nrf")
    assert not at.exception
    assert heading(at).startswith("National Resistance Front claims")
    assert counts(at) == expected_counts(claims, "nrf", "2021-09-05")
    on_map(at, date="2021-09-06")
    assert counts(at) == expected_counts(claims, "nrf", "2021-09-06")
    on_map(at, view="combined")
    assert counts(at) == expected_counts(claims, "combined", "2021-09-06")
    # What came from the map is not pushed back to it.
    assert at.session_state["map_session"].push["seq"] == 1


def test_the_map_element_does_not_change_while_the_person_scrubs(claims_file):
    """Its data and scripts are the same message on every rerun, so Streamlit sends the
    browser a reference to its cached copy (global.minCachedMessageSize) instead of them."""
    at = run({"view": "taliban", "date": "2021-09-05"})
    before = map_element(at).proto.SerializeToString()
    on_map(at, date="2021-09-06")
    on_map(at, view="nrf")
    assert map_element(at).proto.SerializeToString() == before
    at.selectbox(key="district").set_value("AF0801").run()  # a change from Python: a push
    assert map_element(at).proto.SerializeToString() != before


def test_query_parameters_round_trip(claims_file):
    at = run({"view": "independent", "date": "2021-09-06", "district": "AF0807"})
    assert (shown(at).view, shown(at).date) == ("independent", "2021-09-06")
    assert at.selectbox(key="district").value == "AF0807"
    assert any("Paryan: every claim" in unescape(m.value) for m in at.markdown)
    on_map(at, view="nrf")
    at.selectbox(key="district").set_value("AF0801").run()
    assert at.session_state["map_session"].push == {"seq": 2, "state": shown(at).as_dict()}
    assert shown(at).district == "AF0801"
    assert "nrf" in str(at.query_params["view"])
    assert "AF0801" in str(at.query_params["district"])
    assert "2021-09-06" in str(at.query_params["date"])


def test_bad_query_parameters_fall_back_to_defaults(claims_file):
    at = run({"view": "<script>", "date": "1999-01-01", "district": "XX"})
    assert not at.exception
    assert shown(at).view == "taliban"
    assert at.selectbox(key="district").value is None
    ignored = at.code[0].value
    assert "?view=<script>: not a view" in ignored and "?district=XX: not a district" in ignored
    assert "?date=1999-01-01: not a day between" in ignored


def test_invalid_claims_file_shows_errors_and_keeps_the_last_good_data(claims_file):
    at = run({"view": "taliban", "date": "2021-09-05"})
    good = counts(at)
    text = claims_file.read_text(encoding="utf-8")
    claims_file.write_text(text.replace("holder: taliban", "holder: talibn", 1), encoding="utf-8")
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "1 problem" in errors and "last good version" in errors
    assert any(":" in c.value and "unknown holder 'talibn'" in c.value for c in at.code)
    assert counts(at) == good  # still the last good data

    claims_file.write_text(text, encoding="utf-8")  # fixed: recovers without a restart
    at.run()
    assert not at.error
    assert counts(at) == good


def test_broken_file_with_no_good_version_explains_what_to_fix(tmp_path, monkeypatch):
    broken = tmp_path / "never-good.yaml"
    broken.write_text("version: 1\nclaims: [\n", encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CLAIMS", str(broken))
    at = run()
    assert not at.exception
    assert "no earlier good version" in at.error[0].value
    assert "never-good.yaml:" in at.code[0].value
    assert at.info and "file:line" in at.info[0].value


def test_the_map_needs_no_shared_data(claims_file, tmp_path, monkeypatch):
    # A clone without ../shared: the committed web copy of the boundaries is all the page needs.
    monkeypatch.setattr("dashboard.boundaries.DEFAULT_DIR", tmp_path / "nowhere")
    monkeypatch.setenv("DASHBOARD_GEODATA", str(tmp_path / "also-nowhere"))
    claims_file.write_text(claims_file.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    at = run()
    assert not at.exception and not at.error
    assert heading(at)


def test_a_damaged_boundary_file_says_what_to_do(claims_file, tmp_path, monkeypatch):
    damaged = tmp_path / "districts.topojson"
    damaged.write_text('{"type": "Topology"', encoding="utf-8")
    monkeypatch.setattr("dashboard.boundaries.WEB_FILE", damaged)
    # Break the cache of boundary loads from earlier tests in this process.
    claims_file.write_text(claims_file.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    at = run()
    assert not at.exception
    assert "boundaries could not be found" in at.error[0].value
    assert str(damaged) in at.code[0].value and "geodata_build" in at.code[0].value


def test_a_date_step_moves_only_the_charts_rule(claims_file):
    """The chart's spec (and its areas and ticks) stay the same; only the rule's date, its main
    data, changes, so the browser moves the rule without building the chart again."""
    import io

    import pyarrow as pa

    def chart(at):
        proto = at.get("vega_lite_chart")[0].proto
        rule = pa.ipc.open_stream(io.BytesIO(proto.data.data)).read_pandas()
        return proto.spec, sorted((d.name, d.data.data) for d in proto.datasets), list(rule["date"])

    at = run({"view": "taliban", "date": "2021-09-05"})
    spec, datasets, rule = chart(at)
    assert rule == ["2021-09-05"]
    on_map(at, date="2021-09-06")
    assert chart(at) == (spec, datasets, ["2021-09-06"])
    on_map(at, view="nrf")
    assert chart(at)[1] != datasets  # another view: other areas and ticks


HOSTILE = (
    "Taliban ![t](http://127.0.0.1:8799/x.png) [site](https://evil.example) {{ 7*7 }} $x$ :material/home:"
)

BAGHLAN = textwrap.dedent("""\
    version: 1
    region: {province: AF09}
    sides:
      tal: {label: "%s", color: "#D55E00"}
      res: {label: Andarab resistance, color: "#0072B2"}
    sources:
      tal-spokesman: {name: "Spokesman [x](https://evil.example) <b>b</b>", side: tal}
      res-commander: {name: Local commander, side: res}
      wire: {name: A wire service, side: independent}
    claims:
      - {id: w0, date: 2021-08-10, source: wire, holder: tal, districts: [Doshi]}
      - {id: w1, date: 2021-08-11, source: wire, holder: tal, districts: [Nahrin]}
      - {id: t1, date: 2021-08-20, source: tal-spokesman, holder: tal, districts: [Pul-e-Khumri]}
      - {id: r1, date: 2021-08-21, source: res-commander, holder: res, districts: [Andarab]}
      - {id: r2, date: 2021-08-23, source: res-commander, holder: contested, districts: [Pul-e-Khumri]}
    """) % HOSTILE.replace('"', '\\"')


def baghlan(tmp_path, monkeypatch):
    path = tmp_path / "baghlan.yaml"
    path.write_text(BAGHLAN, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CLAIMS", str(path))
    return path


def markdown_texts(at) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer."""
    return [
        e.value for kind in ("title", "subheader", "markdown", "caption", "info") for e in getattr(at, kind)
    ]


def test_another_province_names_itself_and_opens_on_a_day_with_claims(tmp_path, monkeypatch):
    baghlan(tmp_path, monkeypatch)
    at = run()
    assert not at.exception
    assert unescape(at.title[0].value) == "Baghlan: who claimed which district"
    method = page.methodology()  # our own document about the Panjshir data set: not page text
    assert not any(
        "Panjshir" in unescape(t) or "Panjsher" in unescape(t)
        for t in markdown_texts(at)
        if t.strip() != method.strip()
    )
    # The first view (the first side) opens on its own busiest day, not on the wire's earlier one.
    assert (shown(at).view, shown(at).date) == ("tal", "2021-08-20")
    assert counts(at)[0] == (1, "tal")
    assert "Andarab resistance" in " ".join(unescape(c.value) for c in at.caption)


def test_claim_text_is_shown_literally_never_as_markdown(tmp_path, monkeypatch):
    baghlan(tmp_path, monkeypatch)
    at = run({"view": "tal", "date": "2021-08-20"})
    assert not at.exception
    texts = markdown_texts(at)
    shown = [t for t in texts if "7*7" in unescape(t)]
    assert shown  # the label is on the page (caption, heading)...
    for text in shown:  # ... and every Markdown construct in it is escaped
        assert HOSTILE in unescape(text)
        for construct in ("![", "](", "[site]", ":material/", "$x$", "{{", "http://", "https://"):
            assert construct not in text, (construct, text)
    heading_text = next(h.value for h in at.subheader if "7" in h.value)
    assert unescape(heading_text).startswith(HOSTILE)
    for html in at.get("html"):  # HTML parts: escaped by html.escape
        assert "<b>b</b>" not in html.value and 'evil.example">' not in html.value
    assert any("&lt;b&gt;b&lt;/b&gt;" in h.value for h in at.get("html"))
    table = at.dataframe[0].value  # st.dataframe shows text as text
    assert any(HOSTILE == v for v in table.iloc[:, 1])


def test_who_says_what_table_has_a_row_per_district_and_links(claims_file):
    claims = read_claims(claims_file)
    at = run({"view": "taliban", "date": "2021-09-06"})
    table = at.dataframe[0].value
    assert len(table) == len(claims.districts)
    assert table.columns[0] == "District"
    assert {f"{s.label}: holder" for s in claims.sides.values()} <= set(table.columns)
    assert "Combined: holder" in table.columns
    links = [v for c in table.columns if c.endswith(": link") for v in table[c] if isinstance(v, str)]
    assert links and all(v.startswith(("http://", "https://")) for v in links)


def test_an_empty_claims_list_never_crashes_the_page(tmp_path, monkeypatch):
    path = tmp_path / "empty.yaml"
    path.write_text(
        'version: 1\nregion: {province: AF09}\nsides:\n  a: {label: A, color: "#111111"}\n'
        "sources:\n  s: {name: S, side: a}\nclaims: []\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DASHBOARD_CLAIMS", str(path))
    at = run()
    assert not at.exception
    # Refused by the checker (a problem), or accepted and shown as an empty state.
    assert at.error or any("no claims yet" in unescape(i.value) for i in at.info)


def test_the_methodology_is_on_the_page(claims_file):
    at = run()
    assert any("method" in e.label for e in at.expander)
    # Sent only while open (its Markdown held the map's first paint back): opening it reruns.
    assert not any("contested" in m.value.lower() for m in at.markdown)
    at.session_state["method"] = True
    at.run()
    assert not at.exception
    assert any("contested" in m.value.lower() for m in at.markdown)
