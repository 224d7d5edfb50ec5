"""The district map as a Streamlit component that never reloads while the user scrubs.

The map page (built by :func:`dashboard.maps.build_map`) arrives once, with every view's
history inside it. The component then follows the page's own view control and date slider
in the browser (they are found by their widget keys), recolouring the districts in the
same frame as the key press, and reports a click on a district back to Python. Because its
arguments do not change while the user scrubs, Streamlit sends them only once (large
unchanged elements go to the browser as a reference to its cached copy).
"""

from __future__ import annotations

from pathlib import Path

import streamlit.components.v1 as components

_FRONTEND = Path(__file__).resolve().parent / "frontend"
_component = components.declare_component("district_map", path=str(_FRONTEND))


def district_map(html: str, *, view_key: str, date_key: str, select: str | None = None,
                 key: str = "map", height: int = 560) -> dict | None:
    """Show the map page ``html`` and return the user's last click, ``{"district": pcode}``.

    Parameters
    ----------
    html : str
        A standalone map page from :func:`dashboard.maps.standalone_html`.
    view_key, date_key : str
        The widget keys of the page's view control and date slider (a ``select_slider``
        whose options are the map's days, in order); the map follows them in the browser.
    select : str, optional
        A district to highlight, when the choice comes from Python (the URL, a select box).
        Change it only when that choice changes: any change re-sends the map's arguments.
    key : str
        The component's widget key; keep it fixed so the map is never rebuilt.
    height : int
        Height in pixels.
    """
    return _component(html=html, view_key=view_key, date_key=date_key, select=select,
                      height=height, key=key, default=None)
