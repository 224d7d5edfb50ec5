"""The page under ``streamlit.testing.v1.AppTest`` (no browser), as a visitor's browser drives it.

AppTest does not run the map component's JavaScript, so what the map tells the page is set
where the browser puts it: the component's state (``st.session_state["map"]``), read by
:func:`dashboard.component.map_report` and :func:`dashboard.component.map_drawn`.
"""

from __future__ import annotations

import itertools

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")
_stamps = itertools.count(1)


def run(query: dict | None = None, *, drawn: bool = True, timeout: float = 60) -> AppTest:
    """The page's first run for a visitor whose URL has ``query``.

    ``drawn``: the map has said it is drawn, so the page is whole (a browser's second run
    follows at once); ``False`` is the very first run, the map alone.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if drawn:
        at.session_state["map"] = {"drawn": True}
    return at.run()


def on_map(at: AppTest, **changes) -> AppTest:
    """Rerun as if the person had used the map's own controls (its component state changes)."""
    shown = at.session_state["map_session"].state.as_dict()
    at.session_state["map"] = {"drawn": True, "state": {**shown, **changes, "stamp": f"test:{next(_stamps)}"}}
    return at.run()


def shown(at: AppTest):
    """The page's state: ``MapState(view, date, district, compare)``."""
    return at.session_state["map_session"].state
