"""Bounded fuzzing of dashboard.claims.check_claims with hypothesis.

Whatever the bytes (random, a valid file with lines deleted, duplicated or characters
changed, or a valid document with any value replaced by any other), check_claims must return
``(ClaimSet, [])`` or ``(None, problems)`` with well-formed problems on real lines, and never
raise. Each test is bounded by ``max_examples`` (the whole file runs in well under 20 s).
"""

from __future__ import annotations

import copy
import re

import yaml
import yaml.reader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.claims import ClaimSet, check_claims
from dashboard.problems import Problem
from tests.claims_corpus import gazetteer_for, time_limit

PATH = "fuzz/claims.yaml"
CODE = re.compile(r"^[a-z][a-z-]*[a-z]$")

TINY = """\
version: 1
region: {province: XX01, name: Testland}
sides:
  red: {label: Red, color: "#D55E00"}
  blue: {label: Blue, color: "#0072B2"}
sources:
  ann: {name: Ann, side: red, url: "https://example.org/ann"}
  bob: {name: Bob, side: blue}
  press: {name: Press, side: independent, note: A wire service}
claims:
  - id: a1
    date: 2021-09-03
    source: ann
    via: press
    holder: red
    districts: all
    except: [South]
    url: "https://example.org/a1"
    archived_url: "https://archive.org/a1"
    quote: "We hold the north"
    confidence: high
  - {id: b1, date: "2021-09-05T14:00", source: bob, holder: blue, districts: [Nord, East]}
  - id: p1
    date: 2021-09-06
    source: press
    holder: contested
    districts: [South]
    note: Fighting reported
    date_note: Filed the next morning
"""

PANJSHIR = """\
version: 1
region: {province: AF08}
sides: {taliban: {label: Taliban, color: "#D55E00"}, nrf: {label: NRF, color: "#0072B2"}}
sources: {karimi: {name: Bilal Karimi, side: taliban}, dashti: {name: Fahim Dashti, side: nrf}}
claims:
  - {id: k1, date: 2021-09-05, source: karimi, holder: taliban, districts: all, except: [Bazarak, Rokha]}
  - {id: k2, date: 2021-09-05, source: karimi, holder: nrf, districts: [Bazarak, Rukha]}
  - {id: d1, date: 2021-09-05, source: dashti, holder: nrf, districts: all}
"""

BASES = [TINY, PANJSHIR]


def assert_well_behaved(data: bytes):
    with time_limit(5):
        result = check_claims(data, path=PATH, gazetteer_for=gazetteer_for)
    claims, problems = result
    assert isinstance(problems, list)
    if claims is not None:
        assert isinstance(claims, ClaimSet)
        assert problems == []
        return
    assert problems, "no claim set and no problem"
    lines = len(data.decode("utf-8", errors="replace").splitlines()) + 1
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == PATH
        assert isinstance(problem.line, int) and 1 <= problem.line <= lines, (problem, lines)
        assert CODE.match(problem.code), problem.code
        assert isinstance(problem.message, str) and problem.message.strip()
        assert problem.hint is None or (isinstance(problem.hint, str) and problem.hint)
        assert str(problem).startswith(f"{PATH}:{problem.line}: ")
    assert problems == sorted(problems)


def test_the_bases_are_valid():
    for base in BASES:
        for data in (base.encode(), yaml.safe_dump(yaml.safe_load(base), allow_unicode=True).encode()):
            claims, problems = check_claims(data, gazetteer_for=gazetteer_for)
            assert problems == [] and claims is not None


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------- random bytes


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(data):
    assert_well_behaved(data)


@FUZZ
@given(
    st.text(alphabet=st.sampled_from(list(":-[]{},'\"&*!|>#%@`?\t\n\r ab1\u00e9\ufeff\u2028")), max_size=400)
)
def test_random_yaml_punctuation(text):
    assert_well_behaved(text.encode("utf-8"))


# ------------------------------------------------------------------ mutations of a valid file

SPECIAL = list(":-[]{},'\"&*!|>#%@`?\t\n ") + ["\x00", "\u00e9", "\ufeff", "\u202e", "0", "9", "x"]


@st.composite
def mutated(draw):
    lines = draw(st.sampled_from(BASES)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "flip", "insert", "swap", "indent"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif kind == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "\t", ""])) + lines[i].lstrip(" ")
        elif kind in ("flip", "insert") and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            char = draw(st.sampled_from(SPECIAL) | st.characters(codec="utf-8"))
            lines[i] = lines[i][:j] + char + lines[i][j + (kind == "flip") :]
    text = "".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


@FUZZ
@given(mutated())
def test_mutations_of_a_valid_file(data):
    assert_well_behaved(data)


# ------------------------------------------------------------ any value replaced by any other

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "all",
            "North",
            "red",
            "2021-09-05",
            "contested",
            "XX01",
            "https://x.org",
            "javascript:x",
            "",
            "AF08",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=6) | st.integers(0, 3), children, max_size=3)
    ),
    max_leaves=10,
)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*prefix, i))


def replaced(document, path, value, add_key=None):
    document = copy.deepcopy(document)
    if not path:
        return value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if add_key is not None and isinstance(parent[path[-1]], dict):
        parent[path[-1]][add_key] = value
    else:
        parent[path[-1]] = value
    return document


DOCUMENTS = [yaml.safe_load(base) for base in BASES]  # dates come back as dates, dumped as such


@st.composite
def retyped(draw):
    document = draw(st.sampled_from(DOCUMENTS))
    path = draw(st.sampled_from(list(paths(document))))
    value = draw(values)
    add_key = draw(st.none() | st.sampled_from(["places", "except", "via", "quote", "districts", "x"]))
    new = replaced(document, path, value, add_key)
    return yaml.safe_dump(new, allow_unicode=True, sort_keys=False).encode("utf-8")


@FUZZ
@given(retyped())
def test_any_value_replaced_by_any_other(data):
    assert_well_behaved(data)
