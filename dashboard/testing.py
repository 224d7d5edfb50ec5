"""Small claim sets built in code, for examples and tests that need no boundary files."""

from __future__ import annotations

import datetime as dt

from .claims import INDEPENDENT, Claim, ClaimSet, Side, Source
from .gazetteer import District, Gazetteer

TINY_DISTRICTS = (
    District("XX0101", "North", "شمال"),
    District("XX0102", "South", "جنوب"),
    District("XX0103", "East", "شرق"),
)


def tiny_districts():
    """:data:`TINY_DISTRICTS` as a GeoDataFrame: three unit squares side by side (``pcode``, ``geometry``)."""
    import geopandas as gpd  # only the map's examples need shapes
    from shapely.geometry import box

    return gpd.GeoDataFrame(
        {"pcode": [d.pcode for d in TINY_DISTRICTS]}, geometry=[box(i, 0, i + 1, 1) for i in range(3)]
    )


def tiny_gazetteer() -> Gazetteer:
    """Province XX01 with three districts: North, South, East."""
    return Gazetteer("XX01", list(TINY_DISTRICTS), aliases={"XX0101": ["Nord"]})


def tiny_claims(rows, *, sides=("red", "blue")) -> ClaimSet:
    """A claim set from ``(when, source, holder, districts)`` rows, in file order.

    Sources ``red`` and ``blue`` speak for their own side, ``press`` is independent.
    ``districts`` is a list of names of :data:`TINY_DISTRICTS` or ``"all"``.
    """
    by_name = {d.name: d.pcode for d in TINY_DISTRICTS}
    claims = []
    for i, (when, source, holder, names) in enumerate(rows):
        when = dt.datetime.fromisoformat(when) if isinstance(when, str) else when
        pcodes = tuple(by_name.values()) if names == "all" else tuple(by_name[n] for n in names)
        claims.append(
            Claim(id=f"c{i}", when=when, source=source, holder=holder, districts=pcodes, order=i, line=i + 1)
        )
    sources = {s: Source(s, s.title(), s) for s in sides}
    sources["press"] = Source("press", "Press", INDEPENDENT)
    return ClaimSet(
        province="XX01",
        sides={s: Side(s, s.title(), "#000000") for s in sides},
        sources=sources,
        claims=tuple(claims),
        districts=TINY_DISTRICTS,
    )
