"""Which file for the committed district boundaries: GeoParquet or TopoJSON, and how detailed.

``python -m bench.geodata_formats [--from DIR]`` (needs the original zips, ../shared/geodata by
default) prints, for the simplified districts that ``dashboard.geodata_build`` makes:

- the size of GeoParquet (geopandas + pyarrow, WKB geometry, zstd at levels 1 and 19) and of the
  TopoJSON written by the build, raw and gzip -9 (about what git stores of a text file);
- for every province, the vertices and the worst Hausdorff distance to the full-resolution
  districts, of the committed copy and of what ``for_web`` made from the zips before (the
  province simplified alone at diagonal / 1500): the committed copy must not be coarser.

The numbers are quoted in geodata/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    import numpy as np
    import shapely

    from dashboard import boundaries, geodata_build, shapes

    parser = argparse.ArgumentParser(prog="python -m bench.geodata_formats")
    parser.add_argument("--from", dest="source", type=Path, default=boundaries.DEFAULT_DIR)
    args = parser.parse_args(argv)

    full = boundaries.load_region("AF", full_resolution=True, path=args.source)
    web = shapes.simplify(full, geodata_build.TOLERANCE, grid=shapes.GRID)
    started = time.perf_counter()
    text = geodata_build.build(args.source)
    seconds = time.perf_counter() - started
    data = text.encode("utf-8")
    topology = json.loads(text)

    print("format                                   bytes      gzip -9")
    for level in (1, 19):
        buf = io.BytesIO()
        web.to_parquet(buf, compression="zstd", compression_level=level)
        raw = buf.getvalue()
        packed = len(gzip.compress(raw, 9))
        print(f"GeoParquet (WKB, zstd {level:>2})             {len(raw):>9,}  {packed:>9,}")
    print(f"TopoJSON (shared arcs, integer steps)   {len(data):>9,}  {len(gzip.compress(data, 9)):>9,}")
    vertices = int(shapely.get_num_coordinates(np.asarray(web.geometry.values)).sum())
    arc_vertices = sum(len(a) for a in topology["arcs"])
    print(
        f"vertices: {vertices:,} in the polygons, {arc_vertices:,} in {len(topology['arcs']):,} arcs "
        f"(shared borders once); build {seconds:.1f} s"
    )
    started = time.perf_counter()
    boundaries._read_web.cache_clear()
    boundaries.load_region("AF")
    print(f"load_region('AF') from the committed file: {time.perf_counter() - started:.2f} s")

    print("\nprovince  vertices before/now  worst Hausdorff to full resolution before/now (deg)")
    for pcode, group in full.groupby("province"):
        group = group.reset_index(drop=True)
        before = shapes.simplify(group, shapes.tolerance_for(group), grid=shapes.GRID)
        now = web[web.province == pcode].reset_index(drop=True)
        counts = [
            int(shapely.get_num_coordinates(np.asarray(f.geometry.values)).sum()) for f in (before, now)
        ]
        worst = [
            max(shapely.hausdorff_distance(a, b) for a, b in zip(group.geometry, f.geometry))
            for f in (before, now)
        ]
        flag = "  COARSER" if counts[1] < counts[0] or worst[1] > worst[0] else ""
        print(
            f"{pcode} {group.province_name[0]:<11} {counts[0]:>6} / {counts[1]:>6}      "
            f"{worst[0]:.5f} / {worst[1]:.5f}{flag}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
