"""A brute-force reference for :func:`dashboard.control.resolve`: slow, plain, obviously right.

It restates the rules of ``claims.yaml`` version 1 as one loop per district, with nothing
compiled or vectorised, so that the fast :class:`dashboard.control.Ledger` can be checked
against it (``tests/test_control.py``) and timed against it (the benchmarks):

- A claim's view is its source's side, or ``independent``.
- A date means the end of that day; a claim counts if it was made at or before that moment.
- Within one view, the claim in force for a district is the latest that names it, ordered by
  (time, position in the file): on the same date and time the later one in the file wins.
- ``combined``: the claim in force in each voice (each side and ``independent``); if they
  all name the same holder (a side, or ``contested``), that holder, otherwise ``disputed``
  (a side against ``contested`` is a disagreement too).
- No claim in force: ``unknown``.
"""

from __future__ import annotations

import datetime as dt

from dashboard.claims import DISPUTED, INDEPENDENT, UNKNOWN

COMBINED = "combined"


def moment(on) -> dt.datetime:
    """The instant a snapshot is taken: a date (or ``"2021-09-05"``) is the end of that day."""
    if isinstance(on, str):
        on = dt.datetime.fromisoformat(on) if ("T" in on or " " in on) else dt.date.fromisoformat(on)
    if isinstance(on, dt.datetime):
        return on
    return dt.datetime.combine(on, dt.time.max)


def claim_in_force(claimset, voice: str, pcode: str, at: dt.datetime):
    """The latest claim of ``voice`` naming ``pcode`` made at or before ``at``, or None."""
    best, best_key = None, None
    for position, claim in enumerate(claimset.claims):  # claims are in file order
        if claimset.sources[claim.source].side != voice:
            continue
        if pcode not in claim.districts:
            continue
        if claim.when > at:
            continue
        key = (claim.when, position)
        if best_key is None or key > best_key:
            best, best_key = claim, key
    return best


def reference_resolve(claimset, view: str, on) -> dict[str, tuple[str, list[str]]]:
    """``{pcode: (holder, sorted claim ids)}`` for every district of the province.

    Parameters
    ----------
    claimset : dashboard.claims.ClaimSet
    view : str
        A side id, ``independent`` or ``combined``.
    on : datetime.date, datetime.datetime or ISO text
    """
    voices = [*claimset.sides, INDEPENDENT]
    if view != COMBINED and view not in voices:
        raise ValueError(f"unknown view {view!r}")
    at = moment(on)
    out = {}
    for district in claimset.districts:
        if view != COMBINED:
            claim = claim_in_force(claimset, view, district.pcode, at)
            out[district.pcode] = (UNKNOWN, []) if claim is None else (claim.holder, [claim.id])
            continue
        latest = []
        for voice in voices:
            claim = claim_in_force(claimset, voice, district.pcode, at)
            if claim is not None:
                latest.append(claim)
        if not latest:
            out[district.pcode] = (UNKNOWN, [])
            continue
        holders = {claim.holder for claim in latest}
        holder = holders.pop() if len(holders) == 1 else DISPUTED
        out[district.pcode] = (holder, sorted(claim.id for claim in latest))
    return out
