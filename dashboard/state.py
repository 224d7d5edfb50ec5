"""What the page shows (view, date, district, compare), from everything that can change it.

One pure function, :func:`step`, runs at the top of every rerun. Its inputs are what it
returned last time, the URL (read on the first run only), the map component's state (what the
person did on the map: toggle, slider, play, a click), the chart's picked date, the district
select box and what the claims allow (views, days, districts). It returns the new state, the
URL values it ignored (with why), and the *push*: the state the map must be told about
because it came from Python (the URL, the chart, the select box, a repair after a claims
edit). A change that came from the map is never pushed back (no echo); a push carries a
sequence number that grows by one per push, so the map applies each one exactly once.

No Streamlit here: ``dashboard/app.py`` feeds it and stores its result in the session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

FIELDS = ("view", "date", "district", "compare")
_UNSET = object()


@dataclass(frozen=True)
class MapState:
    """What the map and the page show.

    Examples
    --------
    >>> MapState("nrf", "2021-09-06", "AF0807").query()
    {'view': 'nrf', 'date': '2021-09-06', 'district': 'AF0807'}
    """

    view: str
    date: str  # YYYY-MM-DD
    district: str | None = None  # P-code
    compare: str | None = None  # a second view, or None
    # Set on a state the map reported: tells one report from the next (never part of equality).
    stamp: str | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict:
        return {"view": self.view, "date": self.date, "district": self.district, "compare": self.compare}

    def query(self) -> dict[str, str]:
        """The URL's query parameters for this state (empty values left out)."""
        return {k: v for k, v in self.as_dict().items() if v}


@dataclass(frozen=True)
class Session:
    """What :func:`step` remembers between reruns (store it in ``st.session_state``)."""

    state: MapState
    seq: int = 0  # the number of the last push
    push: dict | None = None  # {"seq": n, "state": {...}}: the last push, sent until superseded
    seen_map: dict | None = None  # the map's state as last read
    seen_chart: str | None = None  # the chart's pick as last read
    seen_select: str | None = None  # the select box's value as last written or read
    shown: MapState | None = None  # what the map shows, as far as Python knows
    ignored: tuple[str, ...] = ()  # the URL's values not used, said until the state changes


@dataclass(frozen=True)
class Options:
    """What the claims allow: the views, the days (ISO dates, in order) and the districts."""

    views: Sequence[str]
    days: Sequence[str]
    districts: Mapping[str, str]  # P-code -> name
    # The first look: one date, or a date per view (the view's opening day); else the last day.
    default_date: str | Mapping[str, str] | None = None


@dataclass(frozen=True)
class Step:
    """The result of :func:`step`."""

    session: Session
    ignored: list[str] = field(default_factory=list)

    @property
    def state(self) -> MapState:
        return self.session.state

    @property
    def push(self) -> dict | None:
        return self.session.push


def step(
    previous: Session | None,
    options: Options,
    *,
    query: Mapping[str, str] | None = None,
    map_state=_UNSET,
    chart_pick: str | None = None,
    chart_event: str | None = None,
    select=_UNSET,
) -> Step:
    """The page's state after one rerun.

    Parameters
    ----------
    previous : Session or None
        What the last call returned (``None`` on a session's first run: the URL is read then).
    options : Options
        The views, days and districts of the claims now loaded.
    query : mapping, optional
        The URL's query parameters (``view``, ``date``, ``district``, ``compare``); read only
        when ``previous`` is ``None``. ``district`` may be a P-code or a district's name.
    map_state : MapState, mapping or None, optional
        The map component's last report (``{view, date, district, compare, stamp}``, as
        :func:`dashboard.component.control_map` returns it), or ``None`` before it has
        reported anything (also when the map was mounted anew: it is then told the state
        again). A report is new when it differs from the last one read (the stamp makes
        every report differ). Leave it out when the map was not read.
    chart_pick : str, optional
        The chart's selection as it stands (it stays set across reruns): taken when it
        differs from the last one read.
    chart_event : str, optional
        A date picked on the chart in this rerun only (e.g. from an ``on_select`` callback
        that hands each click over once): always taken, even the same date twice.
    select : str or None, optional
        The district select box's value (a P-code or ``None``); leave it out when the page
        has no select box.

    Returns
    -------
    Step
        ``.state`` (:class:`MapState`), ``.push`` (what the map must apply, with its ``seq``),
        ``.session`` (pass it back next time) and ``.ignored`` (messages for URL values not
        used, e.g. ``"?date=2021-9-6: not a day between 2021-09-01 and 2021-09-20"``; the
        same on every rerun until the state changes, so a rerun the person did not cause,
        such as the map's report that it is drawn, does not hide them).

    Examples
    --------
    >>> opts = Options(["taliban", "nrf"], ["2021-09-05", "2021-09-06"], {"AF0807": "Paryan"})
    >>> first = step(None, opts, query={"view": "nrf", "district": "paryan", "date": "2021-9-6"})
    >>> first.state
    MapState(view='nrf', date='2021-09-06', district='AF0807', compare=None)
    >>> first.ignored
    ['?date=2021-9-6: not a day between 2021-09-05 and 2021-09-06; showing 2021-09-06']
    >>> first.push["seq"]
    1
    >>> step(first.session, opts).ignored == first.ignored  # said until the state changes
    True
    >>> moved = step(first.session, opts, map_state={**first.state.as_dict(), "date": "2021-09-05"})
    >>> moved.state.date, moved.push["seq"]  # the map's own change is not pushed back
    ('2021-09-05', 1)
    """
    if previous is None:
        state, ignored = _from_query(query or {}, options)
        session = Session(state, ignored=tuple(ignored))
    else:
        session = previous
        state = previous.state
    before = state

    # The map reported something new: the person used the map's own controls.
    if isinstance(map_state, MapState):
        map_state = {**map_state.as_dict(), "stamp": map_state.stamp}
    current_map = dict(map_state) if isinstance(map_state, Mapping) else None
    if current_map is not None and current_map != session.seen_map:
        state = _apply(state, current_map, options)
        shown = _apply(session.shown or state, current_map, options)
        session = replace(session, seen_map=current_map, shown=shown)
    elif map_state is not _UNSET and current_map is None and session.seen_map is not None:
        # The map was mounted anew (its state is gone): it shows only what it is told.
        session = replace(session, seen_map=None, shown=None)

    if chart_pick is not None and chart_pick != session.seen_chart:
        if chart_pick in options.days:
            state = replace(state, date=chart_pick)
        session = replace(session, seen_chart=chart_pick)

    if chart_event is not None and chart_event in options.days:
        state = replace(state, date=chart_event)

    if select is not _UNSET and select != session.seen_select:
        if select is None or select in options.districts:
            state = replace(state, district=select)
        session = replace(session, seen_select=select)

    state = repair(state, options)
    session = replace(session, state=state, seen_select=state.district)
    if state != before:  # the person moved on (or an edit moved the state): the URL is history
        session = replace(session, ignored=())
    if state != session.shown:
        seq = session.seq + 1
        session = replace(session, seq=seq, push={"seq": seq, "state": state.as_dict()}, shown=state)
    return Step(session, list(session.ignored))


def repair(state: MapState, options: Options) -> MapState:
    """The nearest state that the claims allow (after an edit took a view, day or district away).

    Examples
    --------
    >>> repair(MapState("front", "2021-08-01", "XX"), Options(["a"], ["2021-09-01"], {}))
    MapState(view='a', date='2021-09-01', district=None, compare=None)
    """
    view = state.view if state.view in options.views else options.views[0]
    date = state.date
    if date not in options.days:
        date = min(max(str(date), options.days[0]), options.days[-1])
        if date not in options.days:  # not an ISO date at all
            date = _default_date(options)
    district = state.district if state.district in options.districts else None
    compare = state.compare if state.compare in options.views and state.compare != view else None
    return MapState(view, date, district, compare)


def district_pcode(value: str, districts: Mapping[str, str]) -> tuple[str | None, str | None]:
    """``(pcode, None)`` for a P-code or a district's name (any case), else ``(None, why)``.

    Examples
    --------
    >>> district_pcode("dara", {"AF0806": "Dara", "AF0807": "Paryan"})
    ('AF0806', None)
    >>> district_pcode("Kabul", {"AF0806": "Dara"})
    (None, 'not a district of these claims')
    """
    if value in districts:
        return value, None
    upper = value.strip().upper()
    for pcode in districts:
        if pcode.upper() == upper:
            return pcode, None
    folded = value.strip().casefold()
    named = [p for p, name in districts.items() if name.casefold() == folded]
    if len(named) == 1:
        return named[0], None
    if named:
        return None, f"more than one district has this name ({', '.join(named)}): use a P-code"
    return None, "not a district of these claims"


def _default_date(options: Options, view: str | None = None) -> str:
    wanted = options.default_date
    if isinstance(wanted, Mapping):
        wanted = wanted.get(view if view is not None else options.views[0])
    return wanted if wanted in options.days else options.days[-1]


def _from_query(query: Mapping[str, str], options: Options) -> tuple[MapState, list[str]]:
    ignored = []

    def shown(key, value):
        return f"?{key}={_printable(value)}"

    view = query.get("view")
    if view is not None and view not in options.views:
        ignored.append(
            f"{shown('view', view)}: not a view of these claims "
            f"({', '.join(options.views)}); showing {options.views[0]}"
        )
        view = None
    date = query.get("date")
    if date is not None and date not in options.days:
        fallback = _default_date(options, view)
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            day = None
        if day is not None and len(date) == 10:
            # A real day outside the claims' range: the nearest end.
            fallback = min(max(day.isoformat(), options.days[0]), options.days[-1])
        ignored.append(
            f"{shown('date', date)}: not a day between {options.days[0]} and "
            f"{options.days[-1]}; showing {fallback}"
        )
        date = fallback
    district = query.get("district")
    if district is not None:
        pcode, why = district_pcode(district, options.districts)
        if pcode is None:
            ignored.append(f"{shown('district', district)}: {why}")
        district = pcode
    compare = query.get("compare")
    if compare is not None and (compare not in options.views or compare == (view or options.views[0])):
        ignored.append(f"{shown('compare', compare)}: not another view of these claims")
        compare = None
    state = MapState(view or options.views[0], date or _default_date(options, view), district, compare)
    return state, ignored


def _apply(state: MapState, reported: Mapping, options: Options) -> MapState:
    """``state`` with the map's reported fields that are valid."""
    changes = {}
    if reported.get("view") in options.views:
        changes["view"] = reported["view"]
    if reported.get("date") in options.days:
        changes["date"] = reported["date"]
    if "district" in reported and (reported["district"] is None or reported["district"] in options.districts):
        changes["district"] = reported["district"]
    if "compare" in reported and (reported["compare"] is None or reported["compare"] in options.views):
        changes["compare"] = reported["compare"]
    return replace(state, **changes)


def _printable(value: str, limit: int = 60) -> str:
    """A URL value as it may be shown: control characters escaped, length bounded."""
    text = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(value)[:limit]
    )
    return text + ("…" if len(str(value)) > limit else "")
