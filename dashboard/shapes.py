"""District shapes for the web map: simplified as one coverage, snapped to a grid, and
stored as a topology whose shared borders are written once.

The core is pure: frames in, frames (or plain dicts) out; nothing here touches a file.
:func:`simplify` lightens a set of districts while neighbours keep sharing their borders
exactly; :func:`for_web` picks the tolerance for the extent drawn; :func:`to_topology` and
:func:`from_topology` turn districts on the :data:`GRID` into TopoJSON (each border between
two districts stored once, as an *arc*, coordinates as integer steps) and back, exactly.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> two = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)])
>>> topology = to_topology(two, [{"id": "a"}, {"id": "b"}])
>>> len(topology["arcs"])          # the shared side is one arc, each outer part one more
3
>>> [g.equals(h) for g, h in zip(from_topology(topology)[0], two)]
[True, True]
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["GRID", "SCALE", "for_web", "from_topology", "simplify", "to_topology"]

#: Size of the grid every vertex of the web shapes is snapped to, in degrees (~10 m).
GRID = 1e-4
#: Grid steps per degree: a coordinate on the grid is an integer divided by this.
SCALE = 10_000
#: Largest tolerance :func:`for_web` uses (the whole country), in degrees (~1 km).
COUNTRY_TOLERANCE = 0.01
#: Smallest tolerance :func:`for_web` uses (the smallest province), in degrees (~50 m).
PROVINCE_TOLERANCE = 0.0005


class ShapeError(Exception):
    """The shapes cannot be simplified or decoded; the message says why."""


# --------------------------------------------------------------------------------------------
# Simplification
# --------------------------------------------------------------------------------------------


def polygonal(geom):
    """Keep only the polygonal parts of a geometry (make_valid may add lines or points).

    Examples
    --------
    >>> from shapely.geometry import GeometryCollection, LineString, box
    >>> polygonal(GeometryCollection([box(0, 0, 1, 1), LineString([(2, 2), (3, 3)])])).geom_type
    'Polygon'
    """
    if geom is None or isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)):
        return geom
    parts = []
    for part in shapely.get_parts(geom):
        if isinstance(part, shapely.Polygon):
            parts.append(part)
        elif isinstance(part, (shapely.MultiPolygon, shapely.GeometryCollection)):
            sub = polygonal(part)
            if sub is not None and not sub.is_empty:
                parts.extend(shapely.get_parts(sub))
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def simplify(
    districts: gpd.GeoDataFrame, tolerance: float = 0.002, *, grid: float | None = None
) -> gpd.GeoDataFrame:
    """A lighter copy of the districts, neighbours still sharing their borders exactly.

    The polygons are simplified together as one coverage (``shapely.coverage_simplify``,
    GEOS >= 3.12): each border shared by two districts is simplified once, the same way for
    both, so no gaps or overlaps appear between neighbours. Any geometry that comes out
    invalid is repaired with ``shapely.make_valid``, keeping its polygonal parts.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        Non-overlapping polygons; left unchanged.
    tolerance : float, default 0.002
        Largest distance a border may move, in the units of the CRS (degrees for EPSG:4326:
        0.002 deg is about 200 m).
    grid : float, optional
        Also snap every vertex to a grid of this size (``shapely.set_precision``), so the
        coordinates print short. Shared vertices snap alike, so shared borders stay shared;
        where snapping pulled the two sides of a border apart, they are mended.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame, same rows, columns and CRS, with simplified valid geometries.

    Raises
    ------
    ShapeError
        If this shapely / GEOS cannot simplify coverages.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> wiggly = Polygon([(0, 0), (0.5, 0.0001), (1, 0), (1, 1), (0, 1)])
    >>> frame = gpd.GeoDataFrame(geometry=[wiggly], crs=4326)
    >>> int(shapely.get_num_coordinates(simplify(frame, 0.01).geometry.iloc[0]))
    5
    """
    if not hasattr(shapely, "coverage_simplify") or shapely.geos_version < (3, 12, 0):
        raise ShapeError(
            "Simplifying the district map needs shapely >= 2.1 built with GEOS >= 3.12 "
            f"(found shapely {shapely.__version__}, GEOS "
            f"{'.'.join(map(str, shapely.geos_version))}); "
            "install the versions in requirements.txt."
        )
    out = districts.copy()
    if "alt_names" in out.columns:  # a new list per row: the copy shares nothing mutable
        out["alt_names"] = _object_column([list(v) for v in out["alt_names"]], out.index)
    if len(out) == 0:
        return out
    geoms = np.asarray(out.geometry.values, dtype=object)
    simplified = shapely.coverage_simplify(geoms, tolerance)
    invalid = ~shapely.is_valid(simplified) & ~shapely.is_missing(simplified)
    if invalid.any():
        repaired = shapely.make_valid(simplified[invalid], method="structure", keep_collapsed=False)
        simplified[invalid] = [polygonal(g) for g in repaired]
    if grid:
        simplified = _mend(shapely.set_precision(simplified, grid), grid)
    out[out.geometry.name] = gpd.GeoSeries(simplified, index=out.index, crs=out.crs)
    out.attrs["tolerance"] = float(tolerance)
    return out


def _mend(geoms: np.ndarray, grid: float) -> np.ndarray:
    """Make snapped polygons a coverage again where snapping pulled a border apart.

    Snapping each polygon to the grid on its own can drop a vertex from one side of a border
    and keep it on the other (seen once in the whole country, where three districts meet):
    the two sides then no longer match. Such polygons are snapped to their neighbours'
    vertices (which are on the grid) within half a grid step, so they take those vertices.
    """
    if len(geoms) < 2 or not hasattr(shapely, "coverage_invalid_edges"):
        return geoms
    bad = np.nonzero(~shapely.is_empty(shapely.coverage_invalid_edges(geoms)))[0]
    if len(bad) == 0:
        return geoms
    tree = shapely.STRtree(geoms)
    out = geoms.copy()
    for i in bad:
        near = tree.query(geoms[i], predicate="intersects")
        near = near[near != i]
        mended = shapely.snap(geoms[i], shapely.multipoints(shapely.get_coordinates(geoms[near])), grid / 2)
        if mended.is_valid:
            out[i] = mended
    return out


def tolerance_for(districts: gpd.GeoDataFrame) -> float:
    """The tolerance :func:`for_web` uses for these districts: the diagonal of their extent
    / 1500, between :data:`PROVINCE_TOLERANCE` and :data:`COUNTRY_TOLERANCE`.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> tolerance_for(gpd.GeoDataFrame(geometry=[box(0, 0, 30, 40)]))
    0.01
    """
    if len(districts) == 0:
        return PROVINCE_TOLERANCE
    minx, miny, maxx, maxy = districts.total_bounds
    diagonal = float(np.hypot(maxx - minx, maxy - miny))
    return min(max(diagonal / 1500, PROVINCE_TOLERANCE), COUNTRY_TOLERANCE)


def for_web(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The districts at the detail a web map of their extent needs, on the :data:`GRID`.

    A frame already simplified at least as finely as needed for a province
    (``attrs["tolerance"]``, set by :func:`simplify` and by the loader of the committed file)
    is returned as it is (a copy) when it covers one province: it already has more detail
    than any province needs. A wider frame (several provinces, the whole country), or one at
    full resolution, is simplified as one coverage at :func:`tolerance_for` its extent: a
    province keeps ~50-400 m of detail, the whole country ~1 km.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        Districts with a ``province`` column, at full resolution or from the committed file.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame, same rows and columns, every vertex on the 1e-4 degree grid.

    Examples
    --------
    >>> from dashboard import boundaries
    >>> web = for_web(boundaries.load_region("AF08"))
    >>> len(web), bool(web.geometry.is_valid.all())
    (7, True)
    """
    done = districts.attrs.get("tolerance")
    one_province = "province" in districts.columns and districts["province"].nunique() <= 1
    if done is not None and done <= PROVINCE_TOLERANCE and one_province:
        out = districts.copy()
        if "alt_names" in out.columns:
            out["alt_names"] = _object_column([list(v) for v in out["alt_names"]], out.index)
        return out
    return simplify(districts, tolerance=tolerance_for(districts), grid=GRID)


def _object_column(items, index):
    import pandas as pd

    arr = np.empty(len(items), dtype=object)  # element by element: no 2-D array of lists
    for i, item in enumerate(items):
        arr[i] = item
    return pd.Series(arr, index=index)


# --------------------------------------------------------------------------------------------
# Topology: shared borders stored once (TopoJSON)
# --------------------------------------------------------------------------------------------


def _rings_of(geom) -> list[list[np.ndarray]]:
    """Polygons -> rings -> (n, 2) int64 grid coordinates, without the closing vertex."""
    if geom is None or geom.is_empty:
        return []
    polygons = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for polygon in polygons:
        rings = []
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.rint(np.asarray(ring.coords) * SCALE).astype(np.int64)[:-1]
            keep = np.ones(len(xy), dtype=bool)  # drop repeated vertices
            keep[1:] = (np.diff(xy, axis=0) != 0).any(axis=1)
            xy = xy[keep]
            if len(xy) > 1 and (xy[0] == xy[-1]).all():
                xy = xy[:-1]
            rings.append(xy)
        out.append(rings)
    return out


def _junctions(all_rings: list[np.ndarray]) -> set[int]:
    """Vertices (as keys) where three or more borders meet, or a shared border ends."""
    pairs = []
    for xy in all_rings:
        keys = _keys(xy)
        pairs.append(np.stack([keys, np.roll(keys, 1)], axis=1))
        pairs.append(np.stack([keys, np.roll(keys, -1)], axis=1))
    pairs = np.unique(np.concatenate(pairs), axis=0)
    points, counts = np.unique(pairs[:, 0], return_counts=True)
    return set(points[counts > 2].tolist())


def _keys(xy: np.ndarray) -> np.ndarray:
    return (xy[:, 0] << 32) | (xy[:, 1] & 0xFFFFFFFF)


def to_topology(
    geometries, properties: list[dict], *, name: str = "districts", members: dict | None = None
) -> dict:
    """TopoJSON of polygons on the :data:`GRID`, each shared border stored once.

    Rings are cut into arcs where borders meet; an arc two districts share is written once
    and the second district refers to it reversed (``~index``). Coordinates are quantised
    (integer steps of 1 / :data:`SCALE` degree) and delta-encoded, as TopoJSON allows, with
    ``transform = {scale: [1e-4, 1e-4], translate: [0, 0]}`` so that any TopoJSON reader
    draws them. The output is deterministic: the same input gives the same dict.

    Parameters
    ----------
    geometries : sequence of shapely Polygon or MultiPolygon
        Non-overlapping, every vertex on the grid (see :func:`simplify` with ``grid=GRID``).
    properties : list of dict
        One per geometry; its ``"id"`` item, if any, becomes the geometry's TopoJSON ``id``
        and the rest its ``properties``. Values must be JSON-serialisable.
    name : str, default "districts"
        Name of the object in ``objects``.
    members : dict, optional
        Extra top-level members (metadata), placed before ``objects``.

    Returns
    -------
    dict
        A TopoJSON ``Topology``.
    """
    shapes = [_rings_of(g) for g in geometries]
    flat = [ring for polygons in shapes for rings in polygons for ring in rings]
    junctions = _junctions(flat) if flat else set()
    arcs: list[np.ndarray] = []
    index: dict[bytes, int] = {}

    def arc_id(points: np.ndarray) -> int:
        forward, backward = points.tobytes(), points[::-1].copy().tobytes()
        if forward in index:
            return index[forward]
        if backward in index:
            return ~index[backward]
        index[forward] = len(arcs)
        arcs.append(points)
        return len(arcs) - 1

    def ring_arcs(xy: np.ndarray) -> list[int]:
        keys = _keys(xy)
        cuts = [i for i, k in enumerate(keys.tolist()) if k in junctions]
        if not cuts:
            # A ring that meets no other border (an island, or an enclave and the hole it
            # fills): one closed arc, started at its smallest vertex so both sides agree.
            start = int(np.lexsort((xy[:, 1], xy[:, 0]))[0])
            rolled = np.roll(xy, -start, axis=0)
            return [arc_id(np.vstack([rolled, rolled[:1]]))]
        rolled = np.roll(xy, -cuts[0], axis=0)
        cuts = [c - cuts[0] for c in cuts] + [len(xy)]
        closed = np.vstack([rolled, rolled[:1]])
        return [arc_id(closed[a : b + 1].copy()) for a, b in itertools.pairwise(cuts)]

    geometries_out = []
    for polygons, props in zip(shapes, properties):
        props = dict(props)
        entry: dict = {}
        if "id" in props:
            entry["id"] = props.pop("id")
        encoded = [[ring_arcs(ring) for ring in rings] for rings in polygons]
        if len(encoded) == 1:
            entry.update(type="Polygon", arcs=encoded[0])
        else:
            entry.update(type="MultiPolygon", arcs=encoded)
        entry["properties"] = props
        geometries_out.append(entry)

    encoded_arcs = []
    for points in arcs:
        steps = np.vstack([points[:1], np.diff(points, axis=0)])
        encoded_arcs.append(steps.tolist())
    return {
        "type": "Topology",
        **(members or {}),
        "transform": {"scale": [1 / SCALE, 1 / SCALE], "translate": [0, 0]},
        "objects": {name: {"type": "GeometryCollection", "geometries": geometries_out}},
        "arcs": encoded_arcs,
    }


def from_topology(
    topology: dict, *, name: str = "districts", select: list[int] | None = None
) -> tuple[list, list[dict]]:
    """The polygons and properties of a :func:`to_topology` dict, coordinates exactly on the grid.

    Parameters
    ----------
    topology : dict
        A TopoJSON ``Topology`` with quantised, delta-encoded arcs on the :data:`GRID`
        (``transform.scale`` 1e-4, ``translate`` 0) and Polygon / MultiPolygon geometries.
    name : str, default "districts"
        The object to read.
    select : list of int, optional
        Positions of the geometries to decode (default: all); only their arcs are read.

    Returns
    -------
    (list of shapely geometries, list of dict)
        One geometry and one properties dict (with ``"id"`` if the geometry had one) per
        geometry selected, in the order asked. A vertex ``n`` steps from the origin is
        ``n / 10000``, the float that ``shapely.set_precision(geom, 1e-4)`` gives.

    Raises
    ------
    ShapeError
        If the dict is not such a topology.
    """
    try:
        transform = topology["transform"]
        if [float(v) for v in transform["scale"]] != [1 / SCALE, 1 / SCALE] or [
            float(v) for v in transform["translate"]
        ] != [0.0, 0.0]:
            raise ShapeError(f"the topology is not on the 1/{SCALE} degree grid: {transform}")
        raw_arcs = topology["arcs"]
        collection = topology["objects"][name]["geometries"]
        entries = collection if select is None else [collection[i] for i in select]
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ShapeError(f"not a TopoJSON topology of {name!r}: {exc!r}") from None
    arcs: dict[int, np.ndarray] = {}

    def arc(i: int) -> np.ndarray:
        if i not in arcs:
            arcs[i] = np.cumsum(np.asarray(raw_arcs[i], dtype=np.int64).reshape(-1, 2), axis=0)
        return arcs[i]

    def ring(refs: list[int]) -> np.ndarray:
        parts = []
        for i, ref in enumerate(refs):
            points = arc(ref) if ref >= 0 else arc(~ref)[::-1]
            parts.append(points if i == 0 else points[1:])
        return np.concatenate(parts) / SCALE

    geoms, props = [], []
    for entry in entries:
        try:
            kind, refs = entry["type"], entry["arcs"]
            polygons = [refs] if kind == "Polygon" else refs if kind == "MultiPolygon" else None
            if polygons is None:
                raise ShapeError(f"a {kind} where districts must be polygons")
            built = [shapely.Polygon(ring(rings[0]), [ring(r) for r in rings[1:]]) for rings in polygons]
        except (KeyError, TypeError, IndexError, ValueError) as exc:
            raise ShapeError(f"a damaged geometry in the topology: {exc!r}") from None
        geoms.append(built[0] if kind == "Polygon" else shapely.MultiPolygon(built))
        entry_props = dict(entry.get("properties") or {})
        if "id" in entry:
            entry_props = {"id": entry["id"], **entry_props}
        props.append(entry_props)
    return geoms, props
