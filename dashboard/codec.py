"""The compact codec of the map engine's data: integers as URL-safe text.

Integers become text: zigzag (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...), then five bits per
character, low bits first, from the URL-safe base-64 alphabet: the first 32 characters end a
number, the last 32 carry on. Nothing in it needs escaping in JSON or HTML. The engine's
``varints()`` in ``dashboard/static/engine.js`` is the inverse of :func:`varints` (the browser
tests check the two agree on the real data); :func:`unvarints` is the same inverse in Python.
"""

from __future__ import annotations

import numpy as np

from .shapes import SCALE  # coordinates travel as integers of 1 / SCALE degree: the grid of the web shapes

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_DIGIT = {ch: i for i, ch in enumerate(ALPHABET)}


def varints(values) -> str:
    """Integers as text: zigzag, then five bits per character, low bits first.

    Examples
    --------
    >>> varints([0, -1, 1, 40])
    'ABCwC'
    >>> unvarints(varints([0, -1, 1, 40, -123456]))
    [0, -1, 1, 40, -123456]
    """
    out = []
    for v in values:
        v = int(v)
        z = 2 * v if v >= 0 else -2 * v - 1
        while z >= 32:
            out.append(ALPHABET[32 + (z & 31)])
            z >>= 5
        out.append(ALPHABET[z])
    return "".join(out)


def unvarints(text: str) -> list[int]:
    """The inverse of :func:`varints`."""
    out, z, shift = [], 0, 0
    for ch in text:
        d = _DIGIT[ch]
        z |= (d & 31) << shift
        if d < 32:
            out.append(z >> 1 if z % 2 == 0 else -(z + 1) // 2)
            z, shift = 0, 0
        else:
            shift += 5
    return out


def deltas(values) -> list[int]:
    """Each value minus the one before it (the first minus 0).

    Examples
    --------
    >>> deltas([3, 5, 5, 9])
    [3, 2, 0, 4]
    """
    return [b - a for a, b in zip([0, *values[:-1]], values)]


def rings(geometry) -> tuple[str, list[list[str]]]:
    """``("P" | "M", polygons)``: each ring's vertices on the grid, without the closing one,
    as a start and steps (:func:`varints`)."""
    if geometry is None or geometry.is_empty:
        return "P", []
    kind = "M" if geometry.geom_type == "MultiPolygon" else "P"
    polygons = []
    for polygon in geometry.geoms if kind == "M" else [geometry]:
        rings = []
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.rint(np.asarray(ring.coords)[:-1, :2] * SCALE).astype(np.int64)
            steps = np.vstack([xy[:1], np.diff(xy, axis=0)]).ravel() if len(xy) else xy.ravel()
            rings.append(varints(steps.tolist()))
        polygons.append(rings)
    return kind, polygons
