"""First paint only, ours against naive in one run: ``python -m bench.firstpaint``.

A quicker look than ``python -m bench --quick`` at the one thing it measures here: for each
app (Panjshir, and with ``--national`` 399 districts), the cold first paint (the first page
after the server started) and ``--repeats`` warm ones (a fresh browser's second navigation),
each with its breakdown: app shell loaded, first websocket message, the map's message (the
largest), the engine's root in the page, the map drawn, the map coloured as expected
(seconds from navigation start). Prints a table; nothing is recorded.
"""

from __future__ import annotations

import argparse
import os
import statistics

from bench import naive_map, web
from dashboard.claims import read_claims
from tests.conftest import ROOT, streamlit_server

KEYS = ("shell", "wsFirst", "wsBig", "iframe", "ready", "map")


def measure(browser, *, name, path, start, kind, repeats) -> dict:
    claims = read_claims(path)
    script = web.OUR_APP if kind == "ours" else web.NAIVE_APP
    env = {"STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "true"} if kind == "naive" else {}
    with streamlit_server(path, script=script, env=env, timeout=90) as url:
        cold, *_ = web.first_paint(browser, url, claims, kind, "combined", start, navigations=1)
        warm = []
        for _ in range(repeats):
            _first, second = web.first_paint(browser, url, claims, kind, "combined", start, navigations=2)
            warm.append(second)
    return {"cold": cold, "warm": warm}


def row(label: str, one: dict) -> str:
    cells = " | ".join("-" if one.get(k) is None else f"{one[k]:.2f}" for k in KEYS)
    return f"| {label} | {cells} |"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.firstpaint", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm navigations per app (default 3)")
    parser.add_argument("--national", action="store_true", help="also the 399 districts (2,000 claims)")
    parser.add_argument("--only", choices=("ours", "naive"), help="one app only")
    args = parser.parse_args(argv)
    os.environ.setdefault("DASHBOARD_OFFLINE", "1")
    naive_map.populate_static()
    targets = [("panjshir", ROOT / "claims.yaml", "2021-09-05")]
    if args.national:
        national = web.national_file(2000)
        targets.append(("national", national, web.start_day(read_claims(national), 150)))
    kinds = [args.only] if args.only else ["ours", "naive"]
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| | " + " | ".join(KEYS) + " |")
    print("| --- " * (len(KEYS) + 1) + "|")
    with web.browser() as b:
        for name, path, start in targets:
            for kind in kinds:
                got = measure(b, name=name, path=path, start=start, kind=kind, repeats=args.repeats)
                print(row(f"{name}/{kind} cold", got["cold"]), flush=True)
                for i, one in enumerate(got["warm"]):
                    print(row(f"{name}/{kind} warm {i + 1}", one), flush=True)
                median = statistics.median(one["map"] for one in got["warm"])
                print(f"| {name}/{kind} warm median map | {median:.2f} |", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
