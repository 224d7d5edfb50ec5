"""The corpus of bad claims files shared by test_claims.py (in process) and test_cli.py (subprocess).

``tests/bad_claims/`` holds one small file per problem theme; :data:`EXPECTED` lists, for each,
the exact ``(line, code)`` pairs :func:`dashboard.claims.check_claims` must report. Cases too
big or too repetitive to keep as files are made by :func:`generated_cases`. All files are on
Panjshir (AF08), so that ``python -m dashboard validate`` (which reads the real boundary data)
and ``check_claims`` see the same thing.
"""

from __future__ import annotations

import contextlib
import functools
import signal
from pathlib import Path

from dashboard.testing import tiny_gazetteer

CORPUS_DIR = Path(__file__).resolve().parent / "bad_claims"

HEADER = """\
version: 1
region: {province: AF08}
sides: {taliban: {label: Taliban, color: "#D55E00"}, nrf: {label: NRF, color: "#0072B2"}}
sources: {karimi: {name: Bilal Karimi, side: taliban}, cnn: {name: CNN, side: independent}}
claims:
"""


def block_claim(**fields) -> str:
    """A claim in block style starting on its own line (``  - id: ...``), one field a line."""
    values = {
        "id": "k1",
        "date": "2021-09-05",
        "source": "karimi",
        "holder": "taliban",
        "districts": "[Dara]",
        **fields,
    }
    lines = [f"{key}: {value}" for key, value in values.items() if value is not None]
    return "  - " + "\n    ".join(lines) + "\n"


# file -> the exact problems, as (line, code), sorted as check_claims sorts them.
EXPECTED: dict[str, list[tuple[int, str]]] = {
    # -- not YAML at all, or not text ---------------------------------------------------------
    "empty.yaml": [(1, "empty")],
    "whitespace-only.yaml": [(1, "empty")],
    "comments-only.yaml": [(1, "empty")],
    "binary-nul.yaml": [(1, "binary")],
    "not-utf8-latin1.yaml": [(11, "encoding")],  # the é of "tombé", line 11
    "bom-error-line-5.yaml": [(5, "unknown-side")],  # a BOM does not shift line numbers
    "yaml-syntax-unclosed-bracket.yaml": [(11, "yaml-syntax")],  # seen at the end of the file
    "yaml-syntax-tab-indent.yaml": [(8, "yaml-syntax")],
    "control-character.yaml": [(11, "control-character")],  # ESC (terminal colours) in a quote
    # ... and written as YAML escapes ("\x9b", "\e", "\a", "\0"), in a value or a key
    "control-escaped.yaml": [
        (5, "control-character"),
        (13, "control-character"),
        (14, "control-character"),
        (15, "control-character"),
    ],
    "not-utf8-utf16.yaml": [(1, "encoding")],  # UTF-16 (with its BOM): not "binary"
    "duplicate-key.yaml": [(11, "duplicate-key")],
    "duplicate-key-top-level.yaml": [(11, "duplicate-key")],
    # -- aliases: refused wherever they are, reported on each line using one ------------------
    "alias-cycle.yaml": [(6, "yaml-alias")],
    "alias-repeated-claim.yaml": [(7, "yaml-alias")],
    "alias-bomb.yaml": [(line, "yaml-alias") for line in range(12, 20)],
    # -- wrong types at every level -----------------------------------------------------------
    "wrong-type-top-level-list.yaml": [(1, "wrong-type")],
    "wrong-type-top-level-text.yaml": [(1, "wrong-type")],
    "wrong-type-version-text.yaml": [(1, "wrong-type")],
    # Without sides, every side named is unknown too: three problems, all true.
    "wrong-type-sides-list.yaml": [(3, "wrong-type"), (4, "unknown-side"), (9, "unknown-side")],
    "wrong-type-claims-mapping.yaml": [(5, "wrong-type")],
    "wrong-type-claim-text.yaml": [(11, "wrong-type")],
    "wrong-type-key-list.yaml": [(11, "wrong-type")],
    "wrong-type-districts-number.yaml": [(10, "wrong-type")],
    "wrong-type-quote-number.yaml": [(11, "wrong-type")],
    "wrong-type-date-number.yaml": [(7, "bad-date"), (7, "wrong-type")],
    "wrong-type-places-number.yaml": [(11, "wrong-type")],
    "wrong-type-except-number.yaml": [(11, "wrong-type")],
    # -- names that mean nothing here ---------------------------------------------------------
    "unknown-side-of-source.yaml": [(4, "unknown-side")],
    "unknown-holder.yaml": [(9, "unknown-side")],
    "unknown-source.yaml": [(8, "unknown-source")],
    "unknown-via.yaml": [(11, "unknown-source")],
    "unknown-district.yaml": [(10, "unknown-district")],
    "unknown-district-other-province.yaml": [(10, "unknown-district")],  # a Kapisa district
    "unknown-district-in-except.yaml": [(11, "unknown-district")],
    "unknown-place.yaml": [(10, "unknown-place")],
    "unknown-province.yaml": [(2, "unknown-province")],
    "unknown-field.yaml": [(11, "unknown-field")],
    "unknown-field-top-level.yaml": [(11, "unknown-field")],
    "reserved-side-id.yaml": [(3, "reserved-id")],
    "wrong-version.yaml": [(1, "bad-version")],
    "version-float.yaml": [(1, "bad-version")],  # 2.0 is not read as 2 (nor 1.0 as 1)
    "region-province-and-country.yaml": [(4, "bad-value")],  # one of them, not both
    "claims-empty.yaml": [(5, "empty-value")],
    # -- missing fields: reported where the claim (or the file) starts ---------------------------
    "missing-field-claim.yaml": [(6, "missing-field")],
    "missing-field-districts.yaml": [(6, "missing-field")],
    # Without sources, the claim's source is unknown too.
    "missing-field-top-level.yaml": [(1, "missing-field"), (7, "unknown-source")],
    # -- ids, dates, districts ----------------------------------------------------------------
    "duplicate-id.yaml": [(11, "duplicate-id")],
    "date-impossible.yaml": [(7, "bad-date")],
    "date-bad-format.yaml": [(7, "bad-date")],
    "date-bad-time.yaml": [(7, "bad-date")],
    "date-before-1900.yaml": [(7, "bad-date")],
    "date-in-future.yaml": [(7, "bad-date")],
    "date-non-ascii-digits.yaml": [(7, "bad-date"), (12, "bad-date")],  # Arabic-Indic, full-width
    "except-without-all.yaml": [(11, "except-without-all")],
    "all-except-everything.yaml": [(6, "no-districts")],
    # -- links: only http(s) ------------------------------------------------------------------
    "bad-url-javascript.yaml": [(11, "bad-url")],  # claim url
    "bad-url-data.yaml": [(11, "bad-url")],  # claim archived_url
    "bad-url-file.yaml": [(4, "bad-url")],  # source url
    # -- values out of their range ------------------------------------------------------------
    "bad-color.yaml": [(3, "bad-color")],
    "bad-id.yaml": [(6, "bad-id")],
    # "k1\n": a trailing newline passes a pattern ending in $; colours, side ids and ids
    "bad-id-trailing-newline.yaml": [(3, "bad-color"), (3, "bad-id"), (6, "bad-id")],
    "bad-confidence.yaml": [(11, "bad-value")],
    "empty-sides.yaml": [(3, "empty-value")],
}

#: Cases that may not be checked inside the test process (they may hang or exhaust memory).
ISOLATE = {"alias-bomb.yaml"}


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.iterdir())


def generated_cases() -> dict[str, tuple[bytes, list[tuple[int, str]]]]:
    """Cases made in code: ``name -> (bytes, expected (line, code) pairs)``.

    Nothing here is written to the repository; test_cli writes them to a temporary folder.
    """
    header = HEADER.encode()
    claim = block_claim().encode()
    deep = 25  # brackets: nested well past the limit of 20 levels
    cases = {
        # 50 MB: a real claims file followed by comment lines; refused before it is parsed.
        "too-large-50mb.yaml": (
            header + claim + b"# padding padding padding\n" * 1_923_077,
            [(1, "too-large")],
        ),
        "too-large-just-over.yaml": (
            header + claim + b"#" * (5_000_001 - len(header + claim)),
            [(1, "too-large")],
        ),
        "deep-nesting-flow.yaml": (
            header + block_claim(note="[" * deep + "]" * deep).encode(),
            [(11, "too-deep")],
        ),
        "deep-nesting-block.yaml": (
            header + claim + b"    note:\n" + b"".join(b"  " * (k + 3) + b"- \n" for k in range(30)),
            [(30, "too-deep")],
        ),
        # So deep that the YAML parser itself gives up: still reported where it happens.
        "deep-nesting-100k.yaml": (
            header + block_claim(note="[" * 100_000 + "]" * 100_000).encode(),
            [(11, "too-deep")],
        ),
        "long-quote-5000.yaml": (header + block_claim(quote="x" * 5000).encode(), [(11, "too-long")]),
        "long-id-500.yaml": (header + block_claim(id="k" * 500).encode(), [(6, "too-long")]),
        "long-side-id-150.yaml": (
            header.replace(b"nrf: {label", b"n" * 150 + b": {label") + claim,
            [(3, "too-long")],
        ),
        "long-line-4mb.yaml": (b"x" * 4_000_000, [(1, "wrong-type")]),
        # Thousands of digits (Python will not print them): as the version, a quote and a key.
        "big-number-version.yaml": (
            header.replace(b"version: 1", b"version: 0x" + b"f" * 4000) + claim,
            [(1, "bad-version")],
        ),
        "big-number-quote.yaml": (header + block_claim(quote="1" * 5000).encode(), [(11, "wrong-type")]),
        "big-number-key.yaml": (
            header + claim + b"    ? " + b"9" * 5000 + b"\n    : x\n",
            [(11, "unknown-field")],
        ),
        "big-number-date.yaml": (
            header + block_claim(date="0x" + "a" * 4000).encode(),
            [(7, "bad-date"), (7, "wrong-type")],
        ),
        # Country-wide claims on 'all' districts: 2,600 x 399 pairs pass the bound at claim 2,507.
        "too-many-districts.yaml": (
            header.replace(b"province: AF08", b"country: AF")
            + b"".join(
                b"  - {id: c%d, date: 2021-09-05, source: karimi, holder: taliban, districts: all}\n" % i
                for i in range(2600)
            ),
            [(5 + 2507, "too-many-districts")],
        ),
        # 3,000 unknown district names: suggestions for the first 100, then one line says so.
        "many-unknown-names.yaml": (
            header
            + b"".join(
                block_claim(
                    id=f"k{i}", districts="[" + ", ".join(f"Nowhere{i}x{j}" for j in range(1000)) + "]"
                ).encode()
                for i in range(3)
            ),
            [(1, "too-many-problems")]
            + [(line, "unknown-district") for line in (10, 15, 20) for _ in range(1000)],
        ),
    }
    return cases


def gazetteer_for(province: str):
    """The tiny fixture province XX01, else Panjshir and the rest from the boundary data."""
    if province == "XX01":
        return tiny_gazetteer()
    return _boundary(province)


@functools.lru_cache(maxsize=64)
def _boundary(province):
    # Cached: building a gazetteer reads the name files; the tests never change one.
    from dashboard.gazetteer import boundary_gazetteer

    return boundary_gazetteer()(province)


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise TimeoutError in this (main) thread if the block runs longer than ``seconds``."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
