"""dashboard.state.step: the page's state from the URL, the map, the chart and the select box."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.state import MapState, Options, district_pcode, repair, step

VIEWS = ["taliban", "nrf", "independent", "combined"]
DAYS = [f"2021-09-{d:02d}" for d in range(1, 11)]
DISTRICTS = {"AF0801": "Bazarak", "AF0803": "Dara", "AF0807": "Paryan"}
OPTIONS = Options(VIEWS, DAYS, DISTRICTS, default_date="2021-09-05")


def first(**query):
    return step(None, OPTIONS, query=query)


def report(previous, n, **changes):
    """What the map reports after the person changed ``changes`` (its n-th report)."""
    return {**previous.state.as_dict(), **changes, "stamp": f"m:{n}"}


# -- The URL, on the first run ------------------------------------------------------------------
def test_the_url_sets_view_date_and_district():
    out = first(view="nrf", date="2021-09-06", district="AF0807")
    assert out.state == MapState("nrf", "2021-09-06", "AF0807")
    assert out.ignored == []
    assert out.push == {
        "seq": 1,
        "state": {"view": "nrf", "date": "2021-09-06", "district": "AF0807", "compare": None},
    }
    assert out.state.query() == {"view": "nrf", "date": "2021-09-06", "district": "AF0807"}


def test_no_url_gives_the_defaults():
    out = first()
    assert out.state == MapState("taliban", "2021-09-05")
    assert out.ignored == [] and out.push["seq"] == 1


def test_a_district_by_name_in_any_case():
    assert first(district="Dara").state.district == "AF0803"
    assert first(district="paryan").state.district == "AF0807"
    assert first(district="af0801").state.district == "AF0801"
    assert first(district="Dara").ignored == []


def test_each_bad_url_value_is_named_with_why():
    out = first(view="nobody", date="2021-9-6", district="Kabul", compare="x")
    assert out.state == MapState("taliban", "2021-09-05")
    assert out.ignored == [
        "?view=nobody: not a view of these claims (taliban, nrf, independent, combined); showing taliban",
        "?date=2021-9-6: not a day between 2021-09-01 and 2021-09-10; showing 2021-09-05",
        "?district=Kabul: not a district of these claims",
        "?compare=x: not another view of these claims",
    ]


def test_the_url_values_not_used_are_said_until_the_state_changes():
    out = first(view="nobody")
    said = out.ignored
    out = step(out.session, OPTIONS, map_state=None)  # a rerun the person did not cause
    assert out.ignored == said
    out = step(out.session, OPTIONS, map_state={**out.state.as_dict(), "stamp": "a"})  # no change
    assert out.ignored == said
    out = step(out.session, OPTIONS, map_state={**out.state.as_dict(), "date": "2021-09-06", "stamp": "b"})
    assert out.ignored == []


def test_a_day_outside_the_range_goes_to_the_nearest_end():
    out = first(date="2022-01-01")
    assert out.state.date == "2021-09-10"
    assert out.ignored == [
        ("?date=2022-01-01: not a day between 2021-09-01 and 2021-09-10; showing 2021-09-10")
    ]
    assert first(date="1999-01-01").state.date == "2021-09-01"


def test_a_name_that_two_districts_share_asks_for_a_p_code():
    pcode, why = district_pcode("Dara", {"AF0803": "Dara", "AF1203": "Dara"})
    assert pcode is None and "AF0803, AF1203" in why


def test_hostile_url_values_are_shown_escaped_and_bounded():
    out = first(view="<script>\x1b[31m" + "x" * 200, district="\u202eevil\n")
    text = "\n".join(out.ignored)
    assert "\x1b" not in text and "\\x1b" in text
    assert "\n" not in out.ignored[1] and "\\u202e" in out.ignored[1]
    assert len(out.ignored[0]) < 200


def test_compare_from_the_url():
    assert first(view="nrf", compare="taliban").state.compare == "taliban"
    assert first(view="nrf", compare="nrf").state.compare is None


def test_the_url_is_read_on_the_first_run_only():
    out = first(view="nrf")
    again = step(out.session, OPTIONS, query={"view": "combined"})
    assert again.state.view == "nrf"


# -- The map: its own changes are taken, never pushed back ------------------------------------
def test_the_maps_changes_are_taken_and_not_echoed():
    out = first(view="taliban", date="2021-09-05")
    for n, change in enumerate(
        [
            {"date": "2021-09-06"},
            {"view": "nrf"},
            {"district": "AF0801"},
            {"compare": "taliban"},
            {"district": None},
        ],
        start=1,
    ):
        out = step(out.session, OPTIONS, map_state=report(out, n, **change))
        assert out.push["seq"] == 1  # nothing is sent back
    assert out.state == MapState("nrf", "2021-09-06", None, "taliban")


def test_an_unchanged_report_is_read_once():
    out = first()
    seen = report(out, 1, date="2021-09-07")
    out = step(out.session, OPTIONS, map_state=seen)
    out = step(out.session, OPTIONS, map_state=seen, select="AF0801")  # Python moves on: a push
    assert out.push["seq"] == 2
    out = step(out.session, OPTIONS, map_state=seen, select="AF0801")  # the same old report
    assert out.state == MapState("taliban", "2021-09-07", "AF0801")
    assert out.push["seq"] == 2


def test_a_report_that_returns_to_an_earlier_state_is_taken():
    out = first(date="2021-09-05")
    out = step(out.session, OPTIONS, map_state=report(out, 1, date="2021-09-06"))
    seen = report(out, 1)
    out = step(out.session, OPTIONS, map_state=seen, chart_pick="2021-09-09")  # Python: pushed
    assert (out.state.date, out.push["seq"]) == ("2021-09-09", 2)
    out = step(out.session, OPTIONS, map_state=report(out, 2, date="2021-09-06"), chart_pick="2021-09-09")
    assert out.state.date == "2021-09-06" and out.push["seq"] == 2


def test_a_maps_state_as_a_map_state_object():
    out = first()
    out = step(out.session, OPTIONS, map_state=MapState("nrf", "2021-09-02", stamp="a:1"))
    assert out.state == MapState("nrf", "2021-09-02")


def test_invalid_map_values_are_ignored_and_the_map_is_corrected():
    out = first(view="nrf", date="2021-09-05")
    out = step(out.session, OPTIONS, map_state=report(out, 1, view="zzz", date="1999-01-01", district="XX"))
    assert out.state == MapState("nrf", "2021-09-05")
    assert out.push["seq"] == 1  # the map was never moved: nothing to correct


def test_a_remounted_map_is_told_the_state_again():
    out = first()
    out = step(out.session, OPTIONS, map_state=report(out, 1, date="2021-09-08"))
    out = step(out.session, OPTIONS, map_state=None)  # the element was rebuilt: no state
    assert out.push == {"seq": 2, "state": out.state.as_dict()}
    assert out.state.date == "2021-09-08"


# -- Python's changes: pushed once each ---------------------------------------------------------
def test_a_chart_pick_is_pushed_once():
    out = first()
    out = step(out.session, OPTIONS, chart_pick="2021-09-09")
    assert out.state.date == "2021-09-09" and out.push["seq"] == 2
    out = step(out.session, OPTIONS, chart_pick="2021-09-09")  # the same pick, still there
    assert out.push["seq"] == 2
    out = step(out.session, OPTIONS, chart_pick="1999-01-01")  # not a day: ignored
    assert out.state.date == "2021-09-09" and out.push["seq"] == 2


def test_a_chart_event_is_taken_each_time_even_the_same_date():
    out = first()
    out = step(out.session, OPTIONS, chart_event="2021-09-09")
    assert (out.state.date, out.push["seq"]) == ("2021-09-09", 2)
    out = step(out.session, OPTIONS, map_state=report(out, 1, date="2021-09-02"))
    out = step(
        out.session, OPTIONS, map_state=report(out, 1, date="2021-09-02"), chart_event="2021-09-09"
    )  # the same date clicked again
    assert (out.state.date, out.push["seq"]) == ("2021-09-09", 3)


def test_an_opening_day_per_view():
    options = Options(VIEWS, DAYS, DISTRICTS, default_date={"taliban": "2021-09-03", "nrf": "2021-09-07"})
    assert step(None, options, query={"view": "nrf"}).state.date == "2021-09-07"
    assert step(None, options).state.date == "2021-09-03"
    assert step(None, options, query={"view": "combined"}).state.date == "2021-09-10"  # the last


def test_the_select_box_is_pushed_and_follows_the_map():
    out = first()
    out = step(out.session, OPTIONS, select=None)  # the box as first drawn: no change
    assert out.push["seq"] == 1
    out = step(out.session, OPTIONS, select="AF0807")
    assert out.state.district == "AF0807" and out.push["seq"] == 2
    # A click on the map: the box (written by the page from the state) is not a change.
    out = step(out.session, OPTIONS, map_state=report(out, 1, district="AF0801"), select="AF0807")
    assert out.state.district == "AF0801" and out.push["seq"] == 2
    out = step(out.session, OPTIONS, select="AF0801")
    assert out.push["seq"] == 2
    out = step(out.session, OPTIONS, select=None)  # cleared in the box
    assert out.state.district is None and out.push["seq"] == 3


# -- A claims edit ------------------------------------------------------------------------------
def test_an_edit_that_removes_the_view_day_or_district_repairs_and_pushes():
    out = first(view="nrf", date="2021-09-10", district="AF0807", compare="taliban")
    edited = Options(["front", "taliban"], DAYS[:5], {"AF0801": "Bazarak"})
    out = step(out.session, edited)
    assert out.state == MapState("front", "2021-09-05", None, "taliban")
    assert out.push == {"seq": 2, "state": out.state.as_dict()}
    assert step(out.session, edited).push["seq"] == 2  # once


def test_repair_of_a_date_that_is_not_a_date():
    assert repair(MapState("taliban", "garbage"), OPTIONS).date in DAYS


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["map", "chart", "select", "none"]),
            st.sampled_from(VIEWS + ["bad"]),
            st.sampled_from(DAYS + ["bad"]),
            st.sampled_from([*DISTRICTS, None, "bad"]),
        ),
        max_size=12,
    )
)
def test_any_sequence_keeps_a_valid_state_and_pushes_only_pythons_changes(events):
    out = first()
    for n, (kind, view, day, district) in enumerate(events):
        before = out.session
        if kind == "map":
            out = step(
                before,
                OPTIONS,
                map_state={"view": view, "date": day, "district": district, "compare": None, "stamp": str(n)},
                select=before.state.district,
            )
            assert out.push == before.push or before.shown != out.state
        elif kind == "chart":
            out = step(before, OPTIONS, chart_pick=day, select=before.state.district)
        elif kind == "select":
            out = step(before, OPTIONS, select=district)
        else:
            out = step(before, OPTIONS, select=before.state.district)
            assert out.push == before.push
        state = out.state
        assert state.view in VIEWS and state.date in DAYS
        assert state.district is None or state.district in DISTRICTS
        assert out.session.shown == state  # the map is told whatever it does not show
        assert out.push["seq"] >= before.seq
