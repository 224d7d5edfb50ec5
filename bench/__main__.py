"""``python -m bench``: the dashboard's performance, measured in one run (see docs/performance.md).

1. Scrub latency in headless Chromium (key press on the date slider -> map painted), ours
   against the naive way (``bench/naive_app.py``: folium rebuilt, ``st_folium`` every rerun),
   for Panjshir (the repository's claims) and the whole country (399 districts, synthetic
   claims); blank frames, zoom/pan kept, and when the page's URL and heading follow.
2. First paint (navigation -> coloured map), cold and warm.
3. Bytes: the first page, and each slider step.
4. Resolution at scale (1k ... 1M claims, each size in its own process) against the plain
   per-district loop of ``tests/reference.py``.

Prints Markdown tables and writes JSON (``bench/results/latest.json``; ``--quick`` writes
``bench/results/quick.json``). Not part of the test suite; about 5-6 minutes on an idle
2-CPU machine (``--quick``: about 2). Timings are never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import report

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from bench.web import chromium_version

    def version(distribution):
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as installed

        try:
            return installed(distribution)
        except PackageNotFoundError:
            return "?"

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    )
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "chromium": chromium_version(),
        "python": platform.python_version(),
        "streamlit": version("streamlit"),
        "folium": version("folium"),
        "streamlit_folium": version("streamlit-folium"),
        "commit": commit + ("+changes" if dirty else ""),
        "loadavg_start": os.getloadavg(),
    }


# -- 4. resolution at scale ---------------------------------------------------------------------


def core(sizes: list[int], *, budget: float) -> list[dict]:
    out, estimates = [], None
    for i, n in enumerate(sizes):
        cmd = [sys.executable, "-m", "bench.core", "--size", str(n), "--baseline-budget", str(budget)]
        if estimates is not None:
            cmd += ["--baseline-estimates", json.dumps(estimates)]
        if i == 0:
            cmd.append("--validate-timeline")
        log(
            f"core: {n:,} claims"
            + (f" (baseline estimated {sum(estimates.values()):.0f} s)" if estimates else "")
        )
        t = time.monotonic()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"bench.core --size {n} failed:\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["wall_s"] = time.monotonic() - t
        out.append(result)
        # The plain loop's cost grows with claims x districts: predict the next size from this one.
        if i + 1 < len(sizes):
            scale = sizes[i + 1] / n
            estimates = {
                v: (x["resolve_s"] if x["run"] else x["estimate_s"]) * scale
                for v, x in result["baseline"]["views"].items()
            }
        log(f"core: {n:,} claims done in {result['wall_s']:.0f} s")
    return out


# -- 1-3. the browser -----------------------------------------------------------------------------


def browser_part(*, steps: int, warm: int, national_claims: int, play_steps: int) -> dict:
    from bench import naive_map, web
    from dashboard.claims import read_claims

    naive_map.populate_static()
    national = web.national_file(national_claims)
    panjshir = ROOT / "claims.yaml"
    targets = [
        ("panjshir", panjshir, "2021-09-05"),
        ("national", national, web.start_day(read_claims(national), 150)),
    ]
    out = {"steps": steps, "play_steps": play_steps, "national_claims": national_claims, "targets": {}}
    with web.browser() as b:
        for name, path, start in targets:
            for kind in ("ours", "naive"):
                log(f"browser: {name} / {kind}")
                out["targets"][f"{name}/{kind}"] = web.run_target(
                    b,
                    name=name,
                    claims_path=path,
                    kind=kind,
                    view="combined",
                    start=start,
                    steps=steps,
                    warm_repeats=warm,
                    play_steps=play_steps,
                    log=log,
                )
        out["sites"] = {}
        for name, path, start in targets:
            log(f"browser: published site / {name}")
            out["sites"][name] = web.published_site(
                b, name=name, claims_path=path, view="combined", start=start, repeats=warm, log=log
            )
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer steps and sizes (about 2 minutes): a smoke run, not a record",
    )
    parser.add_argument("--steps", type=int, help="slider steps per scrub (default 32; quick 8)")
    parser.add_argument(
        "--sizes",
        help="claims per core size, comma-separated (default 1000,10000,100000,1000000; quick 1000,10000)",
    )
    parser.add_argument(
        "--national-claims",
        type=int,
        default=2000,
        help="synthetic claims in the national browser run (default 2000)",
    )
    parser.add_argument(
        "--baseline-budget",
        type=float,
        default=60.0,
        help="skip the plain-loop baseline where it would take longer (seconds)",
    )
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-core", action="store_true")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="where to write the JSON (default bench/results/latest.json; "
        "with --quick, bench/results/quick.json, git-ignored)",
    )
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = RESULTS / ("quick.json" if args.quick else "latest.json")
    steps = args.steps or (8 if args.quick else 32)
    sizes = [
        int(s)
        for s in (args.sizes or ("1000,10000" if args.quick else "1000,10000,100000,1000000")).split(",")
    ]
    os.environ.setdefault("DASHBOARD_OFFLINE", "1")

    started = time.monotonic()
    result = {"command": "python -m bench" + (" --quick" if args.quick else ""), "machine": machine()}
    log(
        f"bench: {result['machine']['cpu']}, {result['machine']['nproc']} CPUs, "
        f"load average {result['machine']['loadavg_start'][0]:.1f}"
    )
    if not args.skip_browser:
        result["browser"] = browser_part(
            steps=steps,
            warm=1 if args.quick else 3,
            national_claims=args.national_claims,
            play_steps=10 if args.quick else 40,
        )
    if not args.skip_core:
        result["core"] = core(sizes, budget=args.baseline_budget)
    result["machine"]["loadavg_end"] = os.getloadavg()
    result["elapsed_s"] = time.monotonic() - started

    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    tmp.replace(args.output)
    print(report.render(result))
    log(f"bench: {result['elapsed_s']:.0f} s; wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
