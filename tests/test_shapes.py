"""Tests of dashboard.shapes: coverage simplification, for_web, and the TopoJSON codec.

Built on small shapes made here and on the committed web copy of the districts; the
full-resolution checks need ../shared/geodata and are skipped without it.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from dashboard import boundaries, shapes

needs_zips = pytest.mark.skipif(
    not (boundaries.DEFAULT_DIR / "afg_admbnda_adm2_agcho_20180522.zip").exists(),
    reason="the original COD-AB zips are not in ../shared/geodata",
)


def _line_neighbours(geoms: np.ndarray) -> set[tuple[int, int]]:
    """Pairs of polygons that share a border of positive length."""
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right])) > 0
    return set(zip(left[shared].tolist(), right[shared].tolist()))


def check_topology(original: gpd.GeoDataFrame, simplified: gpd.GeoDataFrame, lighter=0.5):
    before = np.asarray(original.geometry.values, dtype=object)
    after = np.asarray(simplified.geometry.values, dtype=object)
    assert len(after) == len(before)
    assert shapely.is_valid(after).all()
    assert not shapely.is_empty(after).any()
    assert set(shapely.get_type_id(after)) <= {3, 6}  # Polygon, MultiPolygon

    # No overlaps: pairwise intersections have no area, and the union's area is the sum.
    tree = shapely.STRtree(after)
    left, right = tree.query(after, predicate="intersects")
    keep = left < right
    overlap = shapely.area(shapely.intersection(after[left[keep]], after[right[keep]]))
    assert overlap.max(initial=0.0) < 1e-9
    assert shapely.coverage_is_valid(after)  # borders match exactly, vertex for vertex
    total = shapely.area(after).sum()
    assert abs(total - shapely.area(before).sum()) < 0.01 * total

    # Neighbours still share a border (no gaps opened between them).
    neighbours = _line_neighbours(before)
    assert neighbours
    lengths = shapely.length(
        shapely.intersection(after[[i for i, _ in neighbours]], after[[j for _, j in neighbours]])
    )
    assert (lengths > 0).all()

    vertices = shapely.get_num_coordinates
    assert vertices(after).sum() < lighter * vertices(before).sum()


@pytest.fixture(scope="module")
def country():
    return boundaries.load_region("AF")


# ---------------------------------------------------------------- simplify() and for_web()


def test_simplify_the_committed_country_keeps_the_coverage(country):
    simplified = shapes.simplify(country, 0.01, grid=shapes.GRID)
    assert list(simplified.columns) == boundaries.COLUMNS
    assert simplified.attrs["tolerance"] == 0.01
    assert country.attrs["tolerance"] == 0.0005  # the input is left as it was
    check_topology(country, simplified, lighter=0.2)


@needs_zips
def test_simplify_full_resolution():
    full = boundaries.load_region("AF", full_resolution=True)
    check_topology(full, shapes.simplify(full, shapes.PROVINCE_TOLERANCE, grid=shapes.GRID), lighter=0.8)
    panjshir = full[full.province == "AF08"].reset_index(drop=True)
    untouched = panjshir.geometry.copy()
    web = shapes.for_web(panjshir)
    assert panjshir.geometry.equals(untouched)  # full resolution still there
    check_topology(panjshir, web, lighter=0.7)


def test_simplify_empty(country):
    assert len(shapes.simplify(country.iloc[:0])) == 0


def test_polygonal_parts_kept():
    mixed = shapely.GeometryCollection(
        [box(0, 0, 1, 1), shapely.LineString([(2, 2), (3, 3)]), shapely.MultiPolygon([box(5, 5, 6, 6)])]
    )
    kept = shapes.polygonal(mixed)
    assert kept.geom_type == "MultiPolygon" and kept.area == pytest.approx(2.0)


def test_tolerance_for_scales_with_the_extent(country):
    assert shapes.tolerance_for(country) == shapes.COUNTRY_TOLERANCE
    panjshir = country[country.province == "AF08"]
    assert shapes.PROVINCE_TOLERANCE < shapes.tolerance_for(panjshir) < 0.001


def test_for_web_of_several_provinces_is_simplified(country):
    two = country[country.province.isin(["AF08", "AF09"])].reset_index(drop=True)
    web = shapes.for_web(two)
    assert web.attrs["tolerance"] == shapes.tolerance_for(two)
    assert (
        shapely.get_num_coordinates(web.geometry.values).sum()
        < shapely.get_num_coordinates(two.geometry.values).sum()
    )


# ---------------------------------------------------------------- the TopoJSON codec


def test_shared_borders_are_stored_once():
    # Three squares in a row, the middle one with a hole filled by a fourth (an enclave).
    a, b, c = box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)
    hole = box(1.25, 0.25, 1.75, 0.75)
    b = Polygon(b.exterior.coords, [hole.exterior.coords])
    geoms = [a, b, c, hole]
    topology = shapes.to_topology(geoms, [{"id": i} for i in "abcd"])
    # a|b and b|c once each, the outer runs between junctions, and the hole once for both.
    refs = [r for g in topology["objects"]["districts"]["geometries"] for ring in g["arcs"] for r in ring]
    used = [r if r >= 0 else ~r for r in refs]
    assert sorted(set(used)) == list(range(len(topology["arcs"])))
    assert len(used) - len(set(used)) == 3  # three arcs referred to twice: two borders, the hole
    decoded, props = shapes.from_topology(topology)
    assert [p["id"] for p in props] == list("abcd")
    assert all(x.equals(y) for x, y in zip(decoded, geoms))


def test_round_trip_is_exact_for_multipolygons_and_islands():
    island = box(5, 5, 5.5, 5.5)
    multi = MultiPolygon([box(0, 0, 1, 1), box(2, 2, 3, 3)])
    geoms = [multi, island, box(1, 0, 2, 1)]
    topology = json.loads(json.dumps(shapes.to_topology(geoms, [{}, {"name": "x"}, {}])))
    decoded, props = shapes.from_topology(topology)
    assert props == [{}, {"name": "x"}, {}]
    assert [g.geom_type for g in decoded] == ["MultiPolygon", "Polygon", "Polygon"]
    for x, y in zip(decoded, geoms):
        assert shapely.equals_exact(shapely.normalize(x), shapely.normalize(y), 0)
    selected, _ = shapes.from_topology(topology, select=[2, 0])
    assert selected[0].equals(geoms[2]) and selected[1].equals(geoms[0])


def test_the_committed_copy_decodes_to_the_grid_exactly(country):
    # Encoding the loaded districts again gives back the same shapes, to the last bit.
    topology = shapes.to_topology(country.geometry.values, [{} for _ in range(len(country))])
    decoded, _ = shapes.from_topology(topology)
    for x, y in zip(decoded, country.geometry.values):
        assert shapely.equals_exact(shapely.normalize(x), shapely.normalize(y), 0)


def test_the_committed_copy_is_a_coverage(country):
    geoms = np.asarray(country.geometry.values, dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[keep]], geoms[right[keep]]))
    assert overlap.max(initial=0.0) < 1e-12
    assert shapely.coverage_is_valid(geoms)
    assert len(_line_neighbours(geoms)) > 900  # districts still touch their neighbours


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t.pop("arcs"),
        lambda t: t["transform"].update(scale=[0.001, 0.001]),
        lambda t: t["objects"]["districts"]["geometries"][0].update(arcs=[[99]]),
        lambda t: t["objects"]["districts"]["geometries"][0].update(type="LineString"),
    ],
)
def test_a_damaged_topology_is_a_shape_error(damage):
    topology = shapes.to_topology([box(0, 0, 1, 1)], [{}])
    damage(topology)
    with pytest.raises(shapes.ShapeError):
        shapes.from_topology(topology)
