"""Tests of dashboard.control: who holds each district, by view and date, and on whose word.

One table states the resolution rules on the three-district fixture of
:mod:`dashboard.testing` (North, South, East of the made-up province XX01); timelines and
the ledger's day-by-day history are checked against :func:`resolve`; and hypothesis checks
:func:`resolve` against the brute-force reference of ``tests/reference.py`` on random claim
sets.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.claims import Claim, check_claims, read_claims
from dashboard.control import COMBINED, district_timeline, ledger, resolve, timeline
from dashboard.testing import TINY_DISTRICTS, tiny_claims, tiny_gazetteer
from tests.reference import reference_resolve

N, S, E = "XX0101", "XX0102", "XX0103"  # North, South, East
PCODES = (N, S, E)
VIEWS = ("red", "blue", "independent", "combined")

# Header of a claims file on the fixture province, for the rules that need the checker
# (``all`` / ``except`` are resolved to P-codes by check_claims, not by resolve).
YAML_HEADER = """\
version: 1
region: {province: XX01}
sides: {red: {label: Red, color: "#D55E00"}, blue: {label: Blue, color: "#0072B2"}}
sources: {red: {name: Red, side: red}, blue: {name: Blue, side: blue},
          press: {name: Press, side: independent}}
claims:
"""


def from_yaml(claims_text: str):
    """A ClaimSet from the claims of a file on XX01, checked by check_claims."""
    claimset, problems = check_claims(
        (YAML_HEADER + claims_text).encode(), gazetteer_for=lambda province: tiny_gazetteer()
    )
    assert problems == [], [str(p) for p in problems]
    return claimset


def build(claims):
    return from_yaml(claims) if isinstance(claims, str) else tiny_claims(claims)


def case(name, claims, view, on, expected):
    """``expected``: ``{pcode: (holder, "id id ...")}`` with claim ids oldest first; others unknown."""
    return pytest.param(claims, view, on, expected, id=name)


RULES = [
    # -- latest wins ---------------------------------------------------------------------------
    case(
        "latest-wins",
        [("2021-09-03", "red", "red", ["North"]), ("2021-09-05", "red", "blue", ["North"])],
        "red",
        "2021-09-05",
        {N: ("blue", "c1")},
    ),
    case(
        "latest-wins-not-yet-made",
        [("2021-09-03", "red", "red", ["North"]), ("2021-09-05", "red", "blue", ["North"])],
        "red",
        "2021-09-04",
        {N: ("red", "c0")},
    ),
    case(
        "latest-by-date-not-by-file-position",
        [("2021-09-05", "red", "blue", ["North"]), ("2021-09-03", "red", "red", ["North"])],
        "red",
        "2021-09-05",
        {N: ("blue", "c0")},
    ),
    case(
        "latest-per-district",
        [("2021-09-03", "red", "red", ["North", "South"]), ("2021-09-05", "red", "blue", ["South"])],
        "red",
        "2021-09-05",
        {N: ("red", "c0"), S: ("blue", "c1")},
    ),
    case(
        "latest-wins-on-a-date-object",
        [("2021-09-03", "red", "red", ["North"]), ("2021-09-05", "red", "blue", ["North"])],
        "red",
        dt.date(2021, 9, 5),
        {N: ("blue", "c1")},
    ),
    # -- same date: the later in the file wins ---------------------------------------------------
    case(
        "same-date-later-in-file-wins",
        [("2021-09-05", "red", "red", ["North"]), ("2021-09-05", "red", "blue", ["North"])],
        "red",
        "2021-09-05",
        {N: ("blue", "c1")},
    ),
    case(
        "same-date-later-in-file-wins-reversed",
        [("2021-09-05", "red", "blue", ["North"]), ("2021-09-05", "red", "red", ["North"])],
        "red",
        "2021-09-05",
        {N: ("red", "c1")},
    ),
    case(
        "same-date-and-time-later-in-file-wins",
        [("2021-09-05T14:00", "red", "blue", ["North"]), ("2021-09-05T14:00", "red", "red", ["North"])],
        "red",
        "2021-09-05",
        {N: ("red", "c1")},
    ),
    case(
        "same-date-in-yaml",
        """\
  - {id: first, date: 2021-09-05, source: red, holder: red, districts: [North]}
  - {id: second, date: 2021-09-05, source: red, holder: blue, districts: [North]}
""",
        "red",
        "2021-09-05",
        {N: ("blue", "second")},
    ),
    # -- a time orders claims of the same date (a bare date is its first minute) ----------------
    case(
        "time-after-bare-date",
        [("2021-09-05T14:00", "red", "blue", ["North"]), ("2021-09-05", "red", "red", ["North"])],
        "red",
        "2021-09-05",
        {N: ("blue", "c0")},
    ),
    case(
        "time-orders-two-times",
        [("2021-09-05T09:00", "red", "blue", ["North"]), ("2021-09-05T08:00", "red", "red", ["North"])],
        "red",
        "2021-09-05",
        {N: ("blue", "c0")},
    ),
    case(
        "snapshot-before-the-time",
        [("2021-09-05T14:00", "red", "blue", ["North"]), ("2021-09-05", "red", "red", ["North"])],
        "red",
        "2021-09-05T12:00",
        {N: ("red", "c1")},
    ),
    case(
        "snapshot-at-the-time",
        [("2021-09-05T14:00", "red", "blue", ["North"]), ("2021-09-05", "red", "red", ["North"])],
        "red",
        "2021-09-05T14:00",
        {N: ("blue", "c0")},
    ),
    case(
        "time-in-yaml",
        """\
  - {id: afternoon, date: "2021-09-05T14:00", source: red, holder: blue, districts: [North]}
  - {id: morning, date: 2021-09-05, source: red, holder: red, districts: [North]}
""",
        "red",
        "2021-09-05",
        {N: ("blue", "afternoon")},
    ),
    # -- all / except (resolved by check_claims) -------------------------------------------------
    case(
        "all",
        """\
  - {id: a, date: 2021-09-05, source: red, holder: red, districts: all}
""",
        "red",
        "2021-09-05",
        {N: ("red", "a"), S: ("red", "a"), E: ("red", "a")},
    ),
    case(
        "all-except",
        """\
  - {id: a, date: 2021-09-05, source: red, holder: red, districts: all, except: [South]}
""",
        "red",
        "2021-09-05",
        {N: ("red", "a"), E: ("red", "a")},
    ),
    case(
        "all-except-by-alias",
        """\
  - {id: a, date: 2021-09-05, source: red, holder: red, districts: all, except: [Nord, East]}
""",
        "red",
        "2021-09-05",
        {S: ("red", "a")},
    ),
    case(
        "all-except-then-the-rest",
        """\
  - {id: a, date: 2021-09-03, source: red, holder: red, districts: all, except: [South]}
  - {id: b, date: 2021-09-04, source: red, holder: blue, districts: [South]}
  - {id: c, date: 2021-09-05, source: red, holder: blue, districts: all, except: [North]}
""",
        "red",
        "2021-09-05",
        {N: ("red", "a"), S: ("blue", "c"), E: ("blue", "c")},
    ),
    case(
        "except-leaves-the-excepted-untouched",
        """\
  - {id: a, date: 2021-09-03, source: red, holder: blue, districts: [South]}
  - {id: b, date: 2021-09-05, source: red, holder: red, districts: all, except: [South]}
""",
        "red",
        "2021-09-05",
        {N: ("red", "b"), S: ("blue", "a"), E: ("red", "b")},
    ),
    # -- combined: each voice's latest claim; agreement -> that holder, else disputed ------------
    case(
        "combined-agreement",
        [("2021-09-03", "red", "red", ["North"]), ("2021-09-05", "blue", "red", ["North"])],
        COMBINED,
        "2021-09-05",
        {N: ("red", "c0 c1")},
    ),
    case(
        "combined-agreement-with-press",
        [("2021-09-03", "red", "red", ["North"]), ("2021-09-04", "press", "red", ["North"])],
        COMBINED,
        "2021-09-05",
        {N: ("red", "c0 c1")},
    ),
    case(
        "combined-disagreement",
        [("2021-09-03", "red", "red", ["North"]), ("2021-09-05", "blue", "blue", ["North"])],
        COMBINED,
        "2021-09-05",
        {N: ("disputed", "c0 c1")},
    ),
    case(
        "combined-side-against-contested",
        [("2021-09-03", "red", "red", ["North"]), ("2021-09-04", "blue", "contested", ["North"])],
        COMBINED,
        "2021-09-05",
        {N: ("disputed", "c0 c1")},
    ),
    case(
        "combined-contested-against-press-side",
        [
            ("2021-09-03", "red", "contested", ["North"]),
            ("2021-09-03", "blue", "contested", ["North"]),
            ("2021-09-04", "press", "red", ["North"]),
        ],
        COMBINED,
        "2021-09-05",
        {N: ("disputed", "c0 c1 c2")},
    ),
    case(
        "combined-press-disagrees",
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-03", "blue", "red", ["North"]),
            ("2021-09-04", "press", "blue", ["North"]),
        ],
        COMBINED,
        "2021-09-05",
        {N: ("disputed", "c0 c1 c2")},
    ),
    case(
        "combined-one-voice",
        [("2021-09-03", "press", "blue", ["North"])],
        COMBINED,
        "2021-09-05",
        {N: ("blue", "c0")},
    ),
    case(
        "combined-one-voice-red",
        [("2021-09-03", "red", "red", ["North", "East"])],
        COMBINED,
        "2021-09-05",
        {N: ("red", "c0"), E: ("red", "c0")},
    ),
    case(
        "combined-uses-each-voice-latest",
        [
            ("2021-09-01", "red", "blue", ["North"]),
            ("2021-09-03", "blue", "red", ["North"]),
            ("2021-09-04", "red", "red", ["North"]),
        ],
        COMBINED,
        "2021-09-05",
        {N: ("red", "c1 c2")},
    ),
    case(
        "combined-agreement-on-contested",
        [("2021-09-03", "red", "contested", ["North"]), ("2021-09-04", "blue", "contested", ["North"])],
        COMBINED,
        "2021-09-05",
        {N: ("contested", "c0 c1")},
    ),
    case(
        "combined-agreement-reached-later",
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-03", "blue", "blue", ["North"]),
            ("2021-09-05", "blue", "red", ["North"]),
        ],
        COMBINED,
        "2021-09-04",
        {N: ("disputed", "c0 c1")},
    ),
    case(
        "combined-agreement-reached",
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-03", "blue", "blue", ["North"]),
            ("2021-09-05", "blue", "red", ["North"]),
        ],
        COMBINED,
        "2021-09-05",
        {N: ("red", "c0 c2")},
    ),
    case(
        "combined-same-minute-later-in-file",
        [
            ("2021-09-05", "red", "blue", ["North"]),
            ("2021-09-05", "blue", "red", ["North"]),
            ("2021-09-05", "red", "red", ["North"]),
        ],
        COMBINED,
        "2021-09-05",
        {N: ("red", "c1 c2")},
    ),
    # -- no claim: unknown -----------------------------------------------------------------------
    case("no-claims-at-all", [], "red", "2021-09-05", {}),
    case("no-claims-at-all-combined", [], COMBINED, "2021-09-05", {}),
    case(
        "no-claim-on-this-district",
        [("2021-09-03", "red", "red", ["North"])],
        "red",
        "2021-09-05",
        {N: ("red", "c0")},
    ),
    case("no-claim-in-this-view", [("2021-09-03", "red", "red", ["North"])], "blue", "2021-09-05", {}),
    # -- claims after the date are ignored ---------------------------------------------------------
    case("only-future-claims", [("2021-09-06", "red", "red", ["North"])], "red", "2021-09-05", {}),
    case(
        "future-claim-ignored",
        [("2021-09-03", "red", "red", ["North"]), ("2021-09-06", "red", "blue", ["North"])],
        "red",
        "2021-09-05",
        {N: ("red", "c0")},
    ),
    case(
        "future-claim-ignored-combined",
        [("2021-09-03", "red", "red", ["North"]), ("2021-09-06", "blue", "blue", ["North"])],
        COMBINED,
        "2021-09-05",
        {N: ("red", "c0")},
    ),
    case(
        "last-minute-of-the-day-counts",
        [("2021-09-05T23:59", "red", "red", ["North"])],
        "red",
        "2021-09-05",
        {N: ("red", "c0")},
    ),
    case(
        "next-day-midnight-ignored", [("2021-09-06T00:00", "red", "red", ["North"])], "red", "2021-09-05", {}
    ),
    # -- each view hears only its own sources; independent hears only independent ones ------------
    case(
        "independent-only-independent",
        [
            ("2021-09-03", "press", "blue", ["North"]),
            ("2021-09-04", "red", "red", ["North"]),
            ("2021-09-04", "blue", "red", ["South"]),
        ],
        "independent",
        "2021-09-05",
        {N: ("blue", "c0")},
    ),
    case(
        "side-view-ignores-press",
        [("2021-09-03", "press", "blue", ["North"]), ("2021-09-04", "red", "red", ["North"])],
        "red",
        "2021-09-05",
        {N: ("red", "c1")},
    ),
    case(
        "side-view-ignores-other-side",
        [("2021-09-03", "blue", "blue", ["North"]), ("2021-09-04", "red", "red", ["South"])],
        "blue",
        "2021-09-05",
        {N: ("blue", "c0")},
    ),
    case(
        "side-may-concede",
        [("2021-09-03", "red", "blue", ["North"])],
        "red",
        "2021-09-05",
        {N: ("blue", "c0")},
    ),
    # -- traceability: the claims a state rests on, oldest first; since = the latest's date ------
    case(
        "trace-single",
        [("2021-09-03", "red", "red", ["North", "South"]), ("2021-09-04", "red", "red", ["South"])],
        "red",
        "2021-09-05",
        {N: ("red", "c0"), S: ("red", "c1")},
    ),
    case(
        "trace-combined-oldest-first",
        [
            ("2021-09-05", "blue", "red", ["North"]),
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-04", "press", "red", ["North"]),
        ],
        COMBINED,
        "2021-09-05",
        {N: ("red", "c1 c2 c0")},
    ),
    case(
        "trace-yaml-ids",
        """\
  - {id: karimi-0903, date: 2021-09-03, source: red, holder: red, districts: [North]}
  - {id: dashti-0904, date: 2021-09-04, source: blue, holder: blue, districts: [North, East]}
""",
        COMBINED,
        "2021-09-05",
        {N: ("disputed", "karimi-0903 dashti-0904"), E: ("blue", "dashti-0904")},
    ),
]


@pytest.mark.parametrize(("claims", "view", "on", "expected"), RULES)
def test_resolution_rules(claims, view, on, expected):
    claimset = build(claims)
    snapshot = resolve(claimset, view=view, on=on)
    got = {s.pcode: (s.holder, " ".join(s.claim_ids)) for s in snapshot.states}
    want = {p: expected.get(p, ("unknown", "")) for p in PCODES}
    assert got == want
    by_id = {c.id: c for c in claimset.claims}
    for state in snapshot.states:
        # Every state says since when, on the word of the claims it lists (none: unknown).
        assert state.since == (max(by_id[i].date for i in state.claim_ids) if state.claim_ids else None)
        assert state.district == {d.pcode: d.name for d in TINY_DISTRICTS}[state.pcode]
    # The brute-force reference agrees on every rule of the table.
    assert {p: (h, sorted(ids.split())) for p, (h, ids) in want.items()} == reference_resolve(
        claimset, view, on
    )


def test_snapshot_metadata():
    claimset = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    snapshot = resolve(claimset, view="red", on="2021-09-05")
    assert snapshot.view == "red"
    assert snapshot.on == dt.datetime(2021, 9, 5, 23, 59, 59)
    assert resolve(claimset, view="red", on="2021-09-05T14:30").on == dt.datetime(2021, 9, 5, 14, 30)
    assert [s.pcode for s in snapshot.states] == list(PCODES)
    frame = snapshot.to_frame()
    assert list(frame.columns)[:5] == ["pcode", "district", "holder", "since", "claim_ids"]
    assert frame.to_dict("records")[0] == {
        "pcode": N,
        "district": "North",
        "holder": "red",
        "since": "2021-09-03",
        "claim_ids": "c0",
        "district_da": "شمال",
    }


def test_unknown_view_is_an_error():
    claimset = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    with pytest.raises(ValueError, match="unknown view 'green'"):
        resolve(claimset, view="green", on="2021-09-05")
    with pytest.raises(ValueError, match="unknown view"):
        timeline(claimset, view="press")  # a source is not a view


def test_a_claim_with_seconds_is_not_in_force_before_it_is_made():
    claimset = from_yaml(
        '  - {id: a, date: "2021-09-05T14:00:30", source: red, holder: red, districts: [North]}\n'
    )
    assert resolve(claimset, view="red", on="2021-09-05T14:00").holders()[N] == "unknown"
    assert resolve(claimset, view="red", on="2021-09-05T14:01").holders()[N] == "red"


# --------------------------------------------------------------------------------- timelines


def rows_of(frame):
    return [
        (r["date"].isoformat(), r["red"], r["blue"], r["contested"], r["disputed"], r["unknown"])
        for r in frame.to_dict("records")
    ]


def test_timeline_counts_per_date():
    claimset = tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North", "South"]),
            ("2021-09-05", "red", "blue", ["North"]),
            ("2021-09-07", "red", "red", "all"),
        ]
    )
    frame = timeline(claimset, view="red")
    assert list(frame.columns) == ["date", "red", "blue", "contested", "disputed", "unknown"]
    assert rows_of(frame) == [
        # date        red blue contested disputed unknown
        ("2021-09-03", 2, 0, 0, 0, 1),
        ("2021-09-05", 1, 1, 0, 0, 1),
        ("2021-09-07", 3, 0, 0, 0, 0),
    ]
    assert all(isinstance(d, dt.date) for d in frame["date"])


def test_timeline_only_change_dates():
    claimset = tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-04", "red", "red", ["North"]),  # repeats: no change
            ("2021-09-05", "blue", "blue", ["North"]),  # another view
            ("2021-09-06", "press", "red", ["South"]),  # another view
            ("2021-09-08", "red", "red", ["South"]),
        ]
    )
    assert rows_of(timeline(claimset, view="red")) == [
        ("2021-09-03", 1, 0, 0, 0, 2),
        ("2021-09-08", 2, 0, 0, 0, 1),
    ]
    assert rows_of(timeline(claimset, view="combined")) == [
        ("2021-09-03", 1, 0, 0, 0, 2),
        ("2021-09-05", 0, 0, 0, 1, 2),  # blue disagrees on North: disputed
        ("2021-09-06", 1, 0, 0, 1, 1),  # press on South; red's repeat on 09-08 changes nothing
    ]


def test_timeline_of_a_view_without_claims_is_empty():
    frame = timeline(tiny_claims([("2021-09-03", "red", "red", ["North"])]), view="blue")
    assert list(frame.columns) == ["date", "red", "blue", "contested", "disputed", "unknown"]
    assert len(frame) == 0


def test_timeline_omits_a_day_whose_changes_cancel_out():
    claimset = tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-05T10:00", "red", "blue", ["North"]),
            ("2021-09-05T14:00", "red", "red", ["North"]),
        ]
    )
    # At the end of 09-05 North is red again, as at the end of 09-04: not a change date.
    assert rows_of(timeline(claimset, view="red")) == [("2021-09-03", 1, 0, 0, 0, 2)]


def test_timeline_omits_a_day_whose_counts_do_not_change():
    # North and South swap holders on 09-05: the map changes, the counts per holder do not.
    claimset = tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-03", "red", "blue", ["South"]),
            ("2021-09-05", "red", "blue", ["North"]),
            ("2021-09-05", "red", "red", ["South"]),
        ]
    )
    assert rows_of(timeline(claimset, view="red")) == [("2021-09-03", 1, 1, 0, 0, 1)]


def test_district_timeline_keeps_a_swap_the_counts_hide():
    claimset = tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-03", "red", "blue", ["South"]),
            ("2021-09-05", "red", "blue", ["North"]),
            ("2021-09-05", "red", "red", ["South"]),
            ("2021-09-07T10:00", "red", "red", ["North"]),  # taken and retaken:
            ("2021-09-07T14:00", "red", "blue", ["North"]),
        ]
    )  # no change
    frame = district_timeline(claimset, view="red")
    assert list(frame.columns) == ["date", "XX0101", "XX0102", "XX0103"]
    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        (dt.date(2021, 9, 3), "red", "blue", "unknown"),
        (dt.date(2021, 9, 5), "blue", "red", "unknown"),
    ]
    assert len(district_timeline(claimset, view="blue")) == 0


@pytest.mark.parametrize("view", ["taliban", "nrf", "independent", "combined"])
def test_district_timeline_agrees_with_resolve_on_every_claim_day(repo_claims, view):
    repo_claims = read_claims(repo_claims)
    frame = district_timeline(repo_claims, view=view)
    rows = {r["date"]: r for r in frame.to_dict("records")}
    state = {p: "unknown" for p in frame.columns[1:]}
    for day in ledger(repo_claims).claim_dates():
        state = {p: rows[day][p] for p in state} if day in rows else state
        assert state == resolve(repo_claims, view=view, on=day).holders(), day


# ----------------------------------------------------------------------- ledger.history


def apply_history(led, view, day):
    """The end-of-day state of every district from the ledger's history, as the page does."""
    state = {p: ("unknown", []) for p in led.pcodes}
    for date, district, holder, rests in led.history(view):
        if date > day:
            break
        state[led.pcodes[district]] = (led.holders[holder], sorted(led.claims.claims[r].id for r in rests))
    return state


def snapshot_state(claimset, view, on):
    return {s.pcode: (s.holder, sorted(s.claim_ids)) for s in resolve(claimset, view=view, on=on).states}


def days_around(claimset):
    dates = [c.date for c in claimset.claims] or [dt.date(2021, 9, 5)]
    first, last = min(dates) - dt.timedelta(days=1), max(dates) + dt.timedelta(days=1)
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def assert_history_matches_resolve(claimset):
    led = ledger(claimset)
    for view in claimset.views:
        history = led.history(view)
        assert history == sorted(history, key=lambda row: (row[0], row[1]))
        for day in days_around(claimset):
            assert apply_history(led, view, day) == snapshot_state(claimset, view, day), (view, day)


def test_history_matches_resolve_every_day():
    claimset = tiny_claims(
        [
            ("2021-09-01", "red", "red", "all"),
            ("2021-09-03", "blue", "blue", ["North"]),
            ("2021-09-03T18:00", "press", "contested", ["North", "South"]),
            ("2021-09-05", "red", "blue", ["East"]),
            ("2021-09-05T10:00", "red", "red", ["East"]),
            ("2021-09-07", "blue", "red", ["North"]),
            ("2021-09-07", "red", "red", ["North"]),
        ]
    )
    assert_history_matches_resolve(claimset)


def test_history_lists_end_of_day_changes_only():
    claimset = tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-05T10:00", "red", "blue", ["North"]),
            ("2021-09-05T14:00", "red", "contested", ["North"]),
        ]
    )
    # The 10:00 state never reaches the end of a day.
    assert ledger(claimset).history("red") == [
        (dt.date(2021, 9, 3), 0, 0, (0,)),
        (dt.date(2021, 9, 5), 0, 2, (2,)),
    ]


# ------------------------------------------------------------------- property-based tests

DAY0 = dt.datetime(2021, 9, 1)
NAMES = [d.name for d in TINY_DISTRICTS]

moments = st.builds(
    lambda day, hour: DAY0 + dt.timedelta(days=day, hours=hour),
    st.integers(0, 6),
    st.sampled_from([0, 0, 0, 9, 14, 23]),
)
rows = st.tuples(
    moments,
    st.sampled_from(["red", "blue", "press"]),
    st.sampled_from(["red", "blue", "contested"]),
    st.one_of(st.just("all"), st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True)),
)
claim_sets = st.lists(rows, max_size=12).map(tiny_claims)
snapshot_moments = st.one_of(
    st.builds(lambda d: (DAY0 + dt.timedelta(days=d)).date(), st.integers(-1, 7)),
    moments,
)

PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(claim_sets, st.sampled_from(VIEWS), snapshot_moments)
def test_resolve_equals_the_reference(claimset, view, on):
    assert snapshot_state(claimset, view, on) == reference_resolve(claimset, view, on)


@PROPERTY
@given(claim_sets, st.sampled_from(VIEWS), snapshot_moments, rows, st.data())
def test_a_later_claim_never_changes_an_earlier_snapshot(claimset, view, on, row, data):
    when, source, holder, names = row
    at = on if isinstance(on, dt.datetime) else dt.datetime.combine(on, dt.time(23, 59, 59))
    later = at + dt.timedelta(minutes=data.draw(st.integers(1, 3 * 24 * 60), label="minutes after"))
    pcodes = tuple(d.pcode for d in TINY_DISTRICTS if names == "all" or d.name in names)
    new = Claim(id="new", when=later, source=source, holder=holder, districts=pcodes)
    position = data.draw(st.integers(0, len(claimset.claims)), label="position in file")
    claims = [*claimset.claims[:position], new, *claimset.claims[position:]]
    bigger = dataclasses.replace(
        claimset, claims=tuple(dataclasses.replace(c, order=i) for i, c in enumerate(claims))
    )
    before = resolve(claimset, view=view, on=on)
    after = resolve(bigger, view=view, on=on)
    assert after.states == before.states


@PROPERTY
@given(claim_sets, snapshot_moments)
def test_combined_is_disputed_exactly_where_the_voices_disagree(claimset, on):
    voices = {v: resolve(claimset, view=v, on=on).holders() for v in ("red", "blue", "independent")}
    combined = resolve(claimset, view=COMBINED, on=on).holders()
    for pcode in PCODES:
        heard = {holders[pcode] for holders in voices.values()} - {"unknown"}
        if not heard:
            assert combined[pcode] == "unknown"
        elif len(heard) > 1:
            # Disagreement, a side against contested included, is disputed, never contested.
            assert combined[pcode] == "disputed"
        else:
            assert combined[pcode] == next(iter(heard))
        if combined[pcode] == "contested":
            assert heard == {"contested"}


@settings(max_examples=100, deadline=None)
@given(claim_sets)
def test_history_matches_resolve_on_random_claims(claimset):
    assert_history_matches_resolve(claimset)


@settings(max_examples=100, deadline=None)
@given(claim_sets, st.sampled_from(VIEWS))
def test_timeline_counts_match_resolve(claimset, view):
    # The timeline lists exactly the days on which the end-of-day counts per holder change,
    # with those counts.
    frame = timeline(claimset, view=view)
    listed = {r.pop("date"): r for r in frame.to_dict("records")}
    expected = {}
    previous = {h: (len(PCODES) if h == "unknown" else 0) for h in claimset.holders}
    for day in days_around(claimset):
        counts = collections.Counter(resolve(claimset, view=view, on=day).holders().values())
        counts = {h: counts.get(h, 0) for h in claimset.holders}
        if counts != previous:
            expected[day] = counts
        previous = counts
    assert listed == expected
