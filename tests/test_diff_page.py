"""The page's comparison with an earlier git version of the claims file (sidebar), via AppTest."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.apptest import run
from tests.test_diff import git


@pytest.fixture
def versioned(tmp_path, repo_claims, monkeypatch):
    """A git repository whose claims.yaml has one commit; the working copy moves a claim's holder."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    path = repo / "claims.yaml"
    shutil.copy(repo_claims, path)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first <b>version</b>")
    text = path.read_text(encoding="utf-8")
    first = re.search(r"\n  - id: (\S+)\n(?:    .*\n)*?    holder: (\w+)\n", text)
    flipped = "nrf" if first.group(2) == "taliban" else "taliban"
    path.write_text(
        text[: first.start()]
        + first.group(0).replace(f"holder: {first.group(2)}", f"holder: {flipped}")
        + text[first.end() :],
        encoding="utf-8",
    )
    monkeypatch.setenv("DASHBOARD_CLAIMS", str(path))
    return repo


def test_sidebar_lists_districts_whose_colour_differs_from_a_commit(versioned):
    at = run({"view": "combined"}, timeout=90)
    assert not at.exception
    box = at.sidebar.selectbox(key="compare_rev")
    assert box.value is None and len(box.options) == 2
    assert "first <b>version</b>" in box.options[1]  # a commit subject, shown as text
    box.select_index(1).run()
    assert not at.exception
    frames = at.sidebar.dataframe
    assert frames, [c.value for c in at.sidebar.caption]
    table = frames[0].value
    assert list(table.columns) == ["district", "from", "to", "then", "now", "on date"]
    assert len(table) >= 1 and set(table["district"]) <= {
        "Bazarak",
        "Rukha",
        "Dara",
        "Khenj",
        "Anawa",
        "Shutul",
        "Paryan",
    }


def test_no_sidebar_outside_git(claims_file):
    if (claims_file.parent / ".git").exists():
        pytest.skip("unexpected repository")
    at = run(timeout=90)
    assert not at.exception
    assert not [w for w in at.sidebar.selectbox if w.key == "compare_rev"]
