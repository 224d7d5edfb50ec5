"""Who says what: on one date, every district's holder according to each voice, side by side.

One row per district; for each voice (each side, ``independent``) the holder, since when, and
the claim behind it (its source and link), then the combined result. It is the table beside the
map and the map's accessible alternative. Pure: no Streamlit.
"""

from __future__ import annotations

import pandas as pd

from .claims import CONTESTED, INDEPENDENT, UNKNOWN, ClaimSet
from .control import COMBINED, ledger

#: What each voice contributes to a row, as column suffixes: ``"<voice> holder"`` and so on.
FIELDS = ("holder", "since", "source", "link")
_OTHER_LABELS = {CONTESTED: "Contested", UNKNOWN: "No claim yet", "disputed": "Disputed"}


def voices(claims: ClaimSet) -> list[str]:
    """The voices, in column order: each side, ``independent``, then ``combined``.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> voices(tiny_claims([]))
    ['red', 'blue', 'independent', 'combined']
    """
    return [*claims.sides, INDEPENDENT, COMBINED]


def holder_name(claims: ClaimSet, holder: str) -> str:
    """A holder as a reader names it: the side's label, ``Contested``, ``Disputed``, ...

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> holder_name(tiny_claims([]), "red"), holder_name(tiny_claims([]), "unknown")
    ('Red', 'No claim yet')
    """
    if holder in claims.sides:
        return claims.sides[holder].label
    return _OTHER_LABELS.get(holder, holder.replace("-", " ").capitalize())


def who_says_what(claims: ClaimSet, on) -> pd.DataFrame:
    """Every district on ``on``: its holder according to each voice, with the claim behind it.

    Parameters
    ----------
    claims : ClaimSet
    on : str, datetime.date or datetime.datetime
        As for :func:`dashboard.control.resolve` (a date means the end of that day).

    Returns
    -------
    pandas.DataFrame
        Columns ``pcode``, ``district``, then for each voice of :func:`voices`
        ``"<voice> holder"`` (as a reader names it), ``"<voice> since"`` (ISO date or empty),
        ``"<voice> source"`` (the source of the latest claim behind it, ``via`` another if so;
        the combined voice has none: its claims are in the other columns) and
        ``"<voice> link"`` (that claim's http(s) address or None). Rows in P-code order.
        Text is data: shown by a caller, it must be shown literally.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"]),
    ...                   ("2021-09-04", "blue", "blue", ["North"])])
    >>> table = who_says_what(cs, "2021-09-04")
    >>> table.loc[0, ["district", "red holder", "blue holder", "combined holder", "red source"]].tolist()
    ['North', 'Red', 'Blue', 'Disputed', 'Red']
    """
    return pd.DataFrame(who_says_what_columns(claims, on))


def who_says_what_columns(claims: ClaimSet, on) -> dict[str, list]:
    """:func:`who_says_what` as plain columns (name -> list of values), without pandas.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    >>> who_says_what_columns(cs, "2021-09-03")["red holder"]
    ['Red', 'No claim yet', 'No claim yet']
    """
    led = ledger(claims)
    cs = claims.claims
    names = {i: holder_name(claims, h) for i, h in enumerate(led.holders)}
    # Per claim behind a state (a few per date): since, source and link, each computed once.
    since: dict[int, str] = {-1: ""}
    behind: dict[int, tuple[str, str | None]] = {-1: ("", None)}
    columns: dict[str, list] = {
        "pcode": [d.pcode for d in claims.districts],
        "district": [d.name for d in claims.districts],
    }
    for voice in voices(claims):
        latest = led.latest_claims(voice, on).tolist()
        for i in set(latest) - since.keys():
            since[i] = cs[i].date.isoformat()
        columns[f"{voice} holder"] = [names[h] for h in led.holder_codes(voice, on).tolist()]
        columns[f"{voice} since"] = [since[i] for i in latest]
        if voice == COMBINED:  # its claims are in the other voices' columns
            columns[f"{voice} source"] = [""] * len(latest)
            columns[f"{voice} link"] = [None] * len(latest)
            continue
        for i in set(latest) - behind.keys():
            behind[i] = _source_and_link(claims, cs[i])
        columns[f"{voice} source"] = [behind[i][0] for i in latest]
        columns[f"{voice} link"] = [behind[i][1] for i in latest]
    return columns


def _source_and_link(claims: ClaimSet, claim) -> tuple[str, str | None]:
    """The source's name (``via`` another if so) and the claim's first http(s) address."""
    source = claims.sources[claim.source].name
    if claim.via:
        source += f" (via {claims.sources[claim.via].name})"
    link = next(
        (u for u in (claim.url, claim.archived_url) if u and u.lower().startswith(("http://", "https://"))),
        None,
    )
    return source, link
