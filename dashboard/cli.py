"""``python -m dashboard``: validate claims, print snapshots and timelines, render a map.

Exit codes: 0 success, 1 problems found (every one printed as ``path:line: message``),
2 wrong usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import boundaries, export, publish
from .claims import read_claims
from .control import district_timeline, resolve, timeline
from .gazetteer import COUNTRIES, boundary_gazetteer, read_gazetteer
from .problems import ClaimsError

REPO_CLAIMS = Path(__file__).resolve().parent.parent / "claims.yaml"
CLAIMS_ENV_VAR = "DASHBOARD_CLAIMS"
FORMATS = {"snapshot": ("csv", "json", "geojson"), "timeline": ("csv", "json")}


def default_claims() -> Path:
    """``$DASHBOARD_CLAIMS``, else ``claims.yaml`` here, else the repository's."""
    if os.environ.get(CLAIMS_ENV_VAR):
        return Path(os.environ[CLAIMS_ENV_VAR])
    here = Path("claims.yaml")
    return here if here.exists() else REPO_CLAIMS


def _date(text: str) -> dt.datetime | dt.date:
    try:
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2021-09-05") from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p, positional=False):
        if positional:
            p.add_argument("claims", nargs="?", type=Path, help="claims file (default: claims.yaml)")
        else:
            p.add_argument("--claims", type=Path, help="claims file (default: claims.yaml)")

    p = commands.add_parser("validate", help="check a claims file; print every problem")
    common(p, positional=True)
    p = commands.add_parser("snapshot", help="every district's holder on a date, in a view")
    common(p)
    p.add_argument("--date", required=True, type=_date, help="2021-09-05 or 2021-09-05T14:00")
    p.add_argument("--view", required=True, help="a side id, independent or combined")
    p.add_argument("--format", choices=FORMATS["snapshot"], default="csv")
    p.add_argument("--full-resolution", action="store_true",
                   help="geojson: unsimplified borders, read from the original COD-AB zips")
    p.add_argument("--geodata", metavar="DIR",
                   help=f"folder holding the original zips for --full-resolution "
                        f"(default: ${boundaries.ENV_VAR}, else ../shared/geodata)")
    p.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    p = commands.add_parser("timeline", help="districts per holder on each date something changes")
    common(p)
    p.add_argument("--view", required=True, help="a side id, independent or combined")
    p.add_argument("--districts", action="store_true",
                   help="each district's holder (one column per district) instead of counts")
    p.add_argument("--format", choices=FORMATS["timeline"], default="csv")
    p.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    p = commands.add_parser("render", help="a standalone HTML map of a snapshot (works offline)")
    common(p)
    p.add_argument("--date", required=True, type=_date)
    p.add_argument("--view", required=True)
    p.add_argument("--basemap", choices=["none", "osm", "topo"], default="none")
    p.add_argument("-o", "--output", type=Path, required=True, help="the HTML file to write")
    p = commands.add_parser("publish", help="a static site of the map (every view and day) for any "
                                            "static host; works from file:// and in an <iframe>")
    common(p)
    p.add_argument("--region", help="the region's name in the title (default: from the boundaries)")
    p.add_argument("--basemap", choices=["none", "osm", "topo"], default="none",
                   help="background tiles fetched by readers' browsers (default: none, offline)")
    p.add_argument("-o", "--output", type=Path, required=True, help="the folder to write")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return int(exc.code or 0)
    path = getattr(args, "claims", None) or default_claims()
    gazetteer_for = boundary_gazetteer()
    try:
        claims = read_claims(path, gazetteer_for=gazetteer_for)
    except ClaimsError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{path}: {len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''} found",
              file=sys.stderr)
        return 1
    except boundaries.BoundaryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    if args.command == "validate":
        print(claims.summary())
        return 0
    if args.command == "publish":
        return _publish(args, claims)
    if args.view not in claims.views:
        print(f"error: unknown view '{args.view}'; choose one of {', '.join(claims.views)}",
              file=sys.stderr)
        return 2
    if args.command == "timeline":
        if args.districts:
            frame = district_timeline(claims, view=args.view)
            text = (export.district_timeline_csv if args.format == "csv"
                    else export.district_timeline_json)(frame, claims)
        else:
            frame = timeline(claims, view=args.view)
            text = export.timeline_csv(frame) if args.format == "csv" else export.timeline_json(frame)
        return _emit(text, args.output)

    snapshot = resolve(claims, view=args.view, on=args.date)
    if args.command == "snapshot" and args.format in ("csv", "json"):
        text = (export.snapshot_csv if args.format == "csv" else export.snapshot_json)(snapshot, claims)
        return _emit(text, args.output)
    full = args.command == "snapshot" and args.full_resolution
    try:
        # The committed web copy, unless full resolution is asked for: then the original zips.
        districts = boundaries.load_region(claims.province, full_resolution=full,
                                           path=getattr(args, "geodata", None))
        if not full:
            districts = boundaries.for_web(districts)
    except boundaries.BoundaryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.command == "snapshot":
        return _emit(export.snapshot_geojson(snapshot, districts, claims), args.output)
    html = publish.standalone_html(claims, districts, view=args.view, date=args.date,
                                   basemap=args.basemap, places=_places(districts, claims.province))
    _emit(html, args.output)
    print(f"wrote {args.output} ({len(html.encode()) // 1024} KB): {args.view} view on {args.date}",
          file=sys.stderr)
    return 0


def _places(districts, province: str) -> list:
    """The gazetteer's places of the region (those with a sourced point become markers)."""
    return read_gazetteer(districts, str(districts["province"].iloc[0]) if len(districts)
                          and province.upper() not in COUNTRIES else province.upper()).places


def _publish(args, claims) -> int:
    try:
        districts = boundaries.for_web(boundaries.load_region(claims.province))
    except boundaries.BoundaryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        written = publish.publish(claims, districts, args.output,
                                  region=args.region, basemap=args.basemap,
                                  places=_places(districts, claims.province))
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in written)
    print(f"wrote {args.output}/ ({len(written)} files, {size // 1024} KB): open "
          f"{args.output / 'index.html'} in a browser, or serve the folder from any static host",
          file=sys.stderr)
    return 0


def _emit(text: str, output: Path | None) -> int:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
    return 0
