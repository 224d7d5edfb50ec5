"""Tests of dashboard.claims: every problem a claims file can have, on the line it is on.

The corpus ``tests/bad_claims/`` (one problem theme a file) and the cases made in code are
listed with their exact ``(line, code)`` pairs in ``tests/claims_corpus.py``; one
parametrized test checks them all. The wording of each problem code is checked once, in
its own table. Files are on Panjshir (AF08, real boundary data) unless the tiny fixture
province XX01 is enough.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dashboard.claims import MAX_BYTES, ClaimSet, check_claims, read_claims
from dashboard.gazetteer import District, Gazetteer, Place
from dashboard.problems import ClaimsError, Problem
from tests.claims_corpus import (
    CORPUS_DIR,
    EXPECTED,
    HEADER,
    ISOLATE,
    block_claim,
    corpus_files,
    gazetteer_for,
    generated_cases,
    time_limit,
)

REPO = Path(__file__).resolve().parent.parent
TIME_LIMIT = 5.0  # seconds for any one file


def check(data: bytes, path: str = "claims.yaml", gazetteer=gazetteer_for):
    with time_limit(TIME_LIMIT):
        return check_claims(data, path=path, gazetteer_for=gazetteer)


_CHILD = """
import json, sys
from dashboard.claims import check_claims
from tests.claims_corpus import gazetteer_for
data = open(sys.argv[1], "rb").read()
claims, problems = check_claims(data, path=sys.argv[1], gazetteer_for=gazetteer_for)
print(json.dumps([[p.line, p.code] for p in problems]))
"""


def check_isolated(path: Path) -> list[tuple[int, str]]:
    """check_claims in a child process, limited in time and memory (for hostile files)."""
    result = _isolated(path)
    if result is None:
        pytest.fail(f"check_claims did not finish in {TIME_LIMIT} s on {path.name}")
    return result


_RUN = {"capture_output": True, "text": True, "cwd": REPO, "timeout": TIME_LIMIT}


@functools.cache
def _isolated(path: Path) -> list[tuple[int, str]] | None:
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1"}
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], env=env, preexec_fn=limits, **_RUN)
    except subprocess.TimeoutExpired:
        return None
    assert done.returncode == 0, done.stderr[-2000:]
    return [tuple(pair) for pair in json.loads(done.stdout)]


# ----------------------------------------------------------------------------- the corpus


def _params():
    params = []
    for name in EXPECTED:
        params.append(pytest.param(name, id=name))
    for name in generated_cases():
        params.append(pytest.param(f"generated/{name}", id=f"generated/{name}"))
    return params


def test_corpus_files_are_all_listed():
    names = {p.name for p in corpus_files()}
    assert names == set(EXPECTED)
    assert len(names) >= 30
    # Tiny: each file is one problem theme, the generated cases are the big ones.
    assert all(p.stat().st_size < 4096 for p in corpus_files())


@pytest.mark.parametrize("name", _params())
def test_bad_file(name, tmp_path):
    if name.startswith("generated/"):
        data, expected = generated_cases()[name.removeprefix("generated/")]
        path = tmp_path / name.removeprefix("generated/")
        path.write_bytes(data)  # made at test time, never committed
    else:
        path, expected = CORPUS_DIR / name, EXPECTED[name]
    if path.name in ISOLATE:
        assert check_isolated(path) == expected
        return
    claims, problems = check(path.read_bytes(), path=str(path))
    assert [(p.line, p.code) for p in problems] == expected
    assert claims is None
    assert all(p.path == str(path) and str(p).startswith(f"{path}:{p.line}: ") for p in problems)


def test_a_file_over_the_size_limit_is_refused_in_seconds(tmp_path):
    data, _ = generated_cases()["too-large-50mb.yaml"]
    path = tmp_path / "claims.yaml"
    path.write_bytes(data)
    assert path.stat().st_size > 10 * MAX_BYTES
    with time_limit(3), pytest.raises(ClaimsError) as raised:
        read_claims(path, gazetteer_for=gazetteer_for)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:1: the file is 50.0 MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
    ]


def test_a_file_just_under_the_size_limit_is_read(tmp_path):
    data = (HEADER + block_claim()).encode()
    data += b"#" * (MAX_BYTES - len(data) - 1) + b"\n"
    assert len(data) == MAX_BYTES
    claims, problems = check(data)
    assert problems == []
    assert [c.id for c in claims.claims] == ["k1"]


def test_alias_bomb_is_refused_quickly():
    """However the aliases are reported, a 'billion laughs' must not be expanded."""
    problems = check_isolated(CORPUS_DIR / "alias-bomb.yaml")
    assert problems and {code for _, code in problems} == {"yaml-alias"}


def test_an_alias_of_a_scalar_is_refused():
    text = HEADER + textwrap.dedent("""\
      - {id: a, date: &d 2021-09-05, source: karimi, holder: taliban, districts: [Dara]}
      - {id: b, date: *d, source: karimi, holder: taliban, districts: [Rukha]}
    """)
    claims, problems = check(text.encode())
    assert [(p.line, p.code) for p in problems] == [(7, "yaml-alias")]


def test_an_empty_district_list_is_not_explained_by_all():
    claims, problems = check((HEADER + block_claim(districts="[]")).encode())
    assert [(p.line, p.code) for p in problems] == [(6, "no-districts")]
    assert "'all'" not in problems[0].message


# ------------------------------------------------------------------ every problem at once


def test_every_problem_at_once_sorted_by_line(tmp_path):
    text = textwrap.dedent("""\
        version: 2
        region: {province: AF08}
        sides: {taliban: {label: Taliban, color: "#D55E00"}, nrf: {label: NRF, color: "#0072B2"}}
        sources: {karimi: {name: Bilal Karimi, side: taliban}}
        claims:
          - id: k1
            date: 2021-02-30
            source: karimy
            holder: taliban
            districts: [Rokhaa]
            qoute: Panjshir has fallen
        """)
    expected = [
        (1, "bad-version"),
        (7, "bad-date"),
        (8, "unknown-source"),
        (10, "unknown-district"),
        (11, "unknown-field"),
    ]
    claims, problems = check(text.encode())
    assert claims is None
    assert [(p.line, p.code) for p in problems] == expected
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClaimsError) as raised:
        read_claims(path, gazetteer_for=gazetteer_for)
    assert [(p.line, p.code) for p in raised.value.problems] == expected
    assert str(raised.value).splitlines() == [str(p) for p in raised.value.problems]
    assert all(line.startswith(f"{path}:") for line in str(raised.value).splitlines())


def test_problems_on_one_line_are_all_kept():
    text = HEADER + "  - {id: k1, date: 1899-01-01, source: karimy, holder: talibam, districts: [Rokhaa]}\n"
    claims, problems = check(text.encode())
    assert sorted(p.code for p in problems) == [
        "bad-date",
        "unknown-district",
        "unknown-side",
        "unknown-source",
    ]
    assert {p.line for p in problems} == {6}


# ------------------------------------------------------------------------------ valid files

VALID = """\
version: 1
region: {province: AF08, name: Panjshir}
sides:
  taliban: {label: Taliban, color: "#D55E00"}
  nrf: {label: National Resistance Front, color: "#0072B2"}
sources:
  karimi: {name: Bilal Karimi, side: taliban, url: "https://twitter.com/bilalkarimi"}
  dashti: {name: Fahim Dashti, side: nrf}
  cnn: {name: CNN, side: independent, note: Reporting from Kabul}
claims:
  - id: karimi-0905
    date: 2021-09-05
    source: karimi
    via: cnn
    holder: taliban
    districts: all
    except: [Bazarak, Rokha]
    url: "https://edition.cnn.com/2021/09/05/asia/panjshir"
    archived_url: "http://archive.org/web/2021/cnn"
    quote: "Panjshir is surrounded"
    note: The spokesman named no district
    date_note: Posted at night, Kabul time
    confidence: medium
  - id: karimi-0905-nrf
    date: "2021-09-05T23:00"
    source: karimi
    holder: nrf
    districts: [Bazarak, rukha]
  - id: dashti-0905
    date: 2021-09-05
    source: dashti
    holder: nrf
    districts: [AF0801, رُخه, Dara, Hissa-i-Awal, Onaba, Shotul, Parian]
"""


def test_a_valid_file_has_no_problems():
    claims, problems = check(VALID.encode())
    assert problems == []
    assert isinstance(claims, ClaimSet)
    assert claims.province == "AF08"
    assert list(claims.sides) == ["taliban", "nrf"]
    assert {s.id: s.side for s in claims.sources.values()} == {
        "karimi": "taliban",
        "dashti": "nrf",
        "cnn": "independent",
    }
    assert claims.views == ["taliban", "nrf", "independent", "combined"]
    first, second, third = claims.claims
    assert first.districts == ("AF0803", "AF0804", "AF0805", "AF0806", "AF0807")
    assert first.named == "all except Bazarak, Rokha"
    assert (first.via, first.url, first.archived_url, first.quote, first.confidence) == (
        "cnn",
        "https://edition.cnn.com/2021/09/05/asia/panjshir",
        "http://archive.org/web/2021/cnn",
        "Panjshir is surrounded",
        "medium",
    )
    assert second.districts == ("AF0801", "AF0802")
    assert second.when.isoformat() == "2021-09-05T23:00:00"
    assert third.districts == tuple(f"AF080{k}" for k in range(1, 8))
    assert [c.order for c in claims.claims] == [0, 1, 2]
    assert claims.summary() == (
        "claims.yaml: 3 claims from 3 sources on 7 districts of AF08, 2021-09-05 to 2021-09-05"
    )


def test_a_valid_file_reads_from_disk(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(VALID, encoding="utf-8")
    claims = read_claims(path, gazetteer_for=gazetteer_for)
    assert claims.path == str(path)
    assert len(claims.digest) == 64


def test_a_bom_and_crlf_line_ends_are_accepted():
    data = ("\ufeff" + VALID).replace("\n", "\r\n").encode("utf-8")
    claims, problems = check(data)
    assert problems == []
    assert len(claims.claims) == 3


def test_a_claim_knows_the_line_it_starts_on():
    claims, problems = check(VALID.encode())
    assert [c.line for c in claims.claims] == [11, 24, 29]


def test_places_name_their_district():
    gazetteer = Gazetteer(
        "XX01",
        [District("XX0101", "North"), District("XX0102", "South")],
        places=[Place("Windy Pass", "XX0102", confidence="high")],
    )
    text = textwrap.dedent("""\
        version: 1
        region: {province: XX01}
        sides: {red: {label: Red, color: "#D55E00"}}
        sources: {ann: {name: Ann, side: red}}
        claims:
          - {id: a, date: 2021-09-05, source: ann, holder: red, places: [windy pass]}
          - {id: b, date: 2021-09-05, source: ann, holder: red, districts: [North], places: [Windy Pass]}
        """)
    claims, problems = check(text.encode(), gazetteer=lambda province: gazetteer)
    assert problems == []
    assert [c.districts for c in claims.claims] == [("XX0102",), ("XX0101", "XX0102")]
    assert claims.claims[0].places == ("windy pass",)


# -------------------------------------------------------------------------- the wording


def tiny_file(
    claim: str,
    *,
    sides='{red: {label: Red, color: "#D55E00"}}',
    sources="{ann: {name: Ann, side: red}}",
    extra: str = "",
) -> bytes:
    return (
        f"version: 1\nregion: {{province: XX01}}\nsides: {sides}\nsources: {sources}\n"
        f"claims:\n  - {claim}\n{extra}"
    ).encode()


C = "{id: a, date: 2021-09-05, source: ann, holder: red, districts: [North]"  # + "}"
TINY_PLACES = Gazetteer(
    "XX01",
    [District("XX0101", "North"), District("XX0102", "South")],
    places=[Place("Windy Pass", "XX0102")],
    alt_names={"XX0101": ["Centre"], "XX0102": ["Centre"]},
)

WORDING = [
    ("empty", b"", "claims.yaml:1: the file is empty; a claims file starts with 'version: 1'"),
    ("binary", b"\x00\x01", "claims.yaml:1: this is a binary file, not YAML text"),
    (
        "encoding",
        b"version: 1\nnote: caf\xe9\n",
        "claims.yaml:2: not valid UTF-8 (byte 0xe9) - save the file as UTF-8",
    ),
    ("too-large", b"#" * (MAX_BYTES + 1), "claims.yaml:1: the file is 5.0 MB; the limit is 5 MB"),
    (
        "yaml-syntax",
        b"version: 1\nclaims: [\n",
        "claims.yaml:3: YAML syntax error: did not find expected node content",
    ),
    (
        "yaml-syntax",
        b"version: 1\n\tregion: x\n",
        "claims.yaml:2: YAML syntax error: found a tab character that violates indentation"
        " - indent with spaces, not tabs",
    ),
    (
        "duplicate-key",
        b"version: 1\nregion: {}\nversion: 1\n",
        "claims.yaml:3: duplicate key 'version' (first at line 1)",
    ),
    ("yaml-alias", b"a: &x [1, *x]\n", "claims.yaml:1: YAML aliases (*name) are not allowed"),
    ("too-deep", b"a: " + b"[" * 30 + b"]" * 30 + b"\n", "claims.yaml:1: nested more than 20 levels"),
    ("too-deep", b"[" * 5000 + b"]" * 5000, "claims.yaml:1: the YAML is nested too deeply to read"),
    (
        "wrong-type",
        b"- a\n",
        "claims.yaml:1: the file must be a mapping with version, region, "
        "sides, sources and claims, not a list",
    ),
    ("wrong-type", tiny_file(C + ", quote: 42}"), "claims.yaml:6: quote must be text, not a number"),
    (
        "wrong-type",
        tiny_file(C.replace("[North]", "5") + "}"),
        "claims.yaml:6: districts must be 'all' or a list of district names",
    ),
    ("wrong-type", tiny_file(C + "}", sides="[red]"), "claims.yaml:3: sides must be a mapping, not a list"),
    (
        "wrong-type",
        tiny_file(C + "}").replace(b"version: 1", b"version: '1'"),
        "claims.yaml:1: version must be a whole number, not text",
    ),
    ("wrong-type", tiny_file(C + ", [x]: 1}"), "claims.yaml:6: a key must be plain text"),
    (
        "unknown-side",
        tiny_file(C + "}", sources="{ann: {name: Ann, side: rde}}"),
        "claims.yaml:4: unknown side 'rde' for source 'ann' - did you mean 'red'?",
    ),
    (
        "unknown-side",
        tiny_file(C.replace("holder: red", "holder: Red") + "}"),
        "claims.yaml:6: unknown holder 'Red': a side id or contested - did you mean 'red'?",
    ),
    (
        "unknown-source",
        tiny_file(C.replace("source: ann", "source: anne") + "}"),
        "claims.yaml:6: unknown source 'anne' - did you mean 'ann'?",
    ),
    ("unknown-source", tiny_file(C + ", via: bob}"), "claims.yaml:6: unknown source 'bob' in via"),
    (
        "unknown-district",
        tiny_file(C.replace("North", "Nort") + "}"),
        "claims.yaml:6: unknown district 'Nort' in XX01 - did you mean 'North'?",
    ),
    (
        "unknown-district",
        tiny_file(C.replace("North", "Atlantis") + "}"),
        "claims.yaml:6: unknown district 'Atlantis' in XX01",
    ),
    (
        "ambiguous-district",
        tiny_file(C.replace("North", "Centre") + "}"),
        "claims.yaml:6: 'Centre' names 2 districts in XX01: XX0101 (North), XX0102 (South) - use the P-code",
    ),
    (
        "unknown-place",
        tiny_file(C + ", places: [Windy Pas]}"),
        "claims.yaml:6: unknown place 'Windy Pas' in XX01 (places are listed in geodata/places.yaml)"
        " - did you mean 'Windy Pass'?",
    ),
    (
        "unknown-field",
        tiny_file(C + ", qoute: x}"),
        "claims.yaml:6: unknown field 'qoute' in claims - did you mean 'quote'?",
    ),
    (
        "unknown-field",
        tiny_file(C + "}", extra="soruces: {}\n"),
        "claims.yaml:7: unknown field 'soruces' - did you mean 'sources'?",
    ),
    (
        "missing-field",
        tiny_file("{id: a, date: 2021-09-05, source: ann, districts: [North]}"),
        "claims.yaml:6: missing field 'holder' in claims",
    ),
    (
        "missing-field",
        tiny_file("{id: a, date: 2021-09-05, source: ann, holder: red}"),
        "claims.yaml:6: missing field 'districts' - name the districts, 'all', or places",
    ),
    (
        "duplicate-id",
        tiny_file(C + "}", extra="  - " + C + "}\n"),
        "claims.yaml:7: duplicate id 'a' (first at line 6)",
    ),
    (
        "bad-date",
        tiny_file(C.replace("2021-09-05", "2021-02-30") + "}"),
        "claims.yaml:6: date '2021-02-30' does not exist (day is out of range for month)",
    ),
    (
        "bad-date",
        tiny_file(C.replace("2021-09-05", "5 Sept 2021") + "}"),
        "claims.yaml:6: date '5 Sept 2021' is not an ISO date - write it as 2021-09-05, "
        "or 2021-09-05T14:00 with a time",
    ),
    (
        "bad-date",
        tiny_file(C.replace("2021-09-05", "1899-12-31") + "}"),
        "claims.yaml:6: date '1899-12-31' is before 1900",
    ),
    (
        "bad-date",
        tiny_file(C.replace("2021-09-05", "2999-01-01") + "}"),
        "claims.yaml:6: date '2999-01-01' is in the future",
    ),
    (
        "except-without-all",
        tiny_file(C + ", except: [South]}"),
        "claims.yaml:6: 'except' is only allowed with 'districts: all'",
    ),
    (
        "no-districts",
        tiny_file(C.replace("[North]", "all, except: [North, South]") + "}"),
        "claims.yaml:6: the claim names no district ('all' minus every district leaves none)",
    ),
    (
        "bad-url",
        tiny_file(C + ", url: 'javascript:alert(1)'}"),
        "claims.yaml:6: 'javascript:alert(1)' is not an http(s) link"
        " - only http:// and https:// addresses are accepted",
    ),
    (
        "too-long",
        tiny_file(C + ", quote: " + "x" * 1001 + "}"),
        "claims.yaml:6: quote is too long (1001 characters; at most 1000)",
    ),
    (
        "reserved-id",
        tiny_file(
            C + "}", sides='{red: {label: Red, color: "#D55E00"}, unknown: {label: U, color: "#000000"}}'
        ),
        "claims.yaml:3: 'unknown' cannot be a side id: it is a reserved word",
    ),
    (
        "bad-version",
        tiny_file(C + "}").replace(b"version: 1", b"version: 2"),
        "claims.yaml:1: format version 2 is not supported; this program reads version 1",
    ),
    (
        "bad-color",
        tiny_file(C + "}", sides="{red: {label: Red, color: red}}"),
        "claims.yaml:3: color must be like '#1f77b4', not 'red'",
    ),
    (
        "bad-id",
        tiny_file(C.replace("id: a", "id: A") + "}"),
        "claims.yaml:6: id 'A' must be lower-case letters, digits, '.', '-' or '_'",
    ),
    (
        "bad-id",
        tiny_file(C + "}", sides='{Red: {label: Red, color: "#D55E00"}}'),
        "claims.yaml:3: id 'Red' must be lower-case letters, digits, '.', '-' or '_'",
    ),
    (
        "bad-value",
        tiny_file(C + ", confidence: hihg}"),
        "claims.yaml:6: confidence must be one of high, medium, low, not 'hihg' - did you mean 'high'?",
    ),
    ("empty-value", tiny_file(C + "}", sides="{}"), "claims.yaml:3: sides must not be empty"),
    (
        "empty-value",
        tiny_file(C + "}").replace(b"claims:\n  - " + C.encode() + b"}", b"claims: []"),
        "claims.yaml:5: claims must not be empty - a claims file needs at least one claim",
    ),
    (
        "control-character",
        tiny_file(C + ', quote: "\\e[31mred"}'),
        "claims.yaml:6: control character '\\x1b' in text '\\x1b[31mred' - remove the control character",
    ),
    (
        "control-character",
        tiny_file(C + ', quote: "\x1b[31mred"}'),
        "claims.yaml:6: control character '\\x1b' is not allowed in YAML - remove the control character",
    ),
    (
        "bad-version",
        tiny_file(C + "}").replace(b"version: 1", b"version: 2.0"),
        "claims.yaml:1: version must be the whole number 1, not 2.0",
    ),
    (
        "bad-value",
        tiny_file(C + "}").replace(b"{province: XX01}", b"{province: XX01, country: AF}"),
        "claims.yaml:2: region has both a province and a country; give one of them",
    ),
    (
        "encoding",
        "version: 1\n".encode("utf-16"),
        "claims.yaml:1: the file is UTF-16 text, not UTF-8 - save the file as UTF-8",
    ),
    (
        "bad-value",
        tiny_file(C + ", date_precision: wek}"),
        "claims.yaml:6: date_precision must be one of day, approximate, week, month, not 'wek'"
        " - did you mean 'week'?",
    ),
]


@pytest.mark.parametrize(
    ("code", "data", "text"), WORDING, ids=[f"{code}-{i}" for i, (code, _, _) in enumerate(WORDING)]
)
def test_wording(code, data, text):
    claims, problems = check(data, gazetteer=lambda province: TINY_PLACES)
    assert f"{code}: {text}" in [f"{p.code}: {p}" for p in problems]


def test_every_problem_code_is_listed_in_the_readme():
    tree = ast.parse((REPO / "dashboard" / "claims.py").read_text(encoding="utf-8"))
    used = {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") == "problem"
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
    } | {"unreadable"}
    assert len(used) > 20
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Problem codes") :]
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", table, re.M))
    assert used <= listed, f"not in the README: {sorted(used - listed)}"
    tested = {code for code, _, _ in WORDING} | {
        "unknown-province",
        "unreadable",
        "too-large",
        "too-many-districts",
        "too-many-problems",
    }
    assert listed - tested <= {"invalid"}, f"wording never checked: {sorted(listed - tested - {'invalid'})}"


def test_wording_of_district_suggestions_in_panjshir():
    claims, problems = check(
        (HEADER + block_claim(districts="[Rokhaa, Bazaarak, Hisa-e-Awal-e-Kohistan]")).encode()
    )
    assert [str(p) for p in problems] == [
        "claims.yaml:10: unknown district 'Bazaarak' in AF08 - did you mean 'Bazarak'?",
        "claims.yaml:10: unknown district 'Hisa-e-Awal-e-Kohistan' in AF08 - did you mean 'Khenj'?",
        "claims.yaml:10: unknown district 'Rokhaa' in AF08 - did you mean 'Rukha'?",
    ]


def test_wording_of_an_unknown_province():
    claims, problems = check(HEADER.replace("AF08", "AF99").encode() + block_claim().encode())
    assert [(p.line, p.code) for p in problems] == [(2, "unknown-province")]
    assert str(problems[0]).startswith("claims.yaml:2: Unknown province 'AF99'. Did you mean ")
    assert "AF09 (Baghlan)" in problems[0].message


def test_wording_of_an_unreadable_file(tmp_path):
    with pytest.raises(ClaimsError) as raised:
        read_claims(tmp_path / "missing.yaml", gazetteer_for=gazetteer_for)
    assert [(p.code, str(p)) for p in raised.value.problems] == [
        ("unreadable", f"{tmp_path / 'missing.yaml'}:1: cannot read file: No such file or directory")
    ]


def test_problem_prints_itself():
    problem = Problem(
        "claims.yaml", 41, "unknown-district", "unknown district 'Rokhaa'", hint="did you mean 'Rukha'?"
    )
    assert str(problem) == "claims.yaml:41: unknown district 'Rokhaa' - did you mean 'Rukha'?"
    assert str(Problem("c.yaml", 1, "empty", "the file is empty")) == "c.yaml:1: the file is empty"
    assert sorted([Problem("a", 9, "x", "m"), Problem("a", 2, "y", "z"), Problem("a", 2, "y", "b")]) == [
        Problem("a", 2, "y", "b"),
        Problem("a", 2, "y", "z"),
        Problem("a", 9, "x", "m"),
    ]


# ------------------------------------------------------------------ bounded work (issue 9)


def test_wording_of_too_many_districts(monkeypatch):
    monkeypatch.setattr("dashboard.claims.MAX_CLAIM_DISTRICTS", 3)
    data = tiny_file(
        C.replace("[North]", "all") + "}",
        extra="  - "
        + C.replace("id: a", "id: b").replace("[North]", "all")
        + "}\n  - "
        + C.replace("id: a", "id: c")
        + "}\n",
    )
    claims, problems = check(data, gazetteer=lambda province: TINY_PLACES)
    assert claims is None
    assert [(p.code, str(p)) for p in problems] == [
        (
            "too-many-districts",
            "claims.yaml:7: the claims cover more than 3 districts in all, counted claim by claim; this "
            "claim passes the limit - split the file, or name fewer districts per claim ('all' counts "
            "all 2 districts of XX01)",
        )
    ]


def test_suggestions_stop_after_the_limit_and_say_so(monkeypatch):
    monkeypatch.setattr("dashboard.claims.MAX_SUGGESTIONS", 2)
    names = ", ".join(["Nort", "Sout", "Nortth", "Soth"])
    claims, problems = check(
        tiny_file(C.replace("[North]", f"[{names}]") + "}"), gazetteer=lambda province: TINY_PLACES
    )
    assert [str(p) for p in problems] == [
        "claims.yaml:1: 4 names not found; 'did you mean' suggestions are given for the first 2 only",
        "claims.yaml:6: unknown district 'Nort' in XX01 - did you mean 'North'?",
        "claims.yaml:6: unknown district 'Nortth' in XX01",
        "claims.yaml:6: unknown district 'Soth' in XX01",
        "claims.yaml:6: unknown district 'Sout' in XX01 - did you mean 'South'?",
    ]
    assert problems[0].code == "too-many-problems"


@pytest.mark.parametrize("value", ["0x" + "f" * 4000, "1" * 5000, "-" + "9" * 5000, "0o" + "7" * 6000])
@pytest.mark.parametrize("field", ["version", "quote", "date", "id", "key", "district", "side key"])
def test_numbers_of_thousands_of_digits_never_crash(field, value):
    """Python refuses str() of an int over 4,300 digits: no message may try."""
    claim = C + "}"
    data = {
        "version": lambda: tiny_file(claim).replace(b"version: 1", f"version: {value}".encode()),
        "quote": lambda: tiny_file(C + f", quote: {value}}}"),
        "date": lambda: tiny_file(C.replace("2021-09-05", value) + "}"),
        "id": lambda: tiny_file(C.replace("id: a", f"id: {value}") + "}"),
        "key": lambda: tiny_file(claim, extra=f"? {value}\n: x\n"),
        "district": lambda: tiny_file(C.replace("[North]", f"[{value}]") + "}"),
        "side key": lambda: tiny_file(
            claim,
            sides=f'{{red: {{label: Red, color: "#D55E00"}}, ? {value} : {{label: X, color: "#000000"}}}}',
        ),
    }[field]()
    claims, problems = check(data, gazetteer=lambda province: TINY_PLACES)
    assert claims is None and problems
    assert all(len(str(p)) < 400 for p in problems), [str(p)[:400] for p in problems]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2021-09-05", True),
        ("2021-09-05T14:00", True),
        ("2021-09-05 14:00:30", True),
        ("٢٠٢١-٠٩-٠٥", False),
        ("２０２１-０９-０５", False),
        ("2021-09-05T１4:00", False),
    ],
)
def test_dates_take_ascii_digits_only(text, ok):
    claims, problems = check(
        tiny_file(C.replace("2021-09-05", json.dumps(text)) + "}"), gazetteer=lambda province: TINY_PLACES
    )
    assert ([p.code for p in problems] == []) is ok, [str(p) for p in problems]


def test_every_missing_field_is_named():
    claims, problems = check(
        tiny_file("{id: a, date: 2021-09-05, districts: [North]}"), gazetteer=lambda province: TINY_PLACES
    )
    assert [str(p) for p in problems] == [
        "claims.yaml:6: missing field 'holder' in claims",
        "claims.yaml:6: missing field 'source' in claims",
    ]


# ------------------------------------- the two schema checkers agree (issue 14, hypothesis)

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dashboard import claims as claims_module  # noqa: E402

_IDS = st.sampled_from(["k1", "k1\n", "K1", "a.b-c_d", "-x", "", "x" * 201, "all", "é"])
_SCALARS = st.one_of(
    _IDS,
    st.text(max_size=5),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.sampled_from(["high", "Low", "#D55E00", "#D55E00\n"]),
)
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3), st.dictionaries(_IDS, _SCALARS, max_size=2))
_CLAIM_FIELDS = list(claims_module.SCHEMA["properties"]["claims"]["items"]["properties"])
_FIELDS = st.sampled_from([*_CLAIM_FIELDS, "qoute", "Id"])
_GOOD_CLAIM = {"id": "k1", "date": "2021-09-05", "source": "ann", "holder": "red", "districts": "all"}
# Random claims (mostly refused), and good claims with a few fields changed (often accepted).
_CLAIMS = st.one_of(
    st.dictionaries(_FIELDS, _VALUES, max_size=8),
    st.dictionaries(_FIELDS, _VALUES, max_size=2).map(lambda d: {**_GOOD_CLAIM, **d}),
)
_DOCS = st.fixed_dictionaries(
    {},
    optional={
        "version": _SCALARS,
        "region": st.dictionaries(
            st.sampled_from(["province", "country", "name", "x"]), _SCALARS, max_size=3
        ),
        "sides": st.dictionaries(
            _IDS,
            st.one_of(_VALUES, st.fixed_dictionaries({"label": _SCALARS, "color": _SCALARS})),
            max_size=2,
        ),
        "sources": st.dictionaries(
            _IDS,
            st.one_of(
                _VALUES,
                st.fixed_dictionaries(
                    {"name": _SCALARS, "side": _SCALARS}, optional={"url": _SCALARS, "note": _SCALARS}
                ),
            ),
            max_size=2,
        ),
        "claims": st.lists(_CLAIMS, max_size=2),
        "extra": _SCALARS,
    },
)


def _fast_accepts(validate, value) -> bool:
    import fastjsonschema

    try:
        validate(value)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(claim=_CLAIMS)
def test_jsonschema_and_fastjsonschema_agree_on_a_claim(claim):
    assert claims_module._CLAIM_VALIDATOR.is_valid(claim) == _fast_accepts(
        claims_module._claim_is_valid, claim
    )


@settings(max_examples=200, deadline=None)
@given(doc=_DOCS)
def test_jsonschema_and_fastjsonschema_agree_on_a_file(doc):
    fast = _fast_whole()
    assert claims_module._VALIDATOR.is_valid(doc) == _fast_accepts(fast, doc), doc


@functools.lru_cache(maxsize=1)
def _fast_whole():
    import fastjsonschema

    return fastjsonschema.compile(claims_module.SCHEMA)


def test_source_kind_leaning_and_date_precision_are_read():
    data = tiny_file(
        C + ", date_precision: approximate}",
        sources='{ann: {name: Ann, side: red, kind: spokesman, leaning: "<b>pro-red</b>"}}',
    )
    claims, problems = check(data, gazetteer=lambda province: TINY_PLACES)
    assert problems == []
    assert (claims.sources["ann"].kind, claims.sources["ann"].leaning) == ("spokesman", "<b>pro-red</b>")
    assert claims.claims[0].date_precision == "approximate"


def test_an_unknown_source_kind_is_a_bad_value():
    data = tiny_file(C + "}", sources="{ann: {name: Ann, side: red, kind: blogger}}")
    claims, problems = check(data, gazetteer=lambda province: TINY_PLACES)
    assert [(p.line, p.code) for p in problems] == [(4, "bad-value")]
    assert "local-media" in str(problems[0])


def test_disputed_is_a_reserved_word():
    data = tiny_file(C + "}", sides='{disputed: {label: D, color: "#D55E00"}}')
    claims, problems = check(data, gazetteer=lambda province: TINY_PLACES)
    assert "reserved-id" in [p.code for p in problems]
