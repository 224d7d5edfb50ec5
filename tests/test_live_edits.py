"""Editing claims.yaml while the app runs, and nothing the app or the CLI does writes it.

* A valid edit shows on the next interaction, without a restart: the map's fills follow it.
* An invalid edit shows its problems as ``path:line: message`` while the map keeps the last
  good data; fixing the file recovers, again without a restart.
* An edit that takes away what a session is looking at (its view, its day) moves the
  session to something that exists instead of breaking it.
* The app never writes the claims file (bytes and mtime unchanged after clicks, toggles and
  downloads); CLI commands without ``-o`` write no file, with ``-o`` only that one.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest

from dashboard import cli
from dashboard.claims import read_claims
from dashboard.control import resolve
from dashboard.mapdata import styles
from tests.apptest import on_map, run, shown
from tests.browser import (
    choose_view,
    fills,
    holders,
    map_root,
    map_view,
    open_app,
    slider,
    wait_for_holders,
    wait_for_idle,
    wait_for_map,
    zoom_in_and_pan,
)
from tests.conftest import ROOT, streamlit_server
from tests.test_app import counts

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


def colour(claims, holder: str) -> str:
    """The fill the engine gives ``holder`` (a side's colour; a pattern is a ``url(#...)``)."""
    style = styles(claims)[holder]
    return "url(#" if style.get("pattern") else style["color"]


# -- AppTest: an edit that takes away the session's view or day ---------------------------------
def test_renaming_the_side_a_session_is_viewing_keeps_the_session_working(claims_file):
    at = run({"view": "nrf", "date": DATE})
    assert not at.exception
    text = claims_file.read_text(encoding="utf-8")
    renamed = (
        text.replace("  nrf: {", "  front: {")
        .replace(": nrf}", ": front}")
        .replace("side: nrf,", "side: front,")
        .replace("holder: nrf\n", "holder: front\n")
    )
    claims_file.write_text(renamed, encoding="utf-8")
    claims = read_claims(claims_file)  # a valid edit
    assert "nrf" not in claims.views

    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert shown(at).view == claims.views[0]
    # The map is told (a push), since the change came from Python, not from the map.
    assert at.session_state["map_session"].push["state"]["view"] == claims.views[0]
    on_map(at, date=next_day(DATE))  # and it goes on working
    assert not at.exception
    assert (shown(at).view, shown(at).date) == (claims.views[0], next_day(DATE))


def test_shortening_the_timeline_under_a_session_keeps_it_working(claims_file):
    text = claims_file.read_text(encoding="utf-8")
    claims = read_claims(claims_file)
    last = max(c.date for c in claims.claims).isoformat()
    at = run({"view": "taliban", "date": last})
    assert shown(at).date == last
    # Drop the last day's claims: the slider's range now ends earlier.
    lines = text.split("\n")
    first_of_last = min(c.line for c in claims.claims if c.date.isoformat() == last)
    claims_file.write_text("\n".join(lines[: first_of_last - 1]) + "\n", encoding="utf-8")
    shorter = read_claims(claims_file)
    new_last = max(c.date for c in shorter.claims).isoformat()
    assert new_last < last

    on_map(at, date=last)  # the map, still on the old data, reports the old last day
    assert not at.exception, [e.value for e in at.exception]
    assert shown(at).date == new_last  # the nearest day that exists
    assert at.session_state["map_session"].push["state"]["date"] == new_last


def test_a_valid_edit_changes_the_counts_on_the_next_rerun(claims_file):
    before = read_claims(claims_file)
    at = run({"view": "taliban", "date": DATE})
    edited, _ = flip_a_holder(claims_file.read_text(encoding="utf-8"), before, "taliban", DATE)
    claims_file.write_text(edited, encoding="utf-8")
    after = read_claims(claims_file)
    at.run()
    now = list(expected(after, "taliban", DATE).values())
    want = [(now.count(h), h) for h in after.holders if now.count(h)]
    assert counts(at) == want
    assert not at.error


def test_a_file_that_vanishes_while_being_saved_keeps_the_last_good_data(claims_file):
    at = run({"view": "taliban", "date": DATE})
    good = counts(at)
    saved = claims_file.read_bytes()
    claims_file.unlink()  # an editor that saves by writing a new file and renaming it
    at.run()
    assert not at.exception
    assert "cannot read file" in at.code[0].value and "last good version" in at.error[0].value
    assert counts(at) == good
    claims_file.write_bytes(saved[: len(saved) // 2])  # half written
    at.run()
    assert not at.exception and at.error
    assert counts(at) == good
    claims_file.write_bytes(saved)
    at.run()
    assert not at.exception and not at.error
    assert counts(at) == good


# -- In Chromium: the map follows the file ----------------------------------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory, repo_claims):
    """A copy of the claims that the tests edit, and the app serving it."""
    path = tmp_path_factory.mktemp("live") / "claims.yaml"
    shutil.copy(repo_claims, path)
    with streamlit_server(path) as url:
        yield url, path, path.read_text(encoding="utf-8")


@pytest.fixture
def page(chromium, output_dir, live):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    page.screenshot(path=str(output_dir / "last.png"), full_page=True)
    context.close()
    _, path, original = live
    path.write_text(original, encoding="utf-8")  # whatever the test did to it
    assert not errors, f"JavaScript errors: {errors}"


def rerun(page, action):
    """Do ``action`` and wait for the rerun it causes to finish (the page writes the URL on
    every run that changes the state), not only for the page to be idle, which it also is
    before the rerun starts."""
    before = page.evaluate("() => location.search")
    action()
    page.wait_for_function("(before) => location.search !== before", arg=before, timeout=30_000)
    wait_for_idle(page)


def press(page, key: str):
    slider(page).focus()
    page.keyboard.press(key)


@pytest.mark.browser
def test_a_valid_edit_shows_on_the_next_interaction_and_keeps_the_zoom(page, live):
    url, path, original = live
    before = read_claims(path)
    open_app(page, url, f"view=taliban&date={DATE}")
    wait_for_holders(page, expected(before, "taliban", DATE))
    zoom_in_and_pan(page)
    where = map_view(page)

    day = next_day(DATE)
    edited, pcode = flip_a_holder(original, before, "taliban", day)
    path.write_text(edited, encoding="utf-8")
    after = read_claims(path)
    assert expected(after, "taliban", day) != expected(before, "taliban", day)

    rerun(page, lambda: press(page, "ArrowRight"))  # the next interaction
    wait_for_holders(page, expected(after, "taliban", day), timeout=30)
    holder = expected(after, "taliban", day)[pcode]
    assert fills(page)[pcode].startswith(colour(after, holder))
    assert slider(page).get_attribute("aria-valuetext") == "6 Sep 2021"
    assert map_view(page) == pytest.approx(where)  # new data, same zoom and pan

    choose_view(page, "All voices combined")  # and every view uses the edit
    wait_for_holders(page, expected(after, "combined", day), timeout=30)
    wait_for_idle(page)
    assert not page.get_by_text("problem(s)").count()


@pytest.mark.browser
def test_an_invalid_edit_shows_its_problems_keeps_the_map_and_recovers(page, live):
    url, path, original = live
    good = read_claims(path)
    open_app(page, url, f"view=taliban&date={DATE}")
    wait_for_holders(page, expected(good, "taliban", DATE))
    # The map element is never rebuilt: the engine's root stays the same node throughout.
    map_root(page).evaluate("root => { root.dataset.testMark = 'first'; }")

    broken = original.replace("holder: taliban", "holder: talibn", 1)
    line = original[: original.index("holder: taliban")].count("\n") + 1
    path.write_text(broken, encoding="utf-8")
    press(page, "ArrowRight")
    problem = page.get_by_text(f"{path}:{line}: unknown holder 'talibn'")
    problem.wait_for(timeout=30_000)
    wait_for_idle(page)
    assert page.get_by_text("showing the last good version").count() == 1
    day = next_day(DATE)
    assert holders(page) == expected(good, "taliban", day)  # the last good data
    press(page, "ArrowRight")  # and the map still follows its slider
    wait_for_holders(page, expected(good, "taliban", next_day(day)))
    wait_for_map(page, date=next_day(day))
    wait_for_idle(page)
    assert problem.count() == 1
    assert map_root(page).count() == 1
    assert map_root(page).get_attribute("data-test-mark") == "first"

    fixed, _ = flip_a_holder(original, good, "taliban", next_day(day, 2))
    path.write_text(fixed, encoding="utf-8")  # fixed differently: the map must show the fix
    fixed_claims = read_claims(path)
    press(page, "ArrowRight")
    wait_for_holders(page, expected(fixed_claims, "taliban", next_day(day, 2)), timeout=30)
    problem.wait_for(state="detached", timeout=30_000)
    assert not page.get_by_text("problem(s)").count()
    assert map_root(page).get_attribute("data-date") == next_day(day, 2)
    assert map_root(page).get_attribute("data-test-mark") == "first"


@pytest.mark.browser
def test_the_app_never_writes_the_claims_file(page, live, tmp_path):
    url, path, original = live
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent)))
    claims = read_claims(path)
    open_app(page, url, f"view=taliban&date={DATE}")
    wait_for_holders(page, expected(claims, "taliban", DATE))
    map_root(page).locator("path[data-pcode='AF0801']").click(force=True)
    page.get_by_text("Bazarak: every claim, in every view").wait_for(timeout=30_000)
    wait_for_idle(page)
    for view in ("National Resistance Front", "All voices combined", "Independent reports"):
        rerun(page, lambda v=view: choose_view(page, v))
    for key in ("ArrowRight", "ArrowRight", "ArrowLeft"):
        rerun(page, lambda k=key: press(page, k))
    rerun(page, lambda: map_root(page).get_by_role("button", name="Next claim").click())
    rerun(page, lambda: map_root(page).get_by_role("button", name="Previous claim").click())
    names = []
    for label in ("Snapshot (CSV)", "Snapshot (GeoJSON)", "Map (standalone HTML)"):
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name=label).click()
        download.value.save_as(tmp_path / download.value.suggested_filename)
        names.append(download.value.suggested_filename)
    assert [n.rsplit(".", 1)[1] for n in names] == ["csv", "geojson", "html"]
    open_app(page, url)  # a new session, on the same server
    after = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent)))
    assert after[0] == before[0] == original.encode("utf-8")
    assert after[1:] == before[1:]


# -- The command line writes only where it is told to ------------------------------------------
READ_ONLY = [
    ["validate", "{claims}"],
    ["snapshot", "--claims", "{claims}", "--date", DATE, "--view", "taliban"],
    ["snapshot", "--claims", "{claims}", "--date", DATE, "--view", "nrf", "--format", "json"],
    ["snapshot", "--claims", "{claims}", "--date", DATE, "--view", "combined", "--format", "geojson"],
    ["timeline", "--claims", "{claims}", "--view", "independent"],
    ["timeline", "--claims", "{claims}", "--view", "taliban", "--format", "json"],
]
WRITING = [
    (["snapshot", "--claims", "{claims}", "--date", DATE, "--view", "taliban"], "out.csv"),
    (
        ["snapshot", "--claims", "{claims}", "--date", DATE, "--view", "taliban", "--format", "geojson"],
        "out.geojson",
    ),
    (["timeline", "--claims", "{claims}", "--view", "nrf", "--format", "json"], "out.json"),
    (["render", "--claims", "{claims}", "--date", DATE, "--view", "combined"], "map.html"),
]


@pytest.fixture
def claims_copy(tmp_path, repo_claims):
    path = tmp_path / "claims" / "claims.yaml"
    path.parent.mkdir()
    shutil.copy(repo_claims, path)
    return path


def _argv(template, claims):
    return [a.format(claims=claims) for a in template]


def test_cli_without_output_writes_no_file(tmp_path, claims_copy, monkeypatch, capsys):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("DASHBOARD_CLAIMS", raising=False)
    stamp = (claims_copy.read_bytes(), claims_copy.stat().st_mtime_ns)
    for template in READ_ONLY:
        assert cli.main(_argv(template, claims_copy)) == 0, template
        assert capsys.readouterr().out  # it went to standard output...
        assert os.listdir(work) == [], template  # ...and nowhere else
    assert (claims_copy.read_bytes(), claims_copy.stat().st_mtime_ns) == stamp
    assert os.listdir(claims_copy.parent) == ["claims.yaml"]


@pytest.mark.parametrize("template, name", WRITING, ids=[w[1] for w in WRITING])
def test_cli_with_output_writes_only_that_file(tmp_path, claims_copy, monkeypatch, capsys, template, name):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    stamp = (claims_copy.read_bytes(), claims_copy.stat().st_mtime_ns)
    assert cli.main([*_argv(template, claims_copy), "-o", name]) == 0
    assert os.listdir(work) == [name]
    assert (work / name).stat().st_size > 0
    assert (claims_copy.read_bytes(), claims_copy.stat().st_mtime_ns) == stamp


def test_cli_in_a_real_process_writes_only_the_output(tmp_path, claims_copy):
    """The same through ``python -m dashboard`` in an empty folder: no cache, no stray file."""
    work = tmp_path / "cwd"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DASHBOARD_CLAIMS", None)
    snapshot = subprocess.run(
        [sys.executable, "-m", "dashboard", *_argv(READ_ONLY[1], claims_copy)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert snapshot.returncode == 0, snapshot.stderr
    assert snapshot.stdout.startswith("pcode,district,holder,since,claim_ids")
    assert os.listdir(work) == []
    render = subprocess.run(
        [sys.executable, "-m", "dashboard", *_argv(WRITING[-1][0], claims_copy), "-o", "map.html"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert render.returncode == 0, render.stderr
    assert os.listdir(work) == ["map.html"]
    assert os.listdir(claims_copy.parent) == ["claims.yaml"]
