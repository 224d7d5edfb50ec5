"""dashboard.voices: who says what, one row per district, one column group per voice."""

from __future__ import annotations

import dataclasses

from dashboard.claims import Source, read_claims
from dashboard.control import COMBINED, resolve
from dashboard.testing import tiny_claims
from dashboard.voices import FIELDS, holder_name, voices, who_says_what


def claims():
    cs = tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North", "South"]),
            ("2021-09-04", "blue", "blue", ["North"]),
            ("2021-09-05", "press", "contested", ["South"]),
        ]
    )
    first = dataclasses.replace(cs.claims[0], url="https://example.org/a", quote="q")
    second = dataclasses.replace(cs.claims[1], url="javascript:alert(1)", via="press")
    return dataclasses.replace(cs, claims=(first, second, cs.claims[2]))


def test_one_row_per_district_one_group_per_voice():
    table = who_says_what(claims(), "2021-09-05")
    assert list(table["pcode"]) == ["XX0101", "XX0102", "XX0103"]
    assert voices(claims()) == ["red", "blue", "independent", "combined"]
    assert list(table.columns) == [
        "pcode",
        "district",
        *(f"{v} {f}" for v in voices(claims()) for f in FIELDS),
    ]


def test_cells_hold_holder_since_source_and_link():
    row = who_says_what(claims(), "2021-09-05").set_index("pcode").loc["XX0101"]
    assert (row["red holder"], row["red since"], row["red source"], row["red link"]) == (
        "Red",
        "2021-09-03",
        "Red",
        "https://example.org/a",
    )
    assert row["blue holder"] == "Blue" and row["blue source"] == "Blue (via Press)"
    assert row["blue link"] is None  # never a javascript: address
    assert row["independent holder"] == "No claim yet" and row["independent source"] == ""
    assert row["combined holder"] == "Disputed" and row["combined source"] == ""


def test_the_holders_agree_with_resolve_in_every_view():
    cs = claims()
    for on in ("2021-09-02", "2021-09-03", "2021-09-04", "2021-09-05"):
        table = who_says_what(cs, on).set_index("pcode")
        for voice in voices(cs):
            expected = {p: holder_name(cs, h) for p, h in resolve(cs, view=voice, on=on).holders().items()}
            assert table[f"{voice} holder"].to_dict() == expected


def test_hostile_text_is_kept_as_data():
    cs = claims()
    evil = "=1+1 <b>x</b> [l](https://evil.example) {{ 7*7 }}"
    cs = dataclasses.replace(cs, sources={**cs.sources, "red": Source("red", evil, "red")})
    row = who_says_what(cs, "2021-09-05").iloc[0]
    assert row["red source"] == evil  # the display escapes; the table keeps the text as it is


def test_many_districts_and_no_claims():
    empty = who_says_what(tiny_claims([]), "2021-09-05")
    assert len(empty) == 3 and set(empty["combined holder"]) == {"No claim yet"}


def _who_says_what_from_snapshots(cs, on) -> dict:
    """The table as the plain way gives it: one :func:`resolve` per voice, a row per state."""
    rows = {}
    for voice in voices(cs):
        for state in resolve(cs, view=voice, on=on).states:
            row = rows.setdefault(state.pcode, {"pcode": state.pcode, "district": state.district})
            row[f"{voice} holder"] = holder_name(cs, state.holder)
            row[f"{voice} since"] = state.since.isoformat() if state.since else ""
            source, link = "", None
            if voice != COMBINED and state.claim_ids:
                claim = cs.claim(state.claim_ids[-1])
                source = cs.sources[claim.source].name + (
                    f" (via {cs.sources[claim.via].name})" if claim.via else ""
                )
                link = next((u for u in (claim.url, claim.archived_url) if u and u.startswith("http")), None)
            row[f"{voice} source"], row[f"{voice} link"] = source, link
    return rows


def test_the_table_matches_one_snapshot_per_voice_on_the_repository_claims(repo_claims):
    cs = read_claims(repo_claims)
    dates = sorted({c.date for c in cs.claims})
    for on in [dates[0], *dates[:: max(1, len(dates) // 12)], dates[-1]]:
        table = who_says_what(cs, on.isoformat())
        assert table.to_dict("records") == list(_who_says_what_from_snapshots(cs, on.isoformat()).values())
