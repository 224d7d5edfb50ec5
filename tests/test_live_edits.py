"""Editing claims.yaml while the app runs.

* An edit that takes away what a session is looking at (its view, its day) moves the
  session to something that exists instead of breaking it.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.claims import read_claims
from dashboard.control import resolve
from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")
DATE = "2021-09-05"


def expected(claims, view, on):
    return resolve(claims, view=view, on=on).holders()


def next_day(iso: str, step: int = 1) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=step)).isoformat()


def flip_a_holder(text: str, claims, view: str, on: str) -> tuple[str, str]:
    """The file with one claim's holder changed so that ``view`` on ``on`` looks different.

    Returns the new text and the P-code of a district whose holder the change flips.
    """
    sides = list(claims.sides)
    for state in resolve(claims, view=view, on=on).states:
        if state.holder not in sides or not state.claim_ids:
            continue
        claim = claims.claim(state.claim_ids[-1])
        other = next(s for s in sides if s != claim.holder)
        lines = text.split("\n")
        start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {claim.id}")
        at = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("holder:"))
        lines[at] = lines[at].replace(f"holder: {claim.holder}", f"holder: {other}")
        return "\n".join(lines), state.pcode
    raise AssertionError(f"no district held by a side in {view} on {on}")


# -- AppTest: an edit that takes away the session's view or day ---------------------------------
@pytest.fixture
def claims_file(tmp_path, repo_claims, monkeypatch):
    path = tmp_path / "claims.yaml"
    shutil.copy(repo_claims, path)
    monkeypatch.setenv("DASHBOARD_CLAIMS", str(path))
    return path


def run_app(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_renaming_the_side_a_session_is_viewing_keeps_the_session_working(claims_file):
    at = run_app({"view": "nrf", "date": DATE})
    assert not at.exception
    text = claims_file.read_text(encoding="utf-8")
    renamed = (text.replace("  nrf: {", "  front: {").replace(": nrf}", ": front}")
               .replace("holder: nrf\n", "holder: front\n"))
    claims_file.write_text(renamed, encoding="utf-8")
    claims = read_claims(claims_file)  # a valid edit
    assert "nrf" not in claims.views

    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.segmented_control(key="view").value == claims.views[0]
    at.select_slider(key="date").set_value(next_day(DATE)).run()  # and it goes on working
    assert not at.exception
    assert at.segmented_control(key="view").value == claims.views[0]


def test_shortening_the_timeline_under_a_playing_session_keeps_it_working(claims_file):
    text = claims_file.read_text(encoding="utf-8")
    claims = read_claims(claims_file)
    last = max(c.date for c in claims.claims).isoformat()
    at = run_app({"view": "taliban", "date": last})
    assert at.select_slider(key="date").value == last
    # Drop the last day's claims: the slider's range now ends earlier.
    lines = text.split("\n")
    first_of_last = min(c.line for c in claims.claims if c.date.isoformat() == last)
    claims_file.write_text("\n".join(lines[:first_of_last - 1]) + "\n", encoding="utf-8")
    shorter = read_claims(claims_file)
    new_last = max(c.date for c in shorter.claims).isoformat()
    assert new_last < last

    at.session_state["playing"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.select_slider(key="date").value == new_last  # the nearest day that exists
    assert not at.session_state["playing"]  # at the end: playing stops
