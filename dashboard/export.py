"""Snapshots and timelines as CSV, JSON, GeoJSON and standalone HTML text.

Only text is made here; the command line and the page decide where it goes. Every CSV is
written by :func:`csv_text`: a cell that a spreadsheet would run as a formula gets a ``'``
in front, and a line break inside a value is always quoted, so it never starts a row.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter

import pandas as pd

from .claims import ClaimSet
from .control import Snapshot
from .mapdata import ATTRIBUTION

SNAPSHOT_COLUMNS = ["pcode", "district", "holder", "since", "claim_ids", "district_da", "sources"]
#: A cell starting with one of these is a formula to a spreadsheet (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_LINE_FORMULA = re.compile(r"(\n)(?=[=+\-@\t\r])")


def csv_cell(value) -> str:
    r"""One CSV cell: a formula prefix neutralised with ``'``; quoted if it holds ``,``, ``"``, CR or LF.

    Examples
    --------
    >>> csv_cell("=1+1"), csv_cell("Karimi, spokesman"), csv_cell("a\rb"), csv_cell(7)
    ("'=1+1", '"Karimi, spokesman"', '"a\rb"', '7')
    >>> print(csv_cell('\r=HYPERLINK("x")').replace("\r", "<CR>"))
    "'<CR>=HYPERLINK(""x"")"
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    # Each line of a multi-line cell too: a tool that reads the file line by line must never
    # meet a line that starts with a formula.
    text = _LINE_FORMULA.sub(r"\1'", text)
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def csv_text(frame: pd.DataFrame) -> str:
    """A frame as CSV text (header, then one line per row, LF line ends), cells by :func:`csv_cell`.

    Examples
    --------
    >>> print(csv_text(pd.DataFrame({"source": ["@cmd", "Ann"], "n": [1, 2]})), end="")
    source,n
    '@cmd,1
    Ann,2
    """
    lines = [",".join(map(csv_cell, frame.columns))]
    lines += [",".join(map(csv_cell, row)) for row in frame.itertuples(index=False, name=None)]
    return "\n".join(lines) + "\n"


def snapshot_frame(snapshot: Snapshot, claims: ClaimSet) -> pd.DataFrame:
    """The snapshot's rows, with the names of the sources its claims rest on."""
    frame = snapshot.to_frame()
    frame["sources"] = [
        "; ".join(claims.sources[claims.claim(cid).source].name for cid in s.claim_ids)
        for s in snapshot.states
    ]
    return frame[SNAPSHOT_COLUMNS]


def snapshot_csv(snapshot: Snapshot, claims: ClaimSet) -> str:
    """CSV whose columns start ``pcode,district,holder,since,claim_ids``."""
    return csv_text(snapshot_frame(snapshot, claims))


def _claim_record(claims: ClaimSet, claim_id: str) -> dict:
    c = claims.claim(claim_id)
    source = claims.sources[c.source]
    return {
        "id": c.id,
        "date": c.when.isoformat(timespec="minutes"),
        "source": source.name,
        "side": source.side,
        "via": claims.sources[c.via].name if c.via else None,
        "holder": c.holder,
        "url": c.url,
        "quote": c.quote,
        "confidence": c.confidence,
    }


def snapshot_records(snapshot: Snapshot, claims: ClaimSet) -> list[dict]:
    return [
        {
            **row,
            "claim_ids": row["claim_ids"].split(";") if row["claim_ids"] else [],
            "claims": [_claim_record(claims, cid) for cid in s.claim_ids],
        }
        for row, s in zip(snapshot_frame(snapshot, claims).to_dict("records"), snapshot.states)
    ]


def snapshot_json(snapshot: Snapshot, claims: ClaimSet) -> str:
    """JSON: the view, the moment, and each district with the claims it rests on."""
    return json.dumps(
        {
            "province": claims.province,
            "view": snapshot.view,
            "on": snapshot.on.isoformat(timespec="minutes"),
            "districts": snapshot_records(snapshot, claims),
        },
        ensure_ascii=False,
        indent=1,
    )


def snapshot_geojson(snapshot: Snapshot, districts, claims: ClaimSet) -> str:
    """GeoJSON FeatureCollection of the districts with the snapshot's fields as properties."""
    records = {r["pcode"]: r for r in snapshot_records(snapshot, claims)}
    features = [
        {"type": "Feature", "geometry": row.geometry.__geo_interface__, "properties": records[row.pcode]}
        for row in districts.itertuples()
        if row.pcode in records
    ]
    return json.dumps(
        {
            "type": "FeatureCollection",
            "view": snapshot.view,
            "on": snapshot.on.isoformat(timespec="minutes"),
            "attribution": ATTRIBUTION,
            "features": features,
        },
        ensure_ascii=False,
    )


def timeline_csv(frame: pd.DataFrame) -> str:
    return csv_text(frame)


def timeline_json(frame: pd.DataFrame) -> str:
    rows = [{"date": r.pop("date").isoformat(), "counts": r} for r in frame.to_dict("records")]
    return json.dumps(rows, indent=1)


def district_timeline_csv(frame: pd.DataFrame, claims: ClaimSet) -> str:
    """One column per district, headed by its English name (with its P-code where names repeat)."""
    names = {d.pcode: d.name for d in claims.districts}
    repeated = {n for n, times in Counter(names.values()).items() if times > 1}
    return csv_text(frame.rename(columns={p: f"{n} ({p})" if n in repeated else n for p, n in names.items()}))


def district_timeline_json(frame: pd.DataFrame, claims: ClaimSet) -> str:
    rows = [{"date": r.pop("date").isoformat(), "holders": r} for r in frame.to_dict("records")]
    return json.dumps(
        {"districts": {d.pcode: d.name for d in claims.districts}, "rows": rows}, indent=1, ensure_ascii=False
    )


def map_html(snapshot: Snapshot, districts, claims: ClaimSet, *, basemap: str = "none") -> str:
    """A standalone HTML map that works with no network: the map engine opened at the
    snapshot's view and date (every other view and day stays one click away)."""
    from .publish import standalone_html

    return standalone_html(claims, districts, view=snapshot.view, date=snapshot.on.date(), basemap=basemap)
