"""Tests of dashboard.codec: the map data's integers as text, and back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon

from dashboard.codec import ALPHABET, SCALE, deltas, rings, unvarints, varints


def test_known_values_round_trip():
    values = [0, 1, -1, 31, 32, -33, 1023, -1024, 10**9, -(10**9)]
    assert unvarints(varints(values)) == values
    assert set(varints(values)) <= set(ALPHABET)


@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62)))
def test_any_integers_round_trip(values):
    text = varints(values)
    assert unvarints(text) == values
    assert set(text) <= set(ALPHABET)  # nothing that JSON or HTML would need to escape


@given(st.lists(st.integers(min_value=-(10**9), max_value=10**9)))
def test_deltas_sum_back(values):
    total, back = 0, []
    for step in deltas(values):
        total += step
        back.append(total)
    assert back == values


def test_rings_are_a_start_and_steps_on_the_grid():
    square = Polygon([(69.5, 35.25), (69.6, 35.25), (69.6, 35.35), (69.5, 35.35)])
    kind, polygons = rings(square)
    assert kind == "P" and len(polygons) == 1 and len(polygons[0]) == 1
    steps = unvarints(polygons[0][0])
    xs, ys, x, y = [], [], 0, 0
    for dx, dy in zip(steps[::2], steps[1::2]):
        x, y = x + dx, y + dy
        xs.append(x / SCALE)
        ys.append(y / SCALE)
    assert list(zip(xs, ys)) == [c for c in square.exterior.coords][:-1]
    assert rings(MultiPolygon([square, square]))[0] == "M"
    assert rings(Polygon()) == ("P", [])
