"""Tests of dashboard.yamlnodes: YAML text to plain data, with every value's line.

The claims corpus (tests/test_claims.py) checks the reader through the checker; these pin the
reader's own contract: types as YAML 1.1 gives them (dates left as text), lines, and what it
refuses while reading.
"""

from __future__ import annotations

import pytest

from dashboard.yamlnodes import NONE, BigNumber, read_located


def read(text: str):
    return read_located(text, max_depth=20)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", 1),
        ("0x1f", 31),
        ("1_000", 1000),
        ("1.5", 1.5),
        ("yes", True),
        ("false", False),
        ("~", None),
        ("null", None),
        ('""', ""),
        ("''", ""),
        ('"1"', "1"),
        ("'yes'", "yes"),
        ("2021-09-05", "2021-09-05"),
        ("2021-09-05 14:00:00", "2021-09-05 14:00:00"),
        ("!!int '7'", 7),
        ("!!str 7", "7"),
        ("!custom 7", "7"),
        ("k1", "k1"),
        ('"a\\tb"', "a\tb"),
    ],
)
def test_scalars_are_typed_as_yaml_1_1_types_them_dates_left_as_text(text, value):
    found = read(f"v: {text}\n")
    assert found.problems == []
    assert found.value == {"v": value} and type(found.value["v"]) is type(value)


def test_every_value_knows_its_line():
    found = read("a: 1\nb:\n  - x\n  - {c: 2,\n     d: [3]}\n")
    assert found.lines == {
        (): 1,
        ("a",): 1,
        ("b",): 2,
        ("b", 0): 3,
        ("b", 1): 4,
        ("b", 1, "c"): 4,
        ("b", 1, "d"): 5,
        ("b", 1, "d", 0): 5,
    }


def test_a_number_of_thousands_of_digits_is_kept_by_its_length():
    found = read("v: 0x" + "f" * 5000 + "\n")
    assert isinstance(found.value["v"], BigNumber) and isinstance(found.value["v"], int)
    assert str(found.value["v"]) == f"{found.value['v']}" == "<a number 5002 characters long>"


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("a: &x 1\nb: *x\n", [(2, "yaml-alias")]),
        ("a: 1\na: 2\n", [(2, "duplicate-key")]),
        ("? [1]\n: 2\n", [(1, "wrong-type")]),
        ('a: "\\e[31m"\n', [(1, "control-character")]),
        ("a: \x1b\n", [(1, "control-character")]),
        ("a: [\n", [(2, "yaml-syntax")]),
        ("a: 1\n---\nb: 2\n", [(2, "yaml-syntax")]),
        ("a: " + "[" * 25 + "]" * 25 + "\n", [(1, "too-deep")]),
    ],
)
def test_what_reading_refuses(text, problems):
    assert [(line, code) for line, code, _, _ in read(text).problems] == problems


def test_an_empty_text_is_no_document():
    assert read("# nothing\n").value is NONE
