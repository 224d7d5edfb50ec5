"""Tests of dashboard.diff (pure, on claim sets built in code) and of ``python -m dashboard diff``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess

import pytest

from dashboard import cli
from dashboard.claims import Source
from dashboard.diff import (
    ABSENT,
    EntryChange,
    claim_fields_changed,
    compare,
    markdown,
    plain,
    to_markdown,
    to_text,
)
from dashboard.testing import tiny_claims
from tests.conftest import ROOT

BASE = [("2021-09-03", "red", "red", ["North", "South"]), ("2021-09-05", "blue", "blue", ["North"])]


def holders(diff, view):
    return [
        (
            h.district,
            str(h.start),
            str(h.end) if h.end else None,
            h.old_holder,
            h.new_holder,
            h.old_claims,
            h.new_claims,
        )
        for h in diff.holders
        if h.view == view
    ]


# -- claims by id --------------------------------------------------------------------------------


def test_same_claims_no_difference():
    d = compare(tiny_claims(BASE), tiny_claims(BASE))
    assert not d
    assert to_text(d).endswith("no differences\n")
    assert "No differences." in to_markdown(d)


def test_added_removed_and_changed_by_id():
    old = tiny_claims(BASE)
    new = tiny_claims(
        [BASE[0], ("2021-09-06", "blue", "blue", ["North"]), ("2021-09-07", "press", "red", ["East"])]
    )
    d = compare(old, new)
    assert [c.id for c in d.added] == ["c2"]
    assert d.removed == ()
    assert [(c.id, c.fields) for c in d.changed] == [("c1", ("date",))]


def test_removed_claim():
    d = compare(tiny_claims(BASE), tiny_claims(BASE[:1]))
    assert [c.id for c in d.removed] == ["c1"]


@pytest.mark.parametrize(
    "change, fields",
    [
        ({"holder": "blue"}, ("holder",)),
        ({"quote": "new words"}, ("quote",)),
        ({"districts": ("XX0102", "XX0101")}, ()),  # the same districts in another order
        ({"districts": ("XX0101",)}, ("districts",)),
        ({"named": "Nord"}, ("districts",)),  # written differently, same district
        ({"order": 9, "line": 99}, ()),  # moved in the file: no field changed
        ({"when": dt.datetime(2021, 9, 3, 14)}, ("date",)),
        ({"source": "blue", "via": "press"}, ("source", "via")),
    ],
)
def test_claim_fields_changed(change, fields):
    claim = tiny_claims(BASE).claims[0]
    assert claim_fields_changed(claim, dataclasses.replace(claim, **change)) == fields


def test_sources_and_sides_changed():
    old = tiny_claims(BASE)
    new = tiny_claims(BASE, sides=("red", "blue", "green"))
    new.sources["press"] = Source("press", "The Press", "independent", "https://press.example")
    d = compare(old, new, views=[])
    assert set(d.entries) == {
        EntryChange("side", "green", "added"),
        EntryChange("source", "green", "added"),
        EntryChange("source", "press", "changed", ("name", "url")),
    }


# -- holders per view -----------------------------------------------------------------------------


def test_a_new_claim_changes_a_range_open_ended():
    new = tiny_claims([*BASE, ("2021-09-08", "red", "blue", ["South"])])
    d = compare(tiny_claims(BASE), new, views=["red", "blue", "combined"])
    assert holders(d, "red") == [("South", "2021-09-08", None, "red", "blue", ("c0",), ("c2",))]
    assert holders(d, "blue") == []
    # combined: South was red (red's word only); now red says blue and blue never spoke of it.
    assert holders(d, "combined") == [("South", "2021-09-08", None, "red", "blue", ("c0",), ("c2",))]


def test_a_moved_date_changes_a_closed_range():
    old = tiny_claims(BASE)
    new = tiny_claims([BASE[0], ("2021-09-07", "blue", "blue", ["North"])])
    d = compare(old, new, views=["blue", "combined"])
    # blue's view: North was blue from the 5th, now only from the 7th: unknown on the 5th and 6th.
    assert holders(d, "blue") == [("North", "2021-09-05", "2021-09-06", "blue", "unknown", ("c1",), ())]
    assert holders(d, "combined") == [
        ("North", "2021-09-05", "2021-09-06", "disputed", "red", ("c0", "c1"), ("c0",))
    ]


def test_equal_neighbouring_ranges_merge_with_every_claim_behind_them():
    # Old: red holds North all along (claims on the 3rd, 5th, 7th). New: blue from the 4th,
    # re-stated on the 6th; red's old re-statements stay on the old side of the one range.
    old = tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-05", "red", "red", ["North"]),
            ("2021-09-07", "red", "red", ["North"]),
        ]
    )
    new = tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-04", "red", "blue", ["North"]),
            ("2021-09-06", "red", "blue", ["North"]),
        ]
    )
    d = compare(old, new, views=["red"])
    assert holders(d, "red") == [
        ("North", "2021-09-04", None, "red", "blue", ("c0", "c1", "c2"), ("c1", "c2"))
    ]


def test_ranges_split_where_the_holders_differ_otherwise():
    old = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    new = tiny_claims(
        [
            ("2021-09-03", "red", "blue", ["North"]),
            ("2021-09-05", "red", "contested", ["North"]),
            ("2021-09-09", "red", "red", ["North"]),
        ]
    )
    d = compare(old, new, views=["red"])
    assert [(h[1], h[2], h[4]) for h in holders(d, "red")] == [
        ("2021-09-03", "2021-09-04", "blue"),
        ("2021-09-05", "2021-09-08", "contested"),
    ]


def test_a_side_only_one_file_has():
    old = tiny_claims(BASE)
    new = tiny_claims([*BASE, ("2021-09-06", "green", "green", ["East"])], sides=("red", "blue", "green"))
    d = compare(old, new)
    assert "green" in d.views()
    assert holders(d, "green") == [("East", "2021-09-06", None, "unknown", "green", (), ("c2",))]


def test_another_region_marks_districts_absent():
    old = tiny_claims(BASE)
    new = dataclasses.replace(tiny_claims(BASE), province="XX02", districts=tiny_claims(BASE).districts[:2])
    d = compare(old, new, views=["red"])
    assert d.region == ("XX01", "XX02")
    # East leaves the map from the first day on which anything is claimed.
    assert holders(d, "red") == [("East", "2021-09-03", None, "unknown", ABSENT, (), ())]
    d = compare(tiny_claims([("2021-09-03", "red", "red", "all")]), new, views=["red"])
    assert holders(d, "red") == [("East", "2021-09-03", None, "red", ABSENT, ("c0",), ())]


# -- formats and hostile text -----------------------------------------------------------------------

HOSTILE = [
    "\x1b[31mred\x1b[0m",
    "line\nbreak\rback",
    "bidi\u202eevil",
    "nul\x00",
    "sep\u2028x",
    "<script>alert(1)</script>",
    "*bold* _it_ `code` [link](http://x) ![img](x)",
    "| cell |",
    "@someone #12 :smile:",
    "&amp; &#60;",
    "# heading",
    "\\* escaped",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_escapes_every_control_character(text):
    out = plain(text)
    assert all(c.isprintable() for c in out)
    assert "\u202e" not in out and "\x1b" not in out


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_renders_literally(text):
    out = markdown(text)
    assert "\n" not in out and "\r" not in out
    # Every ASCII punctuation character is escaped: nothing can open a tag, a link, a cell...
    assert not re.search(r"(?<!\\)[<>*_`\[\]|@#&!:]", out.replace("\\\\", ""))
    # ... and removing the escapes gives back the text (control characters shown escaped).
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", out) == plain(text)


def test_hostile_claims_in_both_formats():
    old = tiny_claims(BASE)
    new = tiny_claims([*BASE, ("2021-09-08", "red", "blue", ["South"])])
    evil = "<img src=x onerror=alert(1)>\x1b]0;pwn\x07 *x* | y\n# z"
    hostile = tuple(dataclasses.replace(c, id=evil, named=evil) if c.id == "c2" else c for c in new.claims)
    new = dataclasses.replace(new, claims=hostile)
    d = compare(old, new, views=["red"])
    text = to_text(d, old_name="a\x1b[2J.yaml", new_name="b.yaml")
    assert "\x1b" not in text and "\x07" not in text and "\\x1b" in text
    assert all(line.isprintable() for line in text.splitlines())
    md = to_markdown(d, old_name="<a>.yaml", new_name="b.yaml")
    assert not re.search(r"(?<!\\)<", md) and "\x1b" not in md
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in md
    row = next(line for line in md.splitlines() if line.startswith("| South"))
    assert row.count(" | ") == 6  # the claim id's '|' did not add a cell
    assert not any(line.startswith("# z") for line in md.splitlines())


def test_markdown_lists_everything_text_does():
    old = tiny_claims(BASE)
    new = tiny_claims(
        [BASE[0], ("2021-09-07", "blue", "blue", ["North"]), ("2021-09-08", "press", "red", ["East"])]
    )
    d = compare(old, new)
    md, text = to_markdown(d), to_text(d)
    for needle in ("c2", "c1", "View combined", "View blue", "View independent"):
        assert needle.replace("View ", "") in text and needle in md.replace("**", "")


# -- the command ---------------------------------------------------------------------------------------


@pytest.fixture
def two_files(tmp_path):
    text = (ROOT / "claims.yaml").read_text(encoding="utf-8")
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(text, encoding="utf-8")
    # New: one claim's holder flipped (all its districts, its view and combined change).
    first = re.search(r"\n  - id: (\S+)\n(?:    .*\n)*?    holder: (\w+)\n", text)
    flipped = "nrf" if first.group(2) == "taliban" else "taliban"
    new.write_text(
        text[: first.start()]
        + first.group(0).replace(f"holder: {first.group(2)}", f"holder: {flipped}")
        + text[first.end() :],
        encoding="utf-8",
    )
    return old, new, first.group(1)


def test_diff_command_text_and_markdown(two_files, capsys):
    old, new, claim_id = two_files
    assert cli.main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{old} -> {new}: 0 added, 0 removed, 1 changed")
    assert f"~ {claim_id}: holder" in out
    assert "holders that change, view combined:" in out
    assert cli.main(["diff", str(old), str(new), "--format", "markdown", "--view", "combined"]) == 0
    md = capsys.readouterr().out
    assert "**View combined**: holders that change" in md and "View nrf" not in md
    assert "| district | from | to |" in md


def test_diff_command_bad_input_in_either_file(two_files, capsys):
    old, new, _ = two_files
    new.write_text(new.read_text(encoding="utf-8").replace("    quote:", "    qoute:", 1), encoding="utf-8")
    old.write_text(old.read_text(encoding="utf-8").replace("version: 1", "version: [1]"), encoding="utf-8")
    assert cli.main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(re.match(rf"{re.escape(str(old))}:\d+: version must be a whole number", line) for line in out)
    assert any(re.match(rf"{re.escape(str(new))}:\d+: unknown field 'qoute'", line) for line in out)


@pytest.mark.parametrize(
    "argv", [["diff"], ["diff", "a.yaml"], ["diff", "a", "b", "c"], ["diff", "--git", "HEAD", "a", "b"]]
)
def test_diff_command_usage(argv, capsys):
    assert cli.main(argv) == 2
    assert "error: diff" in capsys.readouterr().err


def test_diff_command_unknown_view(two_files, capsys):
    old, new, _ = two_files
    assert cli.main(["diff", str(old), str(new), "--view", "nfr"]) == 2
    assert "unknown view 'nfr'" in capsys.readouterr().err


def git(cwd, *args):
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
            "HOME": str(cwd),
            "PATH": "/usr/bin:/bin",
        },
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_git_compares_with_a_revision(two_files, tmp_path, capsys, monkeypatch):
    old, new, claim_id = two_files
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    shutil.copy(old, repo / "data" / "claims.yaml")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first")
    shutil.copy(new, repo / "data" / "claims.yaml")
    # From inside the repository, with the path relative to the working directory.
    monkeypatch.chdir(repo / "data")
    assert cli.main(["diff", "--git", "HEAD", "claims.yaml"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("claims.yaml@HEAD -> claims.yaml: 0 added, 0 removed, 1 changed")
    assert f"~ {claim_id}: holder" in out
    # Bad input at the revision: named claims.yaml@REV:line.
    (repo / "data" / "claims.yaml").write_text(
        old.read_text(encoding="utf-8").replace("    quote:", "    qoute:", 1), encoding="utf-8"
    )
    git(repo, "commit", "-qam", "broken")
    shutil.copy(old, repo / "data" / "claims.yaml")
    assert cli.main(["diff", "--git", "HEAD", "claims.yaml"]) == 1
    assert re.search(r"^claims\.yaml@HEAD:\d+: unknown field 'qoute'", capsys.readouterr().out, re.MULTILINE)
    # A revision that does not exist, or that looks like an option.
    assert cli.main(["diff", "--git", "nope", "claims.yaml"]) == 1
    assert "invalid object name 'nope'" in capsys.readouterr().err
    assert cli.main(["diff", "--git=--output=/tmp/x", "claims.yaml"]) == 1
    assert "is not a revision" in capsys.readouterr().err


def test_diff_git_outside_a_repository(two_files, capsys, tmp_path):
    old, _, _ = two_files
    if subprocess.run(["git", "rev-parse"], check=False, cwd=tmp_path, capture_output=True).returncode == 0:
        pytest.skip("the temporary folder is inside a git repository")
    assert cli.main(["diff", "--git", "HEAD", str(old)]) == 1
    assert "is not in a git repository" in capsys.readouterr().err
