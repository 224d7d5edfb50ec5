"""The folium map of a snapshot, shared by ``python -m dashboard render`` and the app.

The map works with nothing from outside: Leaflet is inlined from the installed
``xstatic-leaflet`` package and folium's CDN links (jQuery, Bootstrap, ...) are dropped.
A small script (``static/districts.js``) colours the districts, binds tooltips and
popups, and can recolour them for any view and day from data embedded once in the page,
which is what lets the app scrub the timeline without rebuilding the map.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
from functools import lru_cache
from pathlib import Path

import folium
import numpy as np
import xstatic.pkg.leaflet as xleaflet
from branca.element import Element, MacroElement
from jinja2 import Template

from .claims import CONTESTED, DISPUTED, UNKNOWN, ClaimSet
from .control import Snapshot, ledger
from .mapdata import (  # noqa: F401
    ATTRIBUTION,
    ATTRIBUTION_URL,
    BASEMAPS,
    LABELS_UP_TO,
    UNKNOWN_COLOR,
    VIEW_LABELS,
    view_label,
)

STATIC = Path(__file__).resolve().parent / "static"
DISPUTED_COLOR = "#CC79A7"  # placeholder until the map engine draws disputed its own way
CONTESTED_FILL = "url(#contested-hatch)"


def palette(claims: ClaimSet) -> dict[str, dict]:
    """Holder -> Leaflet style. Sides keep their colours; contested is hatched, not a colour."""
    styles = {sid: {"fillColor": s.color, "fillOpacity": 0.75} for sid, s in claims.sides.items()}
    styles[CONTESTED] = {"fillColor": CONTESTED_FILL, "fillOpacity": 1.0}
    styles[DISPUTED] = {"fillColor": DISPUTED_COLOR, "fillOpacity": 0.5}
    styles[UNKNOWN] = {"fillColor": UNKNOWN_COLOR, "fillOpacity": 0.6, "dashArray": "4 4"}
    for style in styles.values():
        style.update(color="#333333", weight=1.2, opacity=1.0)
        style.setdefault("dashArray", None)
    return styles


def map_data(claims: ClaimSet, *, view: str, on, engine: bool = True) -> dict:
    """Everything the page script needs, as plain JSON: districts, claims, palette, history.

    ``history[view]`` lists end-of-day changes as ``[day, district, holder, [claims]]``, where
    ``day`` counts from ``start``; applying them up to a day gives that day's map.
    """
    led = ledger(claims)
    dates = [c.date for c in claims.claims] or [dt.date.today()]
    start, end = min(dates), max(dates)
    on_date = on if isinstance(on, dt.date) and not isinstance(on, dt.datetime) else \
        dt.date.fromisoformat(str(on)[:10])
    views = claims.views if engine else [view]
    return {
        "start": start.isoformat(),
        "days": (end - start).days + 1,
        "view": view,
        "day": (on_date - start).days,
        "views": {v: view_label(claims, v) for v in claims.views},
        "holders": led.holders,
        "holderLabels": {**{s: x.label for s, x in claims.sides.items()},
                         CONTESTED: "Contested", DISPUTED: "Disputed", UNKNOWN: "No claim yet"},
        "styles": palette(claims),
        "districts": [{"pcode": d.pcode, "name": d.name, "name_da": d.name_da}
                      for d in claims.districts],
        "claims": [{"id": c.id, "date": c.when.isoformat(sep=" ", timespec="minutes").removesuffix(" 00:00"),
                    "source": claims.sources[c.source].name,
                    "side": claims.sources[c.source].side,
                    "via": claims.sources[c.via].name if c.via else None,
                    "url": c.url, "quote": c.quote, "holder": c.holder,
                    "confidence": c.confidence} for c in claims.claims],
        "history": {v: [[(d - start).days, i, h, list(r)] for d, i, h, r in led.history(v)]
                    for v in views},
        "attribution": ATTRIBUTION,
        "attributionUrl": ATTRIBUTION_URL,
    }


def build_map(snapshot: Snapshot, districts, claims: ClaimSet, *, basemap: str = "none",
              engine: bool = True, popups: bool = True, height: str = "100%",
              compact: bool = False) -> folium.Map:
    """A folium map of a snapshot: coloured districts, legend, labels, tooltips, attribution.

    Parameters
    ----------
    snapshot : Snapshot
        From :func:`dashboard.control.resolve`.
    districts : geopandas.GeoDataFrame
        The province's districts (``pcode``, ``name``, ``geometry``), simplified for the web.
    claims : ClaimSet
    basemap : {"none", "osm", "topo"}
        Background tiles; ``none`` reads well offline.
    engine : bool
        Embed every view's history so the page can recolour any day (the app);
        otherwise only the snapshot's view.
    popups : bool
        Open the claims in force (with their links) on click; the app shows a panel instead.
    compact : bool
        Send the borders, claims and history in a compact form that the page script expands
        (:func:`compact_data`): a third of the bytes for a country. The app uses it; the
        exported page keeps plain GeoJSON and JSON that other tools can read.

    Returns
    -------
    folium.Map
        Render it with :func:`standalone_html` to get a page that needs no network.
    """
    styles = palette(claims)
    holders = snapshot.holders()
    minx, miny, maxx, maxy = districts.total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None,
                   zoom_snap=0.25, control_scale=True, height=height)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(10, 10))
    if BASEMAPS.get(basemap):
        url, attr = BASEMAPS[basemap]
        folium.TileLayer(url, attr=attr, name=basemap, max_zoom=17).add_to(m)

    features = []
    for row in districts.itertuples():
        # Compact: the layer's features carry no geometry (Leaflet skips them) and the page
        # script adds the borders from the compact copy in the district data.
        features.append({"type": "Feature", "properties": {"pcode": row.pcode},
                         "geometry": None if compact else row.geometry.__geo_interface__})
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Districts",
        style_function=lambda f: styles[holders.get(f["properties"]["pcode"], UNKNOWN)],
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
    )
    layer.add_to(m)
    if len(districts) <= LABELS_UP_TO:
        for row in districts.itertuples():
            point = row.geometry.representative_point()
            folium.Marker(
                [point.y, point.x], interactive=False,
                icon=folium.DivIcon(html=f'<div class="district-label">{html.escape(row.name)}</div>',
                                    icon_size=(120, 16), icon_anchor=(60, 8)),
            ).add_to(m)

    data = map_data(claims, view=snapshot.view, on=snapshot.on.date(), engine=engine)
    data.update(map=m.get_name(), layer=layer.get_name(), popups=popups)
    if compact:
        data = compact_data(data, districts)
    root = m.get_root()
    # By value, never as template source: claim text must not reach Jinja (branca's Element
    # compiles its argument, so `{{ 7*7 }}` in a quote would print 49 or run code).
    root.header.add_child(_Verbatim(_leaflet_inline() + _page_style()), name="leaflet_inline")
    root.html.add_child(_Verbatim(_hatch_defs() + _legend(claims)), name="legend")
    root.html.add_child(_Verbatim(
        f'<script type="application/json" id="district-data">{_json_for_html(data)}</script>'),
        name="district_data")
    # Added last so that its script runs after folium has made the map and the layer.
    m.add_child(_PageScript(), name="districts_js")
    m.default_js, m.default_css = [], []  # no CDN: Leaflet is inlined above
    return m


class _Verbatim(Element):
    """HTML put into the page by value: rendered as it is, never compiled as a template."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _PageScript(MacroElement):
    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "DistrictsScript"
        self.code = (STATIC / "districts.js").read_text(encoding="utf-8")


def standalone_html(m: folium.Map) -> str:
    """The complete HTML page of a map built by :func:`build_map`, with no external links."""
    page = m.get_root().render()
    return page


# -- The compact form of the page's data (the app sends it once per claims file) --------------
#
# Integers become text: zigzag (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...), then five bits per
# character, low bits first, from the URL-safe base-64 alphabet: the first 32 characters end
# a number, the last 32 carry on. Nothing in it needs escaping in JSON or HTML.

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SCALE = 10_000  # coordinates are sent as integers of 1e-4 degree, the grid for_web snaps to


def _varints(values) -> str:
    out = []
    for v in values:
        z = 2 * v if v >= 0 else -2 * v - 1
        while z >= 32:
            out.append(_ALPHABET[32 + (z & 31)])
            z >>= 5
        out.append(_ALPHABET[z])
    return "".join(out)


def _unvarints(text: str) -> list[int]:
    """The inverse of :func:`_varints` (the page script does the same in JavaScript)."""
    out, z, shift = [], 0, 0
    for ch in text:
        d = _ALPHABET.index(ch)
        z |= (d & 31) << shift
        if d < 32:
            out.append(z >> 1 if z % 2 == 0 else -(z + 1) // 2)
            z, shift = 0, 0
        else:
            shift += 5
    return out


def _deltas(values) -> list[int]:
    return [b - a for a, b in zip([0, *values[:-1]], values)]


def _column(values: list):
    """A column of the claims table: repeated values as a dictionary and codes."""
    distinct = list(dict.fromkeys(values))
    if len(distinct) * 4 > len(values):
        return values
    code = {v: i for i, v in enumerate(distinct)}
    return {"values": distinct, "codes": _varints([code[v] for v in values])}


def _rings(geometry) -> tuple[str, list[list[str]]]:
    """``("P" | "M", polygons)``: each ring's vertices on the grid, without the closing one,
    as a start and steps (:func:`_varints`)."""
    if geometry is None or geometry.is_empty:
        return "P", []
    kind = "M" if geometry.geom_type == "MultiPolygon" else "P"
    polygons = []
    for polygon in (geometry.geoms if kind == "M" else [geometry]):
        rings = []
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.rint(np.asarray(ring.coords)[:-1] * SCALE).astype(np.int64)
            steps = np.vstack([xy[:1], np.diff(xy, axis=0)]).ravel()
            rings.append(_varints(steps.tolist()))
        polygons.append(rings)
    return kind, polygons


def compact_data(data: dict, districts) -> dict:
    """The page data of :func:`map_data` in a compact form that ``districts.js`` expands to
    exactly the same objects, plus the borders as integers of 1 / :data:`SCALE` degree (the
    grid ``boundaries.for_web`` snaps them to, so they arrive unchanged; coordinates off that
    grid are rounded to it).

    The claims become columns (repeated texts as a dictionary), the history's rows become
    columns of integers, and each district's rings a start and steps on the grid.
    """
    out = dict(data, compact=1)
    claims = data["claims"]
    fields = list(claims[0]) if claims else []
    out["claims"] = {"n": len(claims), "fields": fields,
                     "columns": [_column([c[f] for c in claims]) for f in fields]}
    out["history"] = {}
    for view, rows in data["history"].items():
        rests = [r for row in rows for r in row[3]]
        out["history"][view] = {
            "n": len(rows), "day": _varints(_deltas([row[0] for row in rows])),
            "district": _varints([row[1] for row in rows]), "holder": _varints([row[2] for row in rows]),
            "count": _varints([len(row[3]) for row in rows]), "rests": _varints(_deltas(rests))}
    out["geometry"] = {"scale": SCALE, "features": [[row.pcode, *_rings(row.geometry)]
                                                  for row in districts.itertuples()]}
    return out


def _json_for_html(data) -> str:
    """JSON that cannot close its <script> element, whatever the claims' text holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=1)
def _leaflet_inline() -> str:
    base = Path(xleaflet.BASE_DIR)
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match):
        image = base / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode()
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    # Leaflet looks for its default marker images beside its CSS: hand them over inline.
    icons = {option: "data:image/png;base64," + base64.b64encode((base / "images" / name).read_bytes()).decode()
             for option, name in (("iconUrl", "marker-icon.png"), ("iconRetinaUrl", "marker-icon-2x.png"),
                                  ("shadowUrl", "marker-shadow.png"))}
    js += f"\nL.Icon.Default.mergeOptions({json.dumps(icons)});"
    return f"<style>{css}</style>\n<script>{js}</script>\n"


def _page_style() -> str:
    return (STATIC / "districts.css").read_text(encoding="utf-8").join(["<style>", "</style>"])


def _hatch_defs() -> str:
    # An SVG pattern the district paths reference as fill="url(#contested-hatch)".
    return ('<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
            '<pattern id="contested-hatch" patternUnits="userSpaceOnUse" width="8" height="8" '
            'patternTransform="rotate(45)"><rect width="8" height="8" fill="#F3EA8C"/>'
            '<rect width="2.5" height="8" fill="#444444"/></pattern></defs></svg>')


def _legend(claims: ClaimSet) -> str:
    items = []
    for sid, side in claims.sides.items():
        items.append(f'<li data-holder="{html.escape(sid)}"><span class="swatch" style="background:'
                     f'{html.escape(side.color)}"></span>{html.escape(side.label)}</li>')
    items.append('<li data-holder="contested"><span class="swatch hatch"></span>Contested '
                 '(fighting claimed)</li>')
    items.append(f'<li data-holder="disputed"><span class="swatch" style="background:{DISPUTED_COLOR}">'
                 '</span>Disputed (the voices disagree)</li>')
    items.append('<li data-holder="unknown"><span class="swatch unknown"></span>No claim yet</li>')
    return (f'<div id="legend" class="map-legend"><div class="legend-title" id="legend-title"></div>'
            f'<ul>{"".join(items)}</ul><div class="legend-source">'
            f'<a href="{ATTRIBUTION_URL}" target="_blank" rel="noopener noreferrer">'
            f'{html.escape(ATTRIBUTION)}</a></div></div>')
