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

from . import boundaries, export
from .claims import check_claims, read_claims
from .control import district_timeline, resolve, timeline
from .gazetteer import boundary_gazetteer
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
            p.add_argument("claims", nargs="*", type=Path,
                           help="claims files (default: claims.yaml); each is checked")
        else:
            p.add_argument("--claims", type=Path, help="claims file (default: claims.yaml)")
        p.add_argument("--geodata", help=f"folder with the boundary zips (or ${boundaries.ENV_VAR})")
        p.add_argument("--no-download", action="store_true",
                       help="never download the boundaries if no copy is found")

    p = commands.add_parser("validate", help="check a claims file; print every problem")
    common(p, positional=True)
    p = commands.add_parser("snapshot", help="every district's holder on a date, in a view")
    common(p)
    p.add_argument("--date", required=True, type=_date, help="2021-09-05 or 2021-09-05T14:00")
    p.add_argument("--view", required=True, help="a side id, independent or combined")
    p.add_argument("--format", choices=FORMATS["snapshot"], default="csv")
    p.add_argument("--full-resolution", action="store_true", help="geojson: unsimplified borders")
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
    p = commands.add_parser("diff", help="what an edit changes: claims, and holders per view")
    p.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="OLD.yaml NEW.yaml, or with --git the claims file (default: claims.yaml)")
    p.add_argument("--git", metavar="REV", help="compare the file as it was at git revision REV")
    p.add_argument("--view", action="append", help="only this view (repeatable); default: all")
    p.add_argument("--format", choices=["text", "markdown"], default="text")
    p.add_argument("--geodata", help=f"folder with the boundary zips (or ${boundaries.ENV_VAR})")
    p.add_argument("--no-download", action="store_true",
                   help="never download the boundaries if no copy is found")
    p.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    p = commands.add_parser("schema", help="the claims format as JSON Schema (claims.schema.json)")
    p.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return int(exc.code or 0)
    if args.command == "schema":
        from .schema import json_text

        return _emit(json_text(), args.output)
    gazetteer_for = boundary_gazetteer(args.geodata, download=not args.no_download)
    if args.command == "diff":
        return _diff(args, gazetteer_for)
    if args.command == "validate" and len(args.claims) > 1:
        return max(_validate(path, gazetteer_for) for path in args.claims)
    if args.command == "validate":
        args.claims = args.claims[0] if args.claims else None
    path = getattr(args, "claims", None) or default_claims()
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
    try:
        districts = boundaries.load_region(claims.province, path=args.geodata,
                                              download=not args.no_download)
    except boundaries.BoundaryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.command == "snapshot":
        if not args.full_resolution:
            districts = boundaries.for_web(districts)
        return _emit(export.snapshot_geojson(snapshot, districts, claims), args.output)
    html = export.map_html(snapshot, boundaries.for_web(districts), claims, basemap=args.basemap)
    _emit(html, args.output)
    print(f"wrote {args.output} ({len(html.encode()) // 1024} KB): {args.view} view on {args.date}",
          file=sys.stderr)
    return 0


def _emit(text: str, output: Path | None) -> int:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
    return 0


def _validate(path: Path, gazetteer_for) -> int:
    """``validate`` of one of several files (as a pre-commit hook passes them)."""
    try:
        print(read_claims(path, gazetteer_for=gazetteer_for).summary())
    except ClaimsError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{path}: {len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''} found",
              file=sys.stderr)
        return 1
    except boundaries.BoundaryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _diff(args, gazetteer_for) -> int:
    """``diff OLD NEW`` or ``diff --git REV [CLAIMS]``: read both, print the comparison."""
    from . import diff, revisions

    if args.git is None and len(args.files) != 2:
        print("error: diff needs OLD.yaml NEW.yaml, or --git REV [CLAIMS]", file=sys.stderr)
        return 2
    if args.git is not None and len(args.files) > 1:
        print("error: diff --git REV takes one claims file", file=sys.stderr)
        return 2
    if args.git is not None:
        new_path = args.files[0] if args.files else default_claims()
        try:
            old_data = revisions.show(new_path, args.git)
        except revisions.RevisionError as exc:
            print(f"error: {diff.plain(exc)}", file=sys.stderr)
            return 1
        inputs = [(f"{new_path}@{args.git}", old_data), (str(new_path), None)]
    else:
        inputs = [(str(p), None) for p in args.files]
    sets, problems = [], []
    for shown, data in inputs:
        if data is None:
            try:
                data = Path(shown).read_bytes()
            except OSError as exc:
                problems.append(f"{shown}:1: cannot read file: {exc.strerror}")
                continue
        try:
            claims, found = check_claims(data, path=shown, gazetteer_for=gazetteer_for)
        except boundaries.BoundaryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        problems += [str(p) for p in found]
        sets.append(claims)
    if problems:
        for problem in problems:
            print(diff.plain(problem))
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", file=sys.stderr)
        return 1
    old, new = sets
    views = args.view or None
    unknown = [v for v in views or () if v not in {*old.views, *new.views}]
    if unknown:
        print(f"error: unknown view '{diff.plain(unknown[0])}'; choose one of "
              f"{', '.join(dict.fromkeys([*old.views, *new.views]))}", file=sys.stderr)
        return 2
    result = diff.compare(old, new, views=views)
    render = diff.to_markdown if args.format == "markdown" else diff.to_text
    return _emit(render(result, old_name=inputs[0][0], new_name=inputs[1][0]), args.output)
