"""Everything the map engine (``static/engine.js``) needs, for every view and day, as plain JSON.

Pure: no Streamlit, no template engine. Claim text goes into the data by value and reaches
the page only inside a ``<script type="application/json">`` element (:func:`engine_json`),
where the engine reads it with ``JSON.parse`` and shows it through its ``esc()``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .boundaries import ATTRIBUTION, ATTRIBUTION_URL
from .claims import CONTESTED, DISPUTED, INDEPENDENT, UNKNOWN, ClaimSet
from .codec import SCALE, deltas, rings, varints
from .control import COMBINED, ledger
from .encoding import CONTESTED_COLOR, CONTESTED_INK, DISPUTED_COLOR, DISPUTED_INK, UNKNOWN_COLOR
from .gazetteer import name_key

STATIC = Path(__file__).resolve().parent / "static"
BASEMAPS = {
    "none": None,
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "&copy; OpenStreetMap contributors"),
    "topo": (
        "https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png",
        "Map data &copy; OpenStreetMap contributors, SRTM | style &copy; OpenTopoMap (CC-BY-SA)",
    ),
}
VIEW_LABELS = {INDEPENDENT: "Independent reports", COMBINED: "All voices combined"}
LABELS_UP_TO = 60  # district names are drawn on the map for provinces, not for a country
STALE_DAYS = 30  # a colour fades when the newest claim behind it is older than this


def view_label(claims: ClaimSet, view: str) -> str:
    """``"Taliban claims"``, ``"All voices combined"``, ...

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> view_label(tiny_claims([]), "red"), view_label(tiny_claims([]), "combined")
    ('Red claims', 'All voices combined')
    """
    side = claims.sides.get(view)
    return f"{side.label} claims" if side else VIEW_LABELS.get(view, view)


def holder_labels(claims: ClaimSet) -> dict[str, str]:
    """Holder id -> what the legend and tooltips call it."""
    labels = {sid: s.label for sid, s in claims.sides.items()}
    labels[CONTESTED] = "Contested (fighting claimed)"
    labels[DISPUTED] = "Disputed (the voices disagree)"
    labels[UNKNOWN] = "No claim yet"
    return {h: labels.get(h, h) for h in claims.holders}


def styles(claims: ClaimSet) -> dict[str, dict]:
    """Holder -> how the engine draws it: a fill colour, an optional pattern drawn over it in
    ``ink`` (``hatch``: contested, ``cross``: disputed), a dashed border (unknown), opacity.

    Colour is never the only encoding: the patterns and the dashes tell the states apart in grey.
    """
    out = {
        sid: {"color": s.color, "pattern": None, "ink": None, "dash": False, "opacity": 0.75}
        for sid, s in claims.sides.items()
    }
    out[CONTESTED] = {
        "color": CONTESTED_COLOR,
        "pattern": "hatch",
        "ink": CONTESTED_INK,
        "dash": False,
        "opacity": 1.0,
    }
    out[DISPUTED] = {
        "color": DISPUTED_COLOR,
        "pattern": "cross",
        "ink": DISPUTED_INK,
        "dash": False,
        "opacity": 1.0,
    }
    out[UNKNOWN] = {"color": UNKNOWN_COLOR, "pattern": None, "ink": None, "dash": True, "opacity": 0.6}
    return {h: out.get(h, out[UNKNOWN]) for h in claims.holders}


def engine_data(
    claims: ClaimSet, districts, *, region: str | None = None, places=None, stale_days: int = STALE_DAYS
) -> dict:
    """Everything ``ControlMap.create`` needs for every view and day: a JSON-able dict.

    Parameters
    ----------
    claims : ClaimSet
    districts : geopandas.GeoDataFrame
        ``pcode`` and ``geometry`` (simplified for the web: ``boundaries.for_web``), in any order.
    region : str, optional
        The region's name for titles; by default the file's ``region.name``, else the districts'
        ``province_name``.
    places : iterable, optional
        Gazetteer places (``gazetteer.Place``). Those with ``lat``, ``lon`` and ``point_source``
        become markers; the others are not drawn (never a guessed point).
    stale_days : int
        A colour fades when the newest claim behind it is older than this many days.

    Returns
    -------
    dict
        ``version`` 1; ``region``, ``title``; ``start`` (ISO date of day 0), ``days`` (the
        number of days: day ``i`` is ``start + i``); ``defaultView``, ``defaultDate``;
        ``views``: ``[{id, label}]`` (each side, independent, combined); ``holders``: ids
        (sides, contested, [disputed], unknown); ``holderLabels`` and ``styles`` by holder
        (:func:`styles`); ``districts``: ``[{pcode, name, name_da, label: [lat, lon] | null}]``;
        ``claims``: ``[{id, date, day, source, via, view, holder, url, quote, confidence,
        places}]`` in file order; ``history``: per view, the end-of-day changes as columns of
        integers (``n``, ``day`` deltas, ``district``, ``holder``, ``count``, ``rests`` deltas:
        claim indices, ``count`` per row), see ``varints`` below; ``claimDays``: per view the
        sorted days with a claim; ``geometry``: ``{scale, features: [[pcode, "P"|"M",
        [[ring, ...], ...]]]}`` with each ring as varints of the first vertex and the steps
        (x, y interleaved, in 1/scale degree); ``bounds``: ``[[south, west], [north, east]]``;
        ``places``: ``[{name, district, lat, lon, source, confidence, claims: [claim index]}]``;
        ``staleDays``; ``attribution``, ``attributionUrl``.

        Varints: zigzag (0, -1, 1, ... -> 0, 1, 2, ...), then five bits per character, low
        bits first, from the URL-safe base-64 alphabet; the first 32 characters end a number.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims, tiny_districts
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"]),
    ...                   ("2021-09-05", "blue", "blue", ["North"])])
    >>> frame = tiny_districts()
    >>> data = engine_data(cs, frame, region="Tiny")
    >>> data["start"], data["days"], [v["id"] for v in data["views"]]
    ('2021-09-03', 3, ['red', 'blue', 'independent', 'combined'])
    >>> from dashboard.codec import unvarints
    >>> [data["holders"][h] for h in unvarints(data["history"]["combined"]["holder"])]
    ['red', 'disputed']
    """
    led = ledger(claims)
    dates = [c.date for c in claims.claims] or [dt.date.today()]
    start, end = min(dates), max(dates)
    region = region or getattr(claims, "region_name", None)  # the file's `region.name` first
    if region is None:
        names = list(dict.fromkeys(districts["province_name"])) if "province_name" in districts else []
        region = names[0] if len(names) == 1 else claims.province
    index = {d.pcode: i for i, d in enumerate(claims.districts)}
    geometry_of = {row.pcode: row.geometry for row in districts.itertuples()}
    labelled = len(claims.districts) <= LABELS_UP_TO

    def label_point(pcode):
        g = geometry_of.get(pcode)
        if not labelled or g is None or g.is_empty:
            return None
        p = g.representative_point()
        return [round(p.y, 5), round(p.x, 5)]

    claim_rows = []
    for c in claims.claims:
        source = claims.sources[c.source]
        claim_rows.append(
            {
                "id": c.id,
                "date": c.when.isoformat(sep=" ", timespec="minutes").removesuffix(" 00:00"),
                "day": (c.date - start).days,
                "source": source.name,
                "via": claims.sources[c.via].name if c.via else None,
                "view": source.side,
                "holder": c.holder,
                "url": c.url,
                "quote": c.quote,
                "confidence": c.confidence,
                "places": list(c.places),
            }
        )

    history = {}
    for view in claims.views:
        rows = led.history(view)
        rests = [r for row in rows for r in row[3]]
        history[view] = {
            "n": len(rows),
            "day": varints(deltas([(row[0] - start).days for row in rows])),
            "district": varints([row[1] for row in rows]),
            "holder": varints([row[2] for row in rows]),
            "count": varints([len(row[3]) for row in rows]),
            "rests": varints(deltas(rests)),
        }
    claim_days = {view: sorted({(d - start).days for d in led.claim_dates(view)}) for view in claims.views}
    counts = Counter(c.date for c in claims.claims)
    busiest = min(counts, key=lambda d: (-counts[d], d)) if counts else start
    minx, miny, maxx, maxy = (float(v) for v in districts.total_bounds) if len(districts) else (0, 0, 0, 0)
    return {
        "version": 1,
        "region": str(region),
        "title": f"{region}: who claimed which district",
        "start": start.isoformat(),
        "days": (end - start).days + 1,
        "defaultView": COMBINED if COMBINED in claims.views else claims.views[0],
        "defaultDate": busiest.isoformat(),
        "views": [{"id": v, "label": view_label(claims, v)} for v in claims.views],
        "holders": list(claims.holders),
        "holderLabels": holder_labels(claims),
        "styles": styles(claims),
        "districts": [
            {"pcode": d.pcode, "name": d.name, "name_da": d.name_da, "label": label_point(d.pcode)}
            for d in claims.districts
        ],
        "claims": claim_rows,
        "history": history,
        "claimDays": claim_days,
        "geometry": {
            "scale": SCALE,
            "features": [
                [row.pcode, *rings(row.geometry)] for row in districts.itertuples() if row.pcode in index
            ],
        },
        "bounds": [[miny, minx], [maxy, maxx]],
        "places": place_markers(claims, places),
        "staleDays": int(stale_days),
        "attribution": ATTRIBUTION,
        "attributionUrl": ATTRIBUTION_URL,
    }


def place_markers(claims: ClaimSet, places) -> list[dict]:
    """The places that have a sourced point, each with the claims that name it (indices).

    A place without ``lat``/``lon`` or without ``point_source`` is left out: never guessed.
    """
    out = []
    for place in places or ():
        lat, lon = getattr(place, "lat", None), getattr(place, "lon", None)
        source = getattr(place, "point_source", None)
        if lat is None or lon is None or not source:
            continue
        key = name_key(place.name)
        named = [i for i, c in enumerate(claims.claims) if any(name_key(p) == key for p in c.places)]
        out.append(
            {
                "name": place.name,
                "district": getattr(place, "district", None),
                "lat": float(lat),
                "lon": float(lon),
                "source": str(source),
                "confidence": getattr(place, "confidence", None),
                "claims": named,
            }
        )
    return out


def engine_json(data) -> str:
    """JSON that is safe inside ``<script type="application/json">``: it cannot close the
    element or open a comment, whatever the claims' text holds.

    Examples
    --------
    >>> engine_json({"q": "</script>&\\u2028"})
    '{"q":"\\\\u003c/script\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet 1.9's CSS and JS from the installed ``xstatic-leaflet``, with its images inlined
    as ``data:`` URIs (so nothing is fetched, from ``file://`` too).

    Examples
    --------
    >>> css, js = leaflet_assets()
    >>> "leaflet-container" in css and "data:image/png;base64," in css and "L.Icon.Default" in js
    True
    """
    import xstatic.pkg.leaflet as xleaflet

    base = Path(xleaflet.BASE_DIR)

    def data_uri(match):
        encoded = base64.b64encode((base / match.group(1)).read_bytes()).decode()
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(
        r"url\((images/[\w.-]+\.png)\)", data_uri, (base / "leaflet.css").read_text(encoding="utf-8")
    )
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    icons = {
        option: "data:image/png;base64," + base64.b64encode((base / "images" / name).read_bytes()).decode()
        for option, name in (
            ("iconUrl", "marker-icon.png"),
            ("iconRetinaUrl", "marker-icon-2x.png"),
            ("shadowUrl", "marker-shadow.png"),
        )
    }
    js += f"\nL.Icon.Default.mergeOptions({json.dumps(icons)});\n"
    return css, js


def engine_assets() -> tuple[str, str]:
    """``(engine.css, engine.js)`` as text."""
    return (
        (STATIC / "engine.css").read_text(encoding="utf-8"),
        (STATIC / "engine.js").read_text(encoding="utf-8"),
    )
