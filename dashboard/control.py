"""Who holds each district on a date, according to one view, and on whose word.

Rules (the contract of ``claims.yaml`` version 1):

- A claim's view is its source's side (``taliban``, ``nrf``, ...) or ``independent``.
- Within one view, a claim about a district holds from its date until a later claim in that
  view names the district; on the same date and time, the later one in the file wins.
- ``combined``: for each district the latest claim of each voice that has one; if they all
  name the same holder (a side, or ``contested``), that holder, else ``disputed``. So one voice
  claiming fighting (``contested``) while another claims a side holds the district is
  ``disputed``: the voices disagree on whether there is fighting at all. ``contested`` in the
  combined view therefore means every voice in force claims fighting; ``disputed`` is never a
  claim, only the combined view's word for disagreement.
- No claim yet: ``unknown``. Every state carries the ids of the claims it rests on.

All claims are compiled once into sorted arrays (a :class:`Ledger`); a snapshot is then one
binary search per district, and the timeline one pass of cumulative sums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

import numpy as np
import pandas as pd

from .claims import DISPUTED, INDEPENDENT, UNKNOWN, ClaimSet

COMBINED = "combined"
SECONDS_PER_DAY = 24 * 3600
EPOCH = dt.date(1970, 1, 1)  # day 0 of the compiled arrays (numpy's datetime64 epoch)


@dataclass(frozen=True)
class DistrictState:
    """One district's holder in a snapshot, with the claims it rests on."""

    pcode: str
    district: str
    district_da: str
    holder: str
    since: dt.date | None
    claim_ids: tuple[str, ...]


@dataclass(frozen=True)
class Snapshot:
    """Every district of the province on one date, in one view."""

    view: str
    on: dt.datetime
    states: tuple[DistrictState, ...]

    def holders(self) -> dict[str, str]:
        """``{pcode: holder}``."""
        return {s.pcode: s.holder for s in self.states}

    def to_frame(self) -> pd.DataFrame:
        """One row per district: pcode, district, holder, since, claim_ids (';'-joined), district_da."""
        return pd.DataFrame(
            [
                {
                    "pcode": s.pcode,
                    "district": s.district,
                    "holder": s.holder,
                    "since": s.since.isoformat() if s.since else "",
                    "claim_ids": ";".join(s.claim_ids),
                    "district_da": s.district_da,
                }
                for s in self.states
            ],
            columns=["pcode", "district", "holder", "since", "claim_ids", "district_da"],
        )


def resolve(claims: ClaimSet, *, view: str, on) -> Snapshot:
    """Resolve every district of the province on a date, in one view.

    Parameters
    ----------
    claims : ClaimSet
    view : str
        A side id, ``independent`` or ``combined``.
    on : datetime.date or datetime.datetime
        A date means the end of that day (every claim of that day counts).

    Returns
    -------
    Snapshot

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North", "South"]),
    ...                   ("2021-09-05", "blue", "blue", ["North"]),
    ...                   ("2021-09-05", "red", "red", ["North"])])
    >>> resolve(cs, view="red", on="2021-09-04").holders()
    {'XX0101': 'red', 'XX0102': 'red', 'XX0103': 'unknown'}
    >>> resolve(cs, view="combined", on="2021-09-05").holders()["XX0101"]
    'disputed'
    """
    return ledger(claims).resolve(view, on)


def timeline(claims: ClaimSet, *, view: str) -> pd.DataFrame:
    """Districts per holder on each date on which those counts change in ``view``.

    Returns
    -------
    pandas.DataFrame
        Column ``date`` (datetime.date), then one integer column per holder
        (each side, ``contested``, ``disputed``, ``unknown``).

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North", "South"])])
    >>> timeline(cs, view="red").to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'date': datetime.date(2021, 9, 3), 'red': 2, 'blue': 0, 'contested': 0, 'disputed': 0,
      'unknown': 1}]
    """
    return ledger(claims).timeline(view)


def district_timeline(claims: ClaimSet, *, view: str) -> pd.DataFrame:
    """Every district's holder on each date on which any of them changes in ``view``.

    Returns
    -------
    pandas.DataFrame
        Column ``date`` (datetime.date), then one column per district, named by P-code,
        holding its holder's id (a side, ``contested``, ``disputed`` or ``unknown``).

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"]),
    ...                   ("2021-09-04", "blue", "blue", ["North"])])
    >>> district_timeline(cs, view="combined")[["date", "XX0101", "XX0102"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'date': datetime.date(2021, 9, 3), 'XX0101': 'red', 'XX0102': 'unknown'},
     {'date': datetime.date(2021, 9, 4), 'XX0101': 'disputed', 'XX0102': 'unknown'}]
    """
    return ledger(claims).district_timeline(view)


def ledger(claims: ClaimSet) -> Ledger:
    """The compiled form of a claim set, built once and kept with it (``ClaimSet.compiled``)."""
    return claims.compiled


def _seconds(value) -> int:
    """Seconds since the epoch; a date means its last second."""
    if isinstance(value, str):
        value = (
            dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
        )
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(23, 59, 59))
    return int(np.datetime64(value, "s").astype(np.int64))


def as_moment(value) -> dt.datetime:
    """A date or ISO text as the datetime a snapshot is taken at."""
    return np.datetime64(_seconds(value), "s").astype(dt.datetime)


class _View:
    """One view's events sorted by (district, time, file order), with the state after each."""

    def __init__(self, district, t, holder, rest, n_districts, *, presorted: bool = False):
        if not presorted:
            order = np.lexsort((rest[:, 0] if rest.ndim == 2 else rest, t, district))
            district, t, holder, rest = district[order], t[order], holder[order], rest[order]
        self.district, self.t, self.holder = district, t, holder
        self.rest = rest  # claim indices the state rests on, -1 where none
        self.n = n_districts
        self.t0 = int(self.t.min()) if len(self.t) else 0
        self.span = (int(self.t.max()) - self.t0 + 2) if len(self.t) else 1
        self.key = self.district.astype(np.int64) * self.span + (self.t - self.t0)

    def at(self, second: int) -> np.ndarray:
        """Index of the event in force for each district at ``second`` (-1: none)."""
        if not len(self.key):
            return np.full(self.n, -1)
        rel = min(max(second - self.t0, -1), self.span - 1)
        q = np.arange(self.n, dtype=np.int64) * self.span + rel
        idx = np.searchsorted(self.key, q, side="right") - 1
        ok = (idx >= 0) & (self.district[np.clip(idx, 0, None)] == np.arange(self.n))
        return np.where(ok, idx, -1)


class Ledger:
    """Every view's history of a claim set, compiled for fast snapshots and timelines.

    Parameters
    ----------
    claims : ClaimSet
    """

    def __init__(self, claims: ClaimSet):
        self.claims = claims
        self.pcodes = [d.pcode for d in claims.districts]
        self.holders = claims.holders  # sides..., contested, disputed, unknown
        self.voices = [*claims.sides, INDEPENDENT]
        unknown = self.holders.index(UNKNOWN)
        self.unknown, self.disputed = unknown, self.holders.index(DISPUTED)

        cs = claims.claims
        n = len(cs)
        index = {p: i for i, p in enumerate(self.pcodes)}
        # One pass per field through C-level map()s: at a million claims, generator expressions
        # and per-claim datetime64 conversion were most of the compile time.
        named = list(map(attrgetter("districts"), cs))
        counts = np.fromiter(map(len, named), np.int64, n)
        claim_idx = np.repeat(np.arange(n, dtype=np.int64), counts)
        district = np.fromiter(
            map(index.__getitem__, chain.from_iterable(named)), np.int32, int(counts.sum())
        )
        whens = list(map(attrgetter("when"), cs))
        seconds = {when: _seconds(when) for when in set(whens)}  # few distinct moments
        self.claim_seconds = np.fromiter(map(seconds.__getitem__, whens), np.int64, n)
        hcode = {h: i for i, h in enumerate(self.holders)}
        vcode = {sid: self.voices.index(s.side) for sid, s in claims.sources.items() if s.side in self.voices}
        holder = np.fromiter(map(hcode.__getitem__, map(attrgetter("holder"), cs)), np.int16, n)[claim_idx]
        self.claim_voice = np.fromiter(map(vcode.__getitem__, map(attrgetter("source"), cs)), np.int16, n)
        voice = self.claim_voice[claim_idx]
        t = self.claim_seconds[claim_idx]
        self._claim_dates: dict[str | None, list[dt.date]] = {}

        # Sort every event once by (district, time, file order); each voice's view is then a
        # subsequence that is already in order, and so is the combined view.
        order = np.lexsort((claim_idx, t, district))
        district, t, holder, voice, claim_idx = (a[order] for a in (district, t, holder, voice, claim_idx))
        self.views: dict[str, _View] = {}
        for k, v in enumerate(self.voices):
            m = voice == k
            self.views[v] = _View(
                district[m], t[m], holder[m], claim_idx[m], len(self.pcodes), presorted=True
            )
        self.views[COMBINED] = self._combined(district, t, holder, voice, claim_idx)

    def _combined(self, district, t, holder, voice, claim_idx) -> _View:
        """The combined view from every event, sorted by (district, time, file order)."""
        n = len(district)
        positions = np.arange(n)
        none = np.iinfo(np.int16).max
        low, high = np.full(n, none, dtype=np.int16), np.full(n, -1, dtype=np.int16)
        columns = []
        for k in range(len(self.voices)):
            # Forward-fill each voice's latest event within the district.
            last = np.maximum.accumulate(np.where(voice == k, positions, -1)) if n else positions
            src = np.maximum(last, 0)
            ok = (last >= 0) & (district[src] == district)
            columns.append(np.where(ok, claim_idx[src], -1))
            state = holder[src]
            np.maximum(high, np.where(ok, state, -1), out=high)
            np.minimum(low, np.where(ok, state, none), out=low)
        # Agreement (every voice in force names one holder, a side or contested) keeps it;
        # any disagreement, a side against contested included, is disputed.
        combined = np.where(low == high, high, self.disputed).astype(np.int16)
        # rest has one column per voice: the claims each voice's state rests on.
        rest = np.stack(columns, axis=1)
        return _View(district, t, combined, rest, len(self.pcodes), presorted=True)

    def _view(self, view: str) -> _View:
        if view not in self.views:
            raise ValueError(f"unknown view '{view}'; choose one of {', '.join(self.views)}")
        return self.views[view]

    def _rests(self, v: _View, idx: int) -> list[int]:
        rest = v.rest[idx]
        return [int(r) for r in np.atleast_1d(rest) if r >= 0]

    def resolve(self, view: str, on) -> Snapshot:
        """See :func:`resolve`."""
        v = self._view(view)
        at = v.at(_seconds(on))
        cs = self.claims.claims
        found = at >= 0
        if len(v.holder):
            idx = np.where(found, at, 0)
            holders = v.holder[idx].tolist()
            rest = v.rest[idx]
            if rest.ndim == 2:
                # The claims each state rests on, in the order they were made (time, then file).
                made = np.where(rest >= 0, self.claim_seconds[np.clip(rest, 0, None)], np.iinfo(np.int64).max)
                rest = np.take_along_axis(rest, np.lexsort((rest, made), axis=1), axis=1)
                rests = [[r for r in row if r >= 0] for row in rest.tolist()]
            else:
                rests = [[r] for r in rest.tolist()]
        else:
            holders, rests = [self.unknown] * len(at), [[]] * len(at)
        states = []
        for d, ok, h, row in zip(self.claims.districts, found.tolist(), holders, rests):
            if not ok:
                states.append(DistrictState(d.pcode, d.name, d.name_da, UNKNOWN, None, ()))
                continue
            states.append(
                DistrictState(
                    d.pcode,
                    d.name,
                    d.name_da,
                    self.holders[h],
                    cs[row[-1]].date,
                    tuple(cs[r].id for r in row),
                )
            )
        return Snapshot(view, as_moment(on), tuple(states))

    def holder_codes(self, view: str, on) -> np.ndarray:
        """Holder index (into :attr:`holders`) of every district: the fast path for benchmarks."""
        v = self._view(view)
        at = v.at(_seconds(on))
        if not len(v.holder):
            return np.full(len(self.pcodes), self.unknown)
        return np.where(at >= 0, v.holder[np.clip(at, 0, None)], self.unknown)

    def latest_claims(self, view: str, on) -> np.ndarray:
        """Index (into ``claims.claims``) of the latest claim each district's state rests on at
        ``on`` (-1: no claim yet): the claim behind :func:`resolve`'s ``since``, as an array.

        With :meth:`holder_codes`, what a table of every district needs without building a
        :class:`Snapshot`.
        """
        v = self._view(view)
        at = v.at(_seconds(on))
        if not len(v.holder):
            return np.full(len(self.pcodes), -1)
        rest = v.rest[np.clip(at, 0, None)]
        if rest.ndim == 2:  # the combined view: the latest by (time, file order), as resolve orders
            n = len(self.claim_seconds) + 1
            key = np.where(rest >= 0, self.claim_seconds[np.clip(rest, 0, None)] * n + rest, -1)
            rest = np.take_along_axis(rest, key.argmax(axis=1)[:, None], axis=1)[:, 0]
        return np.where(at >= 0, rest, -1)

    def _days(self, v: _View) -> np.ndarray:
        return (v.t // SECONDS_PER_DAY).astype(np.int64)

    def timeline(self, view: str) -> pd.DataFrame:
        """See :func:`timeline`."""
        v = self._view(view)
        columns = ["date", *self.holders]
        if not len(v.t):
            return pd.DataFrame(columns=columns)
        first = np.r_[True, v.district[1:] != v.district[:-1]]
        before = np.where(first, self.unknown, np.r_[self.unknown, v.holder[:-1]])
        changed = before != v.holder
        days, day_of = np.unique(self._days(v)[changed], return_inverse=True)
        delta = np.zeros((len(days), len(self.holders)), dtype=np.int64)
        np.add.at(delta, (day_of, v.holder[changed]), 1)
        np.add.at(delta, (day_of, before[changed]), -1)
        counts = delta.cumsum(axis=0)
        counts[:, self.unknown] += len(self.pcodes)
        # A day whose changes cancel out (taken and retaken the same day) is no change date.
        previous = np.vstack(
            [np.eye(1, len(self.holders), self.unknown, dtype=np.int64) * len(self.pcodes), counts[:-1]]
        )
        keep = (counts != previous).any(axis=1)
        frame = pd.DataFrame(counts[keep], columns=self.holders)
        frame.insert(0, "date", [EPOCH + dt.timedelta(days=int(d)) for d in days[keep]])
        return frame

    def history(self, view: str) -> list[tuple[dt.date, int, int, tuple[int, ...]]]:
        """End-of-day state changes: ``(date, district index, holder index, claim indices)``.

        What the map needs to recolour any day in the browser without asking again: apply the
        changes up to a day, in order.
        """
        v = self._view(view)
        if not len(v.t):
            return []
        days = self._days(v)
        # The last event of each (district, day) is the state at the end of that day.
        last = np.r_[(v.district[1:] != v.district[:-1]) | (days[1:] != days[:-1]), True]
        out, previous = [], {}
        for i in np.flatnonzero(last):
            state = (int(v.holder[i]), tuple(self._rests(v, i)))
            d = int(v.district[i])
            if previous.get(d) != state:
                previous[d] = state
                out.append((EPOCH + dt.timedelta(days=int(days[i])), d, *state))
        out.sort(key=lambda row: (row[0], row[1]))
        return out

    def district_timeline(self, view: str) -> pd.DataFrame:
        """See :func:`district_timeline`."""
        state = [self.holders[self.unknown]] * len(self.pcodes)
        rows: list[list] = []
        for day, district, holder, _ in self.history(view):
            state[district] = self.holders[holder]
            if rows and rows[-1][0] == day:
                rows[-1][1:] = state
            else:
                rows.append([day, *state])
        # A day whose changes cancel out (taken and retaken) is no change date.
        kept = [
            row
            for i, row in enumerate(rows)
            if row[1:] != (rows[i - 1][1:] if i else [self.holders[self.unknown]] * len(state))
        ]
        return pd.DataFrame(kept, columns=["date", *self.pcodes])

    def _claim_days(self, view: str | None) -> np.ndarray:
        """Each claim's day (days since 1970), for the claims of ``view`` (all for combined)."""
        days = self.claim_seconds // SECONDS_PER_DAY
        if view in (None, COMBINED):
            return days
        if view not in self.voices:
            return days[:0]
        return days[self.claim_voice == self.voices.index(view)]

    def claim_dates(self, view: str | None = None) -> list[dt.date]:
        """The dates on which claims were made (in one view, or in all)."""
        key = None if view == COMBINED else view
        if key not in self._claim_dates:
            self._claim_dates[key] = [
                EPOCH + dt.timedelta(days=int(d)) for d in np.unique(self._claim_days(key))
            ]
        return list(self._claim_dates[key])

    def claims_on(self, view: str, day: dt.date) -> list:
        """The claims made on ``day`` in ``view`` (every view for combined), in file order."""
        days = self.claim_seconds // SECONDS_PER_DAY
        hit = days == (day - EPOCH).days
        if view != COMBINED:
            hit &= self.claim_voice == (self.voices.index(view) if view in self.voices else -1)
        return [self.claims.claims[i] for i in np.flatnonzero(hit)]


@dataclass(frozen=True)
class Change:
    """A district whose holder differs between two moments in one view."""

    pcode: str
    district: str
    before: str
    after: str
    claim_ids: tuple[str, ...]


def what_changed(claims: ClaimSet, *, view: str, on) -> tuple[list, list[Change], dt.date | None]:
    """The claims made on ``on`` in ``view``, and the districts whose holder changed since the
    previous date on which that view has claims.

    Returns
    -------
    (claims made that day, changes, previous claim date or None)

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"]),
    ...                   ("2021-09-05", "blue", "blue", ["North"])])
    >>> made, changes, before = what_changed(cs, view="combined", on="2021-09-05")
    >>> [c.id for c in made], [(c.district, c.before, c.after) for c in changes], str(before)
    (['c1'], [('North', 'red', 'disputed')], '2021-09-03')
    """
    day = as_moment(on).date()
    led = ledger(claims)
    made = led.claims_on(view, day)
    earlier = [d for d in led.claim_dates(view) if d < day]
    previous = earlier[-1] if earlier else None
    now = resolve(claims, view=view, on=day)
    then = resolve(claims, view=view, on=previous) if previous else None
    changes = []
    for i, state in enumerate(now.states):
        before = then.states[i].holder if then else UNKNOWN
        if before != state.holder:
            changes.append(Change(state.pcode, state.district, before, state.holder, state.claim_ids))
    return made, changes, previous
