"""Synthetic claim sets for the benchmarks and the load test: a country, three voices, a year.

Real district P-codes (read from the boundary data), random holders; nothing here is a real
claim. ``python -m bench.synthetic --claims 1000 -o /tmp/national.yaml`` writes one as YAML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random

import yaml

from dashboard.claims import INDEPENDENT, Claim, ClaimSet, Side, Source
from dashboard.gazetteer import District

SIDES = {"taliban": ("Taliban", "#D55E00"), "nrf": ("National Resistance Front", "#0072B2")}
START = dt.date(2021, 8, 15)


def national_districts():
    from dashboard import boundaries

    return boundaries.load_region("AF")


def rows(n: int, pcodes: list[str], *, days: int = 365, seed: int = 1):
    """``n`` claims as dicts in the claims.yaml shape (dates in order, 1-5 districts each)."""
    rng = random.Random(seed)
    voices = ["taliban-spokesman", "nrf-spokesman", "wire-service"]
    holders = ["taliban", "nrf", "contested"]
    dates = sorted(rng.randrange(days) for _ in range(n))
    for i, offset in enumerate(dates):
        yield {
            "id": f"c{i}",
            "date": (START + dt.timedelta(days=offset)).isoformat(),
            "source": voices[i % 3],
            "holder": rng.choice(holders),
            "districts": rng.sample(pcodes, rng.randint(1, 5)),
        }


def document(n: int, pcodes: list[str], *, region: str = "AF", **kwargs) -> dict:
    """A whole claims.yaml document."""
    return {
        "version": 1,
        "region": {"country": region} if len(region) == 2 else {"province": region},
        "sides": {k: {"label": v[0], "color": v[1]} for k, v in SIDES.items()},
        "sources": {
            "taliban-spokesman": {"name": "Taliban spokesman (synthetic)", "side": "taliban"},
            "nrf-spokesman": {"name": "NRF spokesman (synthetic)", "side": "nrf"},
            "wire-service": {"name": "Wire service (synthetic)", "side": INDEPENDENT},
        },
        "claims": list(rows(n, pcodes, **kwargs)),
    }


def write_yaml(out, n: int, pcodes: list[str], *, region: str = "AF", **kwargs) -> None:
    """Write :func:`document` as YAML to the text stream ``out``, the same bytes as
    ``yaml.safe_dump(document(...), sort_keys=False, allow_unicode=True, width=200)`` but written
    line by line: a 100,000-claim file in seconds instead of minutes."""
    head = document(0, [], region=region)
    del head["claims"]
    out.write(yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=200))
    out.write("claims:\n" if n else "claims: []\n")
    for r in rows(n, pcodes, **kwargs):
        out.write(
            f"- id: {r['id']}\n  date: '{r['date']}'\n  source: {r['source']}\n"
            f"  holder: {r['holder']}\n  districts:\n"
        )
        out.write("".join(f"  - {p}\n" for p in r["districts"]))


def claim_set(n: int, districts, *, region: str = "AF", **kwargs) -> ClaimSet:
    """The same claims built in memory, skipping YAML (for sizes YAML is too slow to parse)."""
    doc = document(0, [], region=region)
    table = [District(r.pcode, r.name, r.name_da) for r in districts.itertuples()]
    claims = tuple(
        Claim(
            id=r["id"],
            when=dt.datetime.fromisoformat(r["date"]),
            source=r["source"],
            holder=r["holder"],
            districts=tuple(r["districts"]),
            order=i,
            line=i + 1,
        )
        for i, r in enumerate(rows(n, [d.pcode for d in table], **kwargs))
    )
    return ClaimSet(
        province=region,
        sides={k: Side(k, *v) for k, v in SIDES.items()},
        sources={k: Source(k, v["name"], v["side"]) for k, v in doc["sources"].items()},
        claims=claims,
        districts=tuple(table),
        digest=f"synthetic-{n}-{region}",
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    pcodes = list(national_districts()["pcode"])
    with open(args.output, "w", encoding="utf-8") as out:
        yaml.safe_dump(
            document(args.claims, pcodes, days=args.days), out, sort_keys=False, allow_unicode=True, width=200
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
