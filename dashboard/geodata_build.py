"""``python -m dashboard.geodata_build``: make ``geodata/districts.topojson`` from the original zips.

Reads the COD-AB adm2 zip named in ``geodata/sources.yaml`` from ``--from DIR`` (default
``../shared/geodata``), checks its sha256 against that file, simplifies all districts as one
coverage at :data:`TOLERANCE` on the 1e-4 degree grid, and writes them as TopoJSON (shared
borders stored once) with the zip's name and sha256 inside. The same zip and the versions
pinned in ``requirements.txt`` give the same bytes, which ``tests/test_geodata_build.py``
checks against the committed file.

Exit codes: 0 written (or, with ``--check``, unchanged), 1 a problem (printed on one line),
2 wrong usage.

Examples
--------
::

    python -m dashboard.geodata_build --from ../shared/geodata
    python -m dashboard.geodata_build --check        # is the committed file up to date?
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import shapely

from . import boundaries, shapes

#: Simplification of the committed copy, in degrees (~50 m): the finest tolerance the web map
#: ever used for a province, so no province is drawn coarser than it was from the zips.
TOLERANCE = shapes.PROVINCE_TOLERANCE
LICENCE = (
    "Creative Commons Attribution (HDX distributes the COD-AB boundaries under CC BY; "
    "OCHA's global compilation of them is CC BY 4.0); AGCHO's metadata says the data are "
    "meant for humanitarian purposes"
)


class BuildError(Exception):
    """The zip cannot be found, read or trusted; the message says why (one line)."""


def sha256(path: Path) -> str:
    """The hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build(source=boundaries.DEFAULT_DIR) -> str:
    """The text of ``geodata/districts.topojson`` made from the adm2 zip in ``source``.

    Parameters
    ----------
    source : str or os.PathLike
        A folder holding the zip named in ``geodata/sources.yaml``, or that zip itself.

    Returns
    -------
    str
        TopoJSON, one geometry and one arc per line, ending with a newline; deterministic.

    Raises
    ------
    BuildError
        If the zip is missing, unreadable, or not the release ``sources.yaml`` describes.

    Examples
    --------
    >>> text = build("../shared/geodata")                      # doctest: +SKIP
    >>> text.startswith('{"type":"Topology"')                  # doctest: +SKIP
    True
    """
    try:
        entry = boundaries.sources()["files"]["adm2"]
    except boundaries.BoundaryError as exc:
        raise BuildError(str(exc)) from None
    source = Path(source).expanduser()
    zip_path = source if source.is_file() else source / entry["file"]
    if zip_path.name != entry["file"] or not zip_path.is_file():
        raise BuildError(
            f"{zip_path} not found: the build needs {entry['file']} (see "
            f"{boundaries.SOURCES_FILE.name}); pass --from DIR with the folder holding it"
        )
    digest = sha256(zip_path)
    if digest != entry["sha256"]:
        raise BuildError(
            f"{zip_path} has sha256 {digest}, not {entry['sha256']} as "
            f"{boundaries.SOURCES_FILE.name} says: another release or a damaged "
            "copy; update sources.yaml only for a release you mean to use"
        )
    try:
        districts, country = boundaries.read_zip(zip_path)
    except boundaries.BoundaryError as exc:
        raise BuildError(str(exc)) from None
    web = shapes.simplify(districts, TOLERANCE, grid=shapes.GRID)
    bad = [p for p, g in zip(web.pcode, web.geometry) if g is None or g.is_empty or not g.is_valid]
    if bad:
        raise BuildError(f"simplification left empty or invalid shapes for {', '.join(bad)}")
    properties = [
        {
            "id": r.pcode,
            "name": r.name,
            "name_da": r.name_da,
            "alt_names": list(r.alt_names),
            "province": r.province,
            "province_name": r.province_name,
            "province_da": r.province_da,
        }
        for r in web.itertuples()
    ]
    sources = boundaries.sources()
    members = {
        "title": "Districts (admin-2) of Afghanistan, simplified for the web map",
        "source": {
            "dataset": "Afghanistan - Subnational Administrative Boundaries (COD-AB)",
            "producer": "AGCHO, processed by ITOS for UN OCHA",
            "dataset_page": boundaries.HDX_DATASET_URL,
            "valid_on": str(sources.get("valid_on", "")),
            "file": entry["file"],
            "sha256": digest,
        },
        "attribution": "AGCHO / UN OCHA (COD-AB), via HDX",
        "licence": LICENCE,
        "simplification": {
            "method": "shapely.coverage_simplify of all districts together, then "
            "shapely.set_precision to the grid",
            "tolerance": TOLERANCE,
            "grid": shapes.GRID,
            "made_with": f"shapely {shapely.__version__}, GEOS {'.'.join(map(str, shapely.geos_version))}",
            "command": "python -m dashboard.geodata_build --from DIR",
        },
        "country": country,
    }
    return dumps(shapes.to_topology(web.geometry.values, properties, members=members))


def dumps(topology: dict) -> str:
    """TopoJSON text with one geometry and one arc per line, so that diffs stay readable."""

    def j(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = [f"{j(k)}:{j(v)}" for k, v in topology.items() if k not in ("objects", "arcs")]
    parts = ["{" + ",\n".join(head) + ","]
    for name, obj in topology["objects"].items():
        geometries = ",\n".join(j(g) for g in obj["geometries"])
        parts.append(
            f'{j("objects")}:{{{j(name)}:{{"type":"GeometryCollection","geometries":[\n{geometries}\n]}}}},'
        )
    parts.append('"arcs":[\n' + ",\n".join(j(a) for a in topology["arcs"]) + "\n]}")
    return "\n".join(parts) + "\n"


def write(text: str, target: Path) -> None:
    """Write atomically: a temporary file beside the target, then renamed over it."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as a plain open() would make it, not mkstemp's 0600
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv: list[str] | None = None) -> int:
    """Build (or check) the committed web copy; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.geodata_build", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        default=boundaries.DEFAULT_DIR,
        help="folder holding the COD-AB zips (default: ../shared/geodata)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=boundaries.WEB_FILE,
        help="file to write (default: geodata/districts.topojson)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the output file differs from a new build",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        text = build(args.source)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    size = len(text.encode("utf-8"))
    if args.check:
        try:
            same = args.output.read_text(encoding="utf-8") == text
        except OSError as exc:
            print(f"error: cannot read {args.output}: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"{args.output}: {'up to date' if same else 'DIFFERS from a new build'}", file=sys.stderr)
        return 0 if same else 1
    try:
        write(text, args.output)
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    topology = json.loads(text)
    print(
        f"wrote {args.output}: {len(topology['objects']['districts']['geometries'])} districts, "
        f"{len(topology['arcs'])} arcs, {sum(len(a) for a in topology['arcs'])} vertices, "
        f"{size:,} bytes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
