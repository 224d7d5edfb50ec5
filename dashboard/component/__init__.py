"""The map as a Streamlit component (Components v2): the engine draws the map and owns its controls.

The browser side is ``dashboard/static/engine.js`` (``window.ControlMap``: the view toggle,
the timeline slider, previous/next claim, play/pause, the legend and the selection) with
Leaflet, started by the small ``glue.js`` module here. Python sends the engine's data for one
claims file (a JSON string, cached by the caller) and, rarely, a *push*: a state that
originates in Python (the URL on first load, the district select box, a chart click, a
repair after a claims edit), numbered so that the map applies each push once. Everything
the person does on the map comes back as the component's state, read with
:func:`control_map`'s return value.

Nothing here reads Streamlit's page: the map renders its own controls, in its own shadow root.

Streamlit sends an element's message as a reference to the browser's cached copy when it is
unchanged (``global.minCachedMessageSize``, 10 kB): the arguments below are built so that
they do not change while the person scrubs or plays (the push changes only when Python
changes the state), so the data and the scripts go over the wire once per page, per claims
edit, per basemap and per push.

The element's data is bytes: a line of JSON (push, basemap, height), a newline, then the
engine's JSON as UTF-8. As a ``dict``, the engine's 0.6 MB string (399 districts) was
JSON-escaped twice on every rerun (the message, and its identity with sorted keys): about
5 ms of server CPU per slider step. Bytes are hashed once and copied, never escaped.
"""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path

import streamlit as st

from dashboard import mapdata
from dashboard.state import MapState

__all__ = ["MapState", "basemap_spec", "control_map", "map_drawn", "map_report"]

_HERE = Path(__file__).resolve().parent


def _script() -> tuple[str, str]:
    """The component's CSS and JS: Leaflet, the engine and the glue, as one ES module."""
    leaflet_css, leaflet_js = mapdata.leaflet_assets()
    engine_css, engine_js = mapdata.engine_assets()
    glue = (_HERE / "glue.js").read_text(encoding="utf-8")
    # Leaflet and the engine are classic scripts: each runs in its own function, with
    # ``this`` the global object, before the glue module's own code.
    js = (
        "".join(f"(function () {{\n{code}\n}}).call(globalThis);\n" for code in (leaflet_js, engine_js))
        + glue
    )
    css = leaflet_css + "\n" + engine_css + "\n:host { display: block; height: 100%; }\n"
    return css, js


_CSS, _JS = _script()
# isolate_styles: the map lives in a shadow root, so Streamlit's styles (img max-width, fonts)
# do not reach Leaflet's tiles and panes, and the engine's styles do not leak into the page.
_mount = st.components.v2.component("panjshir.control_map", css=_CSS, js=_JS, isolate_styles=True)


def basemap_spec(name: str | None) -> dict | None:
    """The engine's basemap for one of :data:`dashboard.mapdata.BASEMAPS`' names.

    Examples
    --------
    >>> basemap_spec("none") is None
    True
    >>> sorted(basemap_spec("osm"))
    ['attribution', 'maxZoom', 'url']
    """
    found = mapdata.BASEMAPS.get(name or "none")
    if not found:
        return None
    url, attribution = found[0], html.unescape(found[1])  # the engine escapes it: plain text
    return {"url": url, "attribution": attribution, "maxZoom": 18 if "openstreetmap" in url else 17}


def _ignore():
    """The state's change callback: reading the return value is all the page needs."""


def control_map(
    data: str,
    *,
    push: dict | None = None,
    basemap: str | dict | None = None,
    key: str = "map",
    height: int = 560,
) -> MapState | None:
    """Show the map with its controls; return what the person last did on it.

    Parameters
    ----------
    data : str
        :func:`dashboard.mapdata.engine_json` of :func:`dashboard.mapdata.engine_data` for the
        claims shown. Cache it on the claims' digest and pass the same string on every rerun:
        then Streamlit sends it once.
    push : dict, optional
        ``{"seq": n, "state": {view, date, district, compare}}``: a state that Python wants
        the map to show (from :func:`dashboard.state.step`). The map applies a push whose
        ``seq`` is greater than the last it applied, once, and does not report it back. Pass
        the same push again on the reruns that follow (it changes only with the next push).
    basemap : str or dict, optional
        ``None`` or ``"none"`` (no tiles: offline), a name from ``mapdata.BASEMAPS``, or the
        engine's ``{url, attribution, maxZoom}``. A change keeps zoom and pan.
    key : str
        The component's key; keep it fixed so the map is never rebuilt.
    height : int
        Height in pixels.

    Returns
    -------
    MapState or None
        The map's last report (``view``, ``date``, ``district``, ``compare``; its ``stamp``
        tells one report from the next), or ``None`` before the map has reported anything.

    Examples
    --------
    In a page script::

        report = control_map(engine_json_for(claims.digest), push=session.push, key="map")
        session = state.step(session, options, map_state=report).session
    """
    if isinstance(basemap, str) or basemap is None:
        basemap = basemap_spec(basemap)
    head = json.dumps({"push": push, "basemap": basemap, "height": int(height)}, separators=(",", ":"))
    result = _mount(
        key=key,
        data=head.encode() + b"\n" + _utf8(data),
        on_state_change=_ignore,
        on_drawn_change=_ignore,
        height=int(height),
    )
    return _report(result.get("state") if result is not None else None)


@functools.lru_cache(maxsize=4)
def _utf8(engine: str) -> bytes:
    """The engine's JSON as UTF-8, once per string (the caller passes the same cached one)."""
    return engine.encode()


def map_report(key: str = "map") -> MapState | None:
    """The map's last report, read before the map is drawn in this rerun (``None`` if none).

    The page's state block runs first (its result decides what the map is told), so it reads
    the component's state from the session here; :func:`control_map` returns the same.
    """
    return _report(_state(key).get("state"))


def map_drawn(key: str = "map") -> bool:
    """Whether the map has been drawn in this session's browser (it says so once, after its first frame).

    A page can send what lies below and beside the map only then: every element that reaches
    the browser with the map is built before the map's own code runs (Streamlit mounts a
    component after the elements that arrived with it), which held the map's first paint back
    by 0.2-0.3 s (``python -m bench.firstpaint``). The map's report reruns the page.
    """
    return _state(key).get("drawn") is True


def _state(key: str) -> dict:
    """The component's state in the session (``{}`` before it has set any)."""
    try:
        value = st.session_state[key]
    except (KeyError, AttributeError):
        return {}
    return value if hasattr(value, "get") else {}


def _report(value) -> MapState | None:
    """The component's state value as a :class:`MapState` (``None`` if it is not one)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("view"), str)
        or not isinstance(value.get("date"), str)
    ):
        return None

    def text(name):
        item = value.get(name)
        return item if isinstance(item, str) else None

    return MapState(
        value["view"], value["date"], text("district"), text("compare"), stamp=str(value.get("stamp"))
    )
