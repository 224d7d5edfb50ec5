"""``python -m dashboard``: validate claims, print snapshots and timelines, render a map.

Exit codes: 0 success, 1 problems found (every one printed as ``path:line: message``) or an
output that cannot be written, 2 wrong usage, 130 interrupted (Ctrl-C). Nothing printed to a
terminal carries a raw control character.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

from . import boundaries, export, publish
from .claims import check_claims, read_claims
from .config import CLAIMS_ENV_VAR, REPO_CLAIMS, default_claims  # noqa: F401 (re-exported)
from .control import district_timeline, resolve, timeline
from .gazetteer import boundary_gazetteer, region_places
from .problems import ClaimsError, printable

FORMATS = {"snapshot": ("csv", "json", "geojson"), "timeline": ("csv", "json")}


DATE_FORMS = "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]"
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?")


def _date(text: str) -> dt.datetime | dt.date:
    """``--date``: exactly the README's forms; no time zone, week date or compact form.

    Examples
    --------
    >>> _date("2021-09-05"), _date("2021-09-05T14:00")
    (datetime.date(2021, 9, 5), datetime.datetime(2021, 9, 5, 14, 0))
    """
    match = _DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        parts = [int(g) for g in match.groups() if g is not None]
        return dt.datetime(*parts) if len(parts) > 3 else dt.date(*parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{printable(text[:40])}' is not a date: write {DATE_FORMS} "
            "(e.g. 2021-09-05 or 2021-09-05T14:00)"
        ) from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p, positional=False):
        if positional:
            p.add_argument(
                "claims", nargs="*", type=Path, help="claims files (default: claims.yaml); each is checked"
            )
        else:
            p.add_argument("--claims", type=Path, help="claims file (default: claims.yaml)")

    p = commands.add_parser("validate", help="check a claims file; print every problem")
    common(p, positional=True)
    p = commands.add_parser("snapshot", help="every district's holder on a date, in a view")
    common(p)
    p.add_argument("--date", required=True, type=_date, help=f"{DATE_FORMS}, e.g. 2021-09-05")
    p.add_argument("--view", required=True, help="a side id, independent or combined")
    p.add_argument("--format", choices=FORMATS["snapshot"], default="csv")
    p.add_argument(
        "--full-resolution",
        action="store_true",
        help="geojson: unsimplified borders, read from the original COD-AB zips",
    )
    p.add_argument(
        "--geodata",
        metavar="DIR",
        help=f"folder holding the original zips for --full-resolution "
        f"(default: ${boundaries.ENV_VAR}, else ../shared/geodata)",
    )
    p.add_argument("-o", "--output", help="write here instead of standard output")
    p = commands.add_parser("timeline", help="districts per holder on each date something changes")
    common(p)
    p.add_argument("--view", required=True, help="a side id, independent or combined")
    p.add_argument(
        "--districts",
        action="store_true",
        help="each district's holder (one column per district) instead of counts",
    )
    p.add_argument("--format", choices=FORMATS["timeline"], default="csv")
    p.add_argument("-o", "--output", help="write here instead of standard output")
    p = commands.add_parser("render", help="a standalone HTML map of a snapshot (works offline)")
    common(p)
    p.add_argument("--date", required=True, type=_date, help=f"{DATE_FORMS}, e.g. 2021-09-05")
    p.add_argument("--view", required=True)
    p.add_argument("--basemap", choices=["none", "osm", "topo"], default="none")
    p.add_argument(
        "--format",
        choices=["html", "png", "svg"],
        default="html",
        help="html: the interactive map; png/svg: a static figure to publish",
    )
    p.add_argument("--width", type=int, default=1600, help="png/svg: width in pixels (200-10000)")
    p.add_argument("-o", "--output", required=True, help="the file to write")
    p = commands.add_parser("diff", help="what an edit changes: claims, and holders per view")
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="OLD.yaml NEW.yaml, or with --git the claims file (default: claims.yaml)",
    )
    p.add_argument("--git", metavar="REV", help="compare the file as it was at git revision REV")
    p.add_argument("--view", action="append", help="only this view (repeatable); default: all")
    p.add_argument("--format", choices=["text", "markdown"], default="text")
    p.add_argument("-o", "--output", help="write here instead of standard output")
    p = commands.add_parser("schema", help="the claims format as JSON Schema (claims.schema.json)")
    p.add_argument("-o", "--output", help="write here instead of standard output")
    p = commands.add_parser(
        "publish",
        help="a static site of the map (every view and day) for any "
        "static host; works from file:// and in an <iframe>",
    )
    common(p)
    p.add_argument(
        "--region",
        help="the region's name in the title (default: region.name of the "
        "claims file, else the boundary data's)",
    )
    p.add_argument(
        "--basemap",
        choices=["none", "osm", "topo"],
        default="none",
        help="background tiles fetched by readers' browsers (default: none, offline)",
    )
    p.add_argument("-o", "--output", type=Path, required=True, help="the folder to write")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code (130, and one line, if interrupted by Ctrl-C)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return int(exc.code or 0)
    if args.command == "schema":
        from .schema import json_text

        return _emit(json_text(), args.output)
    gazetteer_for = boundary_gazetteer()
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
        # str(problem) escapes every control character: one problem, one line, no escapes run.
        text = "".join(f"{problem}\n" for problem in exc.problems)
        count = len(exc.problems)
        _emit(text, None)
        print(printable(f"{path}: {count} problem{'s' if count != 1 else ''} found"), file=sys.stderr)
        return 1
    except boundaries.BoundaryError as exc:
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 1

    if args.command == "validate":
        return _emit(printable(claims.summary()), None)
    if args.command == "publish":
        return _publish(args, claims)
    if args.view not in claims.views:
        print(
            printable(f"error: unknown view '{args.view[:100]}'; choose one of {', '.join(claims.views)}"),
            file=sys.stderr,
        )
        return 2
    if args.command == "timeline":
        if args.districts:
            frame = district_timeline(claims, view=args.view)
            text = (export.district_timeline_csv if args.format == "csv" else export.district_timeline_json)(
                frame, claims
            )
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
        districts = boundaries.load_region(
            claims.province, full_resolution=full, path=getattr(args, "geodata", None)
        )
        if not full:
            districts = boundaries.for_web(districts)
    except boundaries.BoundaryError as exc:
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 1
    if args.command == "snapshot":
        return _emit(export.snapshot_geojson(snapshot, districts, claims), args.output)
    if args.format in ("png", "svg"):
        return _figure(args, snapshot, districts, claims)
    html = publish.standalone_html(
        claims,
        districts,
        view=args.view,
        date=args.date,
        basemap=args.basemap,
        places=region_places(districts, claims.province),
    )
    if _emit(html, args.output):
        return 1
    print(
        printable(f"wrote {args.output} ({len(html.encode()) // 1024} KB): {args.view} view on {args.date}"),
        file=sys.stderr,
    )
    return 0


def _publish(args, claims) -> int:
    try:
        districts = boundaries.for_web(boundaries.load_region(claims.province))
    except boundaries.BoundaryError as exc:
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 1
    try:
        written = publish.publish(
            claims,
            districts,
            args.output,
            region=args.region,
            basemap=args.basemap,
            places=region_places(districts, claims.province),
        )
    except OSError as exc:
        print(printable(f"error: cannot write {args.output}: {exc.strerror or exc}"), file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in written)
    print(
        printable(
            f"wrote {args.output}/ ({len(written)} files, {size // 1024} KB): open "
            f"{args.output / 'index.html'} in a browser, or serve the folder from any "
            "static host"
        ),
        file=sys.stderr,
    )
    return 0


def _figure(args, snapshot, districts, claims) -> int:
    from .figure import snapshot_figure  # matplotlib is loaded only for a figure

    if not 200 <= args.width <= 10000:
        print("error: --width must be from 200 to 10000 pixels", file=sys.stderr)
        return 2
    data = snapshot_figure(snapshot, districts, claims, fmt=args.format, width_px=args.width)
    if _write(args.output, data):
        return 1
    print(
        printable(f"wrote {args.output} ({len(data) // 1024} KB): {args.view} view on {args.date}"),
        file=sys.stderr,
    )
    return 0


def _write(output: str, data: bytes) -> int:
    """Write ``data`` to the file ``output``; 1 (and one line) if that fails."""
    where = printable(repr(output) if not output.strip() else output)
    if not output.strip():
        print(f"error: cannot write {where}: no file name given", file=sys.stderr)
        return 1
    try:
        with open(output, "wb") as out:
            out.write(data)
    except OSError as exc:
        print(f"error: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def _emit(text: str, output: str | None) -> int:
    """Write ``text`` to the file ``output``, or to standard output; 1 (and one line) if that fails.

    On a terminal, control characters in the text (from the claims) are printed escaped.
    """
    text = text if text.endswith("\n") else text + "\n"
    if output is not None:
        return _write(output, text.encode("utf-8"))
    if sys.stdout.isatty():
        text = printable(text, keep="\n")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:  # a closed pipe (| head), a full disk (> /dev/full)
        try:  # nothing more can reach standard output; keep Python's exit from trying again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        if not isinstance(exc, BrokenPipeError):
            print(f"error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def _validate(path: Path, gazetteer_for) -> int:
    """``validate`` of one of several files (as a pre-commit hook passes them)."""
    try:
        claims = read_claims(path, gazetteer_for=gazetteer_for)
    except ClaimsError as exc:
        count = len(exc.problems)
        _emit("".join(f"{problem}\n" for problem in exc.problems), None)
        print(printable(f"{path}: {count} problem{'s' if count != 1 else ''} found"), file=sys.stderr)
        return 1
    except boundaries.BoundaryError as exc:
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 1
    return _emit(printable(claims.summary()), None)


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
        print(
            f"error: unknown view '{diff.plain(unknown[0])}'; choose one of "
            f"{', '.join(dict.fromkeys([*old.views, *new.views]))}",
            file=sys.stderr,
        )
        return 2
    result = diff.compare(old, new, views=views)
    render = diff.to_markdown if args.format == "markdown" else diff.to_text
    return _emit(render(result, old_name=inputs[0][0], new_name=inputs[1][0]), args.output)
