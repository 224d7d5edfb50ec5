"""Resolution at scale: the compiled core against the plain per-district loop, per size.

Each size runs in its own process (``python -m bench.core --size N``), so that its peak
resident memory (``ru_maxrss``) is its own; it prints one JSON object. Up to
``--yaml-up-to`` claims (100,000 by default) the claims are read the way the app reads
them, as YAML bytes through :func:`dashboard.claims.check_claims`; above that the
:class:`~dashboard.claims.ClaimSet` is built in memory with :func:`bench.synthetic.claim_set`
(YAML that size is not what the app is for, and it would take minutes to parse).

The baseline is ``tests/reference.py``: for every district, a Python loop over every claim.
Its cost hardly depends on the date, so the whole-timeline baseline is the one-date cost
times the number of claim dates (an estimate, checked on the smallest size against a real
run over 50 dates spread over the year). The one-date baseline of a view is only run when
the previous size predicts it finishes within ``--baseline-budget`` seconds, and is
otherwise reported as not run.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"  # generated YAML, git-ignored
DATE = "2022-02-14"  # mid-year of the synthetic claims (which span 2021-08-15 + 365 days)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rss_mb() -> float:
    """Resident memory now (after a collection)."""
    gc.collect()
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def clock(fn, repeat: int = 1):
    """(median seconds, last result) of ``repeat`` calls."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def yaml_file(n: int, pcodes: list[str]) -> Path:
    """The synthetic national claims file with ``n`` claims, written once and kept."""
    from bench import synthetic

    DATA.mkdir(exist_ok=True)
    path = DATA / f"national-{n}.yaml"
    if not path.exists():
        tmp = path.with_suffix(".part")
        with open(tmp, "w", encoding="utf-8") as out:
            synthetic.write_yaml(out, n, pcodes)
        tmp.replace(path)
    return path


def run(n: int, *, yaml_up_to: int, estimates: dict | None, budget: float, validate_timeline: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench import synthetic
    from dashboard import boundaries
    from dashboard import claims as claims_module
    from dashboard.claims import check_claims
    from dashboard.control import ledger, resolve, timeline
    from tests.reference import reference_resolve

    districts = boundaries.load_region("AF")
    pcodes = list(districts["pcode"])
    out: dict = {"claims": n, "districts": len(pcodes)}

    if n <= yaml_up_to:
        path = yaml_file(n, pcodes)
        data = path.read_bytes()
        limit = ""
        if len(data) > claims_module.MAX_BYTES:
            # The app refuses a file this large; lift the limit to time the reading itself.
            limit = f"; the app's {claims_module.MAX_BYTES / 1e6:.0f} MB limit lifted for this"
            claims_module.MAX_BYTES = len(data)
        # Warm the gazetteer (the national boundaries) so that only the claims are timed.
        check_claims(data[: data.index(b"claims:")] + b"claims: []\n", path=str(path))
        base = rss_mb()
        t = time.perf_counter()
        cs, problems = check_claims(data, path=str(path))
        out["load_s"] = time.perf_counter() - t
        if problems:
            raise SystemExit(f"{path}: {len(problems)} problems, first: {problems[0]}")
        out["load"] = f"YAML ({len(data) / 1e6:.1f} MB) through check_claims{limit}"
    else:
        base = rss_mb()
        t = time.perf_counter()
        cs = synthetic.claim_set(n, districts)
        out["load_s"] = time.perf_counter() - t
        out["load"] = "ClaimSet built in memory (bench.synthetic.claim_set), no YAML"
    out["rss_base_mb"] = base

    t = time.perf_counter()
    led = ledger(cs)
    out["compile_s"] = time.perf_counter() - t
    out["events"] = int(sum(len(v.t) for k, v in led.views.items() if k != "combined"))

    out["resolve_s"], out["holder_codes_s"], out["timeline_s"] = {}, {}, {}
    for view in cs.views:
        out["resolve_s"][view], _ = clock(lambda v=view: resolve(cs, view=v, on=DATE), 5)
        out["holder_codes_s"][view], _ = clock(lambda v=view: led.holder_codes(v, DATE), 21)
        out["timeline_s"][view], _ = clock(lambda v=view: timeline(cs, view=v), 3)
    out["timeline_all_s"] = sum(out["timeline_s"].values())
    t = time.perf_counter()
    for view in cs.views:
        led.history(view)
    out["history_all_s"] = time.perf_counter() - t
    # The whole timeline from a claim set never compiled before (the ledger is built once
    # per claims file and kept; this is the first-time cost).
    fresh = dataclasses.replace(cs)  # same claims, no compiled ledger attached
    t = time.perf_counter()
    for view in cs.views:
        timeline(fresh, view=view)
    out["timeline_cold_s"] = time.perf_counter() - t
    del fresh
    # Memory held by the claims, their compiled ledger and the timelines (resident, after a
    # collection), and the process's peak (which includes Python, numpy, pandas, geopandas
    # and the national boundaries: about the same at every size).
    out["rss_mb"] = rss_mb() - base
    out["rss_peak_mb"] = peak_rss_mb()

    # The baseline: tests/reference.py, one date, every view it is predicted to finish in time.
    claim_dates = {v: len(led.claim_dates(v)) for v in cs.views}
    out["claim_dates"] = claim_dates
    views, agree = {}, True
    for view in cs.views:
        guess = (estimates or {}).get(view)
        if guess is not None and guess > budget:
            views[view] = {"run": False, "estimate_s": guess}
            continue
        times = []
        while len(times) < 3 and sum(times) < 2:  # repeat the quick ones (median of 3)
            t = time.perf_counter()
            ref = reference_resolve(cs, view, DATE)
            times.append(time.perf_counter() - t)
        views[view] = {"run": True, "resolve_s": statistics.median(times), "estimate_s": guess}
        codes = led.holder_codes(view, DATE)
        agree &= [ref[p][0] for p in led.pcodes] == [led.holders[c] for c in codes]
    cost = {v: x["resolve_s"] if x["run"] else x["estimate_s"] for v, x in views.items()}
    out["baseline"] = {
        "views": views,
        "agrees": agree,
        "budget_s": budget,
        "timeline_est_s": {v: cost[v] * claim_dates[v] for v in cs.views},
    }
    if validate_timeline and views[cs.views[0]]["run"]:
        # One view, 50 of its claim dates spread over the year, measured, against the estimate.
        view = cs.views[0]
        every = led.claim_dates(view)
        days = every[:: max(1, len(every) // 50)][:50]
        t = time.perf_counter()
        for day in days:
            reference_resolve(cs, view, day)
        out["baseline"]["timeline_check"] = {
            "view": view,
            "dates": len(days),
            "measured_s": time.perf_counter() - t,
            "estimated_s": views[view]["resolve_s"] * len(days),
        }
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--yaml-up-to", type=int, default=100_000)
    parser.add_argument(
        "--baseline-estimates",
        type=json.loads,
        default=None,
        help="predicted seconds of the one-date baseline per view, as JSON "
        '({"taliban": 12.5, ...}); a view predicted over the budget is not run',
    )
    parser.add_argument("--baseline-budget", type=float, default=60.0)
    parser.add_argument("--validate-timeline", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("DASHBOARD_OFFLINE", "1")
    result = run(
        args.size,
        yaml_up_to=args.yaml_up_to,
        estimates=args.baseline_estimates,
        budget=args.baseline_budget,
        validate_timeline=args.validate_timeline,
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
