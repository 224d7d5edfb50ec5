"""dashboard.page: the page's pure helpers (names, days, escaping, the chart's spec, the pick)."""

from __future__ import annotations

import dataclasses
import json
import re
import types

import pandas as pd
import pyarrow as pa
import pytest

from dashboard import page
from dashboard.encoding import HATCHES
from dashboard.testing import tiny_claims
from dashboard.voices import who_says_what

HOSTILE = (
    "Taliban ![t](http://127.0.0.1:8799/x.png) [site](https://evil.example) {{ 7*7 }} "
    "$x$ :material/home: :smile: :red[r] <img src=x> **b** a@b.co www.x.org \\ `c`"
)


def claims(rows=None):
    return tiny_claims(
        rows
        if rows is not None
        else [
            ("2021-09-03", "red", "red", ["North", "South"]),
            ("2021-09-05", "blue", "blue", ["North"]),
            ("2021-09-05", "press", "contested", ["East"]),
            ("2021-09-08", "red", "red", ["North"]),
        ]
    )


# -- the region and file names -------------------------------------------------------------------


def test_region_name_prefers_the_file_then_the_boundary_data_then_the_code(monkeypatch):
    cs = claims()
    frame = pd.DataFrame({"province_name": ["Baghlan", "Baghlan"]})
    monkeypatch.delattr(page.boundaries, "region_name", raising=False)
    assert page.region_name(cs) == "XX01"
    assert page.region_name(cs, frame) == "Baghlan"
    assert page.region_name(dataclasses.replace(cs, region_name="Andarab valley"), frame) == "Andarab valley"
    assert page.region_name(dataclasses.replace(cs, province="AF")) == "Afghanistan"
    monkeypatch.setattr(page.boundaries, "region_name", lambda code: f"Name of {code}", raising=False)
    assert page.region_name(cs, frame) == "Name of XX01"


def test_file_names_come_from_the_region_and_are_safe():
    assert page.file_stem("Baghlan", "taliban", "2021-09-05") == "baghlan-taliban-2021-09-05"
    assert page.file_stem("../../etc/passwd", "x", "2021-09-05") == "etc-passwd-x-2021-09-05"
    assert page.slug("پنجشیر") == "region"


# -- days ------------------------------------------------------------------------------------------


def test_days_span_first_to_last_claim_and_empty_is_empty():
    assert page.days(claims())[0] == "2021-09-03" and page.days(claims())[-1] == "2021-09-08"
    assert len(page.days(claims())) == 6
    assert page.days(claims([])) == []


def test_opening_day_has_claims_in_the_view():
    cs = claims()
    assert page.opening_day(cs, "blue") == "2021-09-05"
    assert page.opening_day(cs, "red") == "2021-09-03"  # equal counts: the earliest
    assert page.opening_day(cs, "independent") == "2021-09-05"
    assert page.opening_day(cs, "combined") == "2021-09-05"
    assert page.opening_day(claims([]), "red") is None
    # A view with no claim at all opens on the busiest day of any view.
    only_red = claims([("2021-09-03", "red", "red", ["North"])])
    assert page.opening_day(only_red, "blue") == "2021-09-03"


def test_neighbour_claim_days():
    cs = claims()
    assert page.neighbour_claim_day(cs, "red", "2021-09-05", +1) == "2021-09-08"
    assert page.neighbour_claim_day(cs, "red", "2021-09-05", -1) == "2021-09-03"
    assert page.neighbour_claim_day(cs, "red", "2021-09-08", +1) is None


# -- text shown literally ------------------------------------------------------------------------


def test_markdown_text_escapes_every_markdown_construct():
    out = page.markdown_text(HOSTILE)
    # Every ASCII punctuation character is escaped; nothing else changes but the joiners.
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", out).replace(page.WORD_JOINER, "") == HOSTILE
    punctuation = re.compile(r"[!-/:-@\[-`{-~]")
    i = 0
    while i < len(out):  # every punctuation character is escaped, every backslash escapes one
        if out[i] == "\\":
            assert punctuation.fullmatch(out[i + 1]), out[i : i + 2]
            i += 2
        else:
            assert not punctuation.fullmatch(out[i]), out[: i + 1]
            i += 1
    # Bare addresses are broken up so GitHub-flavoured Markdown cannot link them.
    for bare in ("http\\:", "https\\:", "www\\.", "a\\@"):
        assert bare not in out
    assert page.markdown_text("a\nb\r\n# c") == "a b \\# c"


def test_badges_and_panels_escape_claim_text():
    cs = claims()
    evil = dataclasses.replace(
        cs, sides={**cs.sides, "red": dataclasses.replace(cs.sides["red"], label=HOSTILE)}
    )
    for snippet in (
        page.badge(evil, "red"),
        page.legend(evil),
        page.counts_html(evil, {"red": 2}),
        page.district_panel(evil, "XX0101", view="red", on="2021-09-05"),
        page.claims_made(evil, list(evil.claims)),
    ):
        assert "<img" not in snippet and "{{ 7*7 }}" in snippet
        assert "&lt;img src=x&gt;" in snippet


def test_bad_colours_never_reach_a_style():
    cs = claims()
    bad = dataclasses.replace(
        cs,
        sides={**cs.sides, "red": dataclasses.replace(cs.sides["red"], color="red;background:url(http://x)")},
    )
    assert "url(" not in page.badge(bad, "red")


def test_contested_and_disputed_badges_are_hatched_as_on_the_map():
    cs = claims()
    for holder, (back, stripe, angle) in HATCHES.items():
        html = page.badge(cs, holder)
        assert f"repeating-linear-gradient({angle}deg, {stripe}" in html and back in html
    assert "repeating-linear-gradient" not in page.badge(cs, "red")


def test_district_panel_marks_the_claims_in_force_and_the_later_ones():
    cs = claims()
    html = page.district_panel(cs, "XX0101", view="red", on="2021-09-05")
    assert re.search(r'<li class="in-force" data-claim="c0">', html)
    assert re.search(r'<li class="later" data-claim="c3">', html)
    assert 'data-claim="c2"' in page.district_panel(cs, "XX0103", view="red", on="2021-09-03")
    assert "No claim names this district" in page.district_panel(
        dataclasses.replace(cs, claims=cs.claims[:2]), "XX0103", view="red", on="2021-09-03"
    )


# -- the chart -----------------------------------------------------------------------------------


def test_timeline_frame_counts_each_day_once_and_spans_the_slider():
    cs = claims()
    frame = page.timeline_frame(cs, "blue")
    assert frame["date"].is_unique
    assert str(frame["date"].iloc[0]) == page.days(cs)[0]  # starts at the slider's first day
    assert str(frame["date"].iloc[-1]) == page.days(cs)[-1]
    holders = list(cs.holders)
    assert (frame[holders].sum(axis=1) == len(cs.districts)).all()  # never more than the districts
    # The last change on the last day: no second row for that day (the double count of issue 10).
    last_day = page.timeline_frame(cs, "red")
    assert list(last_day["date"].astype(str)).count("2021-09-08") == 1


def _dicts(spec):
    if isinstance(spec, dict):
        yield spec
        for value in spec.values():
            yield from _dicts(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _dicts(value)


def _units(spec):
    """Every unit spec (with a mark) in a Vega-Lite spec."""
    if isinstance(spec, dict):
        if "mark" in spec:
            yield spec
        for value in spec.values():
            yield from _units(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _units(value)


def test_chart_spec_y_is_the_district_count_and_x_the_slider_range():
    cs = claims()
    spec = page.timeline_chart(cs, view="red", key_dates=page.claim_days(cs, "red"))
    text = json.dumps(spec, default=lambda table: table.to_pylist())  # datasets: Arrow tables
    assert '"domain": [0, 3]' in text  # 3 districts, never 6
    ends = {
        f"{d['year']}-{d['month']:02d}-{d['date']:02d}"
        for d in _dicts(spec)
        if d.get("utc") is True and "year" in d
    }
    assert ends == {page.days(cs)[0], page.days(cs)[-1]}  # the slider's range, not the view's
    assert "datasets" in spec and "data" not in spec  # the main data is the rule's date
    rules = [u for u in _units(spec) if u["mark"].get("type") == "rule"]
    assert len(rules) == 1 and "data" not in rules[0]
    assert "86400000" in text  # no tick closer than a day


def test_chart_draws_contested_and_disputed_with_stripes():
    cs = claims()
    spec = page.timeline_chart(cs, view="combined", key_dates=[])
    # Each hatched layer names a gradient parameter (built once, not per data point) whose
    # stops are a dataset of the chart (Arrow, not hundreds of JSON objects in the spec).
    gradients = {p["name"]: p["expr"] for p in spec["params"] if p["name"].startswith("hatch_")}
    fills = [u["mark"].get("fill") for u in _units(spec) if isinstance(u["mark"].get("fill"), dict)]
    assert fills and {f["expr"] for f in fills} == set(gradients)
    for expr in gradients.values():
        stops = re.fullmatch(
            r"\{gradient: 'linear', x1: [01], y1: 0, x2: [01], y2: 1, stops: data\('(\w+)'\)\}", expr
        )
        table = spec["datasets"][stops.group(1)]
        assert table.column_names == ["offset", "color"] and table.num_rows >= 4 * 100
        assert set(table.column("color").to_pylist()) & {stripe for _, stripe, _ in HATCHES.values()}
    readers = [u for u in _units(spec) if u.get("data", {}).get("name", "").startswith("stripes_")]
    assert len(readers) == len(gradients) and all(u["transform"] == [{"filter": "false"}] for u in readers)
    filters = json.dumps([u.get("transform") for u in _units(spec)])
    assert "contested" in filters


def test_chart_has_focus_and_context_on_long_files():
    long_file = claims(
        [
            ("2021-01-01", "red", "red", ["North"]),
            ("2021-06-01", "red", "red", ["South"]),
            ("2021-06-02", "red", "red", ["East"]),
            ("2021-12-31", "red", "red", ["East"]),
        ]
    )
    window = page.busiest_window(long_file, "red")
    assert window is not None and window[0] <= "2021-06-01" <= window[1]
    spec = page.timeline_chart(long_file, view="red", key_dates=[], window=window)
    assert len(spec["vconcat"]) == 2
    text = json.dumps(spec, default=lambda table: table.to_pylist())  # datasets: Arrow tables
    # The detail's span is the brush's, else the slider's range (never the data's extent).
    assert '"domainRaw": {"expr": "brush[\\"date\\"]"}' in text
    assert '"name": "brush"' in text and '"name": "pick"' in text
    assert page.busiest_window(claims(), "red") is None  # a short file: all of it at once


def test_picked_date_reads_milliseconds_and_strings():
    assert page.picked_date({"selection": {"pick": [{"date": 1630800000000}]}}) == "2021-09-05"
    assert page.picked_date({"selection": {"pick": [{"date": "2021-09-05T00:00:00"}]}}) == "2021-09-05"
    assert page.picked_date(None) is None


@pytest.fixture
def session(monkeypatch):
    state = types.SimpleNamespace()
    store: dict = {}

    class State(dict):
        __getattr__ = dict.get

        def __setattr__(self, key, value):
            self[key] = value

    store = State()
    state.session_state = store
    monkeypatch.setattr(page, "st", state)
    return store


def test_a_pick_is_taken_once_and_the_chart_starts_anew(session):
    assert page.chart_key() == "chart-0"
    session["chart-0"] = {"selection": {"pick": [{"date": 1630800000000}]}}
    page.on_chart_pick()
    assert page.take_chart_pick() == "2021-09-05"
    assert page.take_chart_pick() is None  # once
    assert page.chart_key() == "chart-1"  # a new chart: no selection, so the same tick picks again
    session["chart-1"] = {"selection": {"pick": [{"date": 1630800000000}]}}
    page.on_chart_pick()
    assert page.take_chart_pick() == "2021-09-05" and page.chart_key() == "chart-2"
    session["chart-2"] = {"selection": {"pick": []}}  # a click beside the ticks: nothing
    page.on_chart_pick()
    assert page.take_chart_pick() is None and page.chart_key() == "chart-2"


def test_chart_window_keeps_its_span_after_a_pick_inside_it(session):
    long_file = claims(
        [
            ("2021-01-01", "red", "red", ["North"]),
            ("2021-06-01", "red", "red", ["South"]),
            ("2021-12-31", "red", "red", ["East"]),
        ]
    )
    first = page.chart_window(long_file, "red")
    session["chart_centre"] = first[0]
    assert page.chart_window(long_file, "red") == first
    session["chart_centre"] = "2021-12-30"
    moved = page.chart_window(long_file, "red")
    assert moved[0] <= "2021-12-30" <= moved[1]


def test_methodology_is_read_from_docs():
    text = page.methodology()
    assert text is None or "#" in text


def test_voice_columns_without_any_link_and_with_one_text_repeated():
    cs = claims([("2021-09-03", "red", "red", ["North", "South", "East"])])
    table, config = page.voice_columns(cs, who_says_what(cs, "2021-09-03"))
    assert table.column("Red: link").null_count == len(cs.districts)  # no address: empty cells
    holders = table.column("Red: holder")
    assert pa.types.is_dictionary(holders.type) and holders.to_pylist() == ["Red"] * 3
    assert table.column_names[0] == "District" and "pcode" not in table.column_names
    assert isinstance(config["Red: link"], dict)


def test_the_pages_map_carries_the_sourced_place_markers():
    """The page's map draws the places with a sourced point, as the published site does."""
    claims = page.load(page.claims_path()).claims
    data = json.loads(page.map_data(claims.digest, claims, page.districts(claims.province)))
    assert sorted(p["name"] for p in data["places"]) == ["Khawak Pass", "Provincial centre"]
