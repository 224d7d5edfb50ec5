"""The naive way, for comparison: a plain folium map of one snapshot, rebuilt on every rerun.

This is how a Streamlit map is usually written: resolve the date, build a ``folium.GeoJson``
whose style function colours each district by its holder, and hand the map to
``streamlit_folium.st_folium``. Nothing is kept in the browser between reruns.

Offline: ``st_folium``'s frontend loads the map's script links one by one and stops at the
first that fails, so the only links left are Leaflet's, served by Streamlit's static file
serving from ``bench/static/`` (git-ignored, filled by :func:`populate_static`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import folium
import folium.elements
from branca.element import MacroElement
from jinja2 import Template

from dashboard.claims import CONTESTED, UNKNOWN
from dashboard.mapdata import DISPUTED, UNKNOWN_COLOR, view_label

STATIC = Path(__file__).resolve().parent / "static"
STATIC_URL = "/app/static"
CONTESTED_COLOR = "#555555"
DISPUTED_COLOR = "#B0B0B0"  # solid grey: the naive map has no hatching


def populate_static() -> Path:
    """Copy Leaflet (from ``xstatic-leaflet``) into ``bench/static/`` for the naive app."""
    import xstatic.pkg.leaflet as xleaflet

    base = Path(xleaflet.BASE_DIR)
    STATIC.mkdir(exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copyfile(base / name, STATIC / name)
    shutil.copytree(base / "images", STATIC / "images", dirs_exist_ok=True)
    return STATIC


def fills(claims) -> dict[str, str]:
    """Holder -> fill colour in the naive map."""
    return {
        **{sid: s.color for sid, s in claims.sides.items()},
        CONTESTED: CONTESTED_COLOR,
        DISPUTED: DISPUTED_COLOR,
        UNKNOWN: UNKNOWN_COLOR,
    }


def build(snapshot, districts, claims, *, day: str) -> folium.Map:
    """A folium map of one snapshot; ``day`` is written into the page for the benchmark."""
    colour = fills(claims)
    holders = snapshot.holders()
    minx, miny, maxx, maxy = districts.total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None, zoom_snap=0.25)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(10, 10))
    features = [
        {
            "type": "Feature",
            "geometry": row.geometry.__geo_interface__,
            "properties": {"pcode": row.pcode, "name": row.name},
        }
        for row in districts.itertuples()
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda f: {
            "fillColor": colour[holders.get(f["properties"]["pcode"], UNKNOWN)],
            "fillOpacity": 0.75,
            "color": "#333333",
            "weight": 1.2,
        },
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(m)
    # The view and date on the map, as the real map's legend title shows them (this also keeps
    # st_folium from reusing the previous map when two days happen to look alike).
    title = _Title(f"{view_label(claims, snapshot.view)}, {day}", day)
    m.add_child(title)
    # No CDN: only Leaflet, from this server.
    for element in _walk(m):
        if isinstance(element, folium.elements.JSCSSMixin):
            element.default_js, element.default_css = [], []
    m.default_js = [("leaflet", f"{STATIC_URL}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{STATIC_URL}/leaflet.css")]
    return m


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


class _Title(MacroElement):
    """A map control with the view and date; ``#bench-day[data-day]`` is read by the probe."""

    _template = Template("""{% macro script(this, kwargs) %}
    (function () {
        var title = L.control({position: "topright"});
        title.onAdd = function () {
            var div = L.DomUtil.create("div", "map-title");
            div.id = "bench-day";
            div.setAttribute("data-day", {{ this.day|tojson }});
            div.style.cssText = "background:#fff;padding:2px 6px;font:13px sans-serif";
            div.textContent = {{ this.text|tojson }};
            return div;
        };
        title.addTo({{ this._parent.get_name() }});
    })();
    {% endmacro %}""")

    def __init__(self, text: str, day: str):
        super().__init__()
        self._name = "Title"
        self.text, self.day = text, day
