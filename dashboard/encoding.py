"""How each holder is drawn: one encoding for the map, its legend, the chart and the badges.

Sides are drawn in their own colour (from ``sides:`` in the claims file). The two states that
are not a side are textures, never a plain colour, so they read apart from every side even in
grey print:

- ``contested`` (a claim says fighting, or that neither side holds): dark stripes at 45 degrees
  on pale yellow, as the map has always drawn it;
- ``disputed`` (the voices disagree; combined view only): purple stripes at -45 degrees on white;
- ``unknown`` (no claim yet): light grey.

Pure data and strings; no Streamlit.
"""

from __future__ import annotations

from .claims import CONTESTED, DISPUTED

UNKNOWN_COLOR = "#DDDDDD"
CONTESTED_COLOR, CONTESTED_INK = "#F3EA8C", "#444444"  # yellow, dark diagonal hatch
DISPUTED_COLOR, DISPUTED_INK = "#F4F4F4", "#6B6B6B"  # near white, grey cross-hatch

#: holder -> (background colour, stripe colour, stripe angle in degrees). The map and the
#: figure draw disputed as a cross-hatch (both diagonals), the page's CSS too; the chart's
#: gradient can draw one direction only, so it uses the -45 degree stripes of the cross.
HATCHES: dict[str, tuple[str, str, int]] = {
    CONTESTED: (CONTESTED_COLOR, CONTESTED_INK, 45),
    DISPUTED: (DISPUTED_COLOR, DISPUTED_INK, -45),
}


def base_color(holder: str, side_colors: dict[str, str]) -> str:
    """The flat colour of a holder (a side's own colour, a hatch's background, or grey).

    Examples
    --------
    >>> base_color("contested", {"red": "#FF0000"}), base_color("red", {"red": "#FF0000"})
    ('#F3EA8C', '#FF0000')
    """
    if holder in side_colors:
        return side_colors[holder]
    if holder in HATCHES:
        return HATCHES[holder][0]
    return UNKNOWN_COLOR


def css_background(holder: str, side_colors: dict[str, str]) -> str:
    """A CSS ``background`` value: the side's colour, or the holder's stripes.

    Examples
    --------
    >>> css_background("contested", {})
    'repeating-linear-gradient(45deg, #444444 0 2px, #F3EA8C 2px 5.6px)'
    >>> css_background("red", {"red": "#FF0000"})
    '#FF0000'
    """
    if holder == DISPUTED:  # a cross: both diagonals over the background
        back, stripe, _ = HATCHES[holder]
        return (
            f"repeating-linear-gradient(45deg, {stripe} 0 1px, transparent 1px 5.6px), "
            f"repeating-linear-gradient(-45deg, {stripe} 0 1px, {back} 1px 5.6px)"
        )
    if holder in HATCHES:
        back, stripe, angle = HATCHES[holder]
        return f"repeating-linear-gradient({angle}deg, {stripe} 0 2px, {back} 2px 5.6px)"
    return base_color(holder, side_colors)


def vega_stripes(holder: str, count: int = 160) -> dict:
    """A Vega linear gradient of ``count`` thin stripes (transparent between them): the hatch
    of ``holder`` laid over its background colour in a chart.

    Examples
    --------
    >>> g = vega_stripes("contested", count=2)
    >>> g["gradient"], len(g["stops"])
    ('linear', 8)
    """
    _, stripe, angle = HATCHES[holder]
    stops = []
    for i in range(count):  # offsets to 1e-6 of the width: a fraction of a pixel, fewer bytes
        start, mid, end = (round(x / count, 6) for x in (i, i + 0.35, i + 1))
        stops += [
            {"offset": start, "color": stripe},
            {"offset": mid, "color": stripe},
            {"offset": mid, "color": "transparent"},
            {"offset": end, "color": "transparent"},
        ]
    x1, x2 = (0, 1) if angle > 0 else (1, 0)
    return {"gradient": "linear", "x1": x1, "y1": 0, "x2": x2, "y2": 1, "stops": stops}
