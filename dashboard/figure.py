"""A static map of a snapshot to publish: PNG or SVG, made with matplotlib through geopandas.

The figure carries what a reader needs without the page: title (region, view, date), the
districts filled by holder with the web map's encodings (each side's colour; *contested*
hatched; *disputed* cross-hatched on grey; *no claim yet* light grey with a dashed edge),
district names with the holder written under each, a legend with counts, a scale bar
measured in a projected CRS, the boundary attribution and a line on the claims behind the
colours. Every encoding has a pattern, an edge style or a word besides its colour, so the
figure still reads when printed in grey.

Text from the claims file (side labels, source names, region and district names) is drawn
as literal text: mathtext is off (``text.parse_math``), TeX is off (``text.usetex``) and
control characters are shown escaped. Nothing here touches the network or a display: the
figure is drawn on matplotlib's Agg (PNG) or SVG canvas, in DejaVu Sans.
"""

from __future__ import annotations

import io
import math
import textwrap
import unicodedata

import matplotlib

matplotlib.use("Agg")  # a server renders figures; never a GUI backend

import geopandas as gpd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from shapely.ops import polylabel  # noqa: E402

from .boundaries import ATTRIBUTION  # noqa: E402
from .claims import (  # noqa: E402
    CONTESTED,
    DISPUTED,  # noqa: E402
    UNKNOWN,
    ClaimSet,
)
from .control import Snapshot  # noqa: E402
from .encoding import (  # noqa: E402
    CONTESTED_COLOR,
    CONTESTED_INK,
    DISPUTED_COLOR,
    DISPUTED_INK,
    UNKNOWN_COLOR,  # noqa: E402
)
from .mapdata import view_label  # noqa: E402

FORMATS = ("png", "svg")
LABELS_UP_TO = 60  # district names are drawn for a province, not for a whole country
WIDTH_IN = 16.0  # the figure is laid out in inches at this width, then scaled by dpi
EDGE = "#333333"
CONTESTED_FILL, CONTESTED_HATCH = CONTESTED_COLOR, CONTESTED_INK  # as the web map (encoding.py)
DISPUTED_FILL, DISPUTED_HATCH = DISPUTED_COLOR, DISPUTED_INK
# Sides after the first get a light pattern too: two saturated colours can print as the
# same grey (Okabe-Ito vermillion and blue differ by ~10% in luminance).
SIDE_HATCHES = ("", "..", "||", "--", "++", "oo")
FILL_ALPHA = 0.75  # the web map's fillOpacity for a side
RC = {
    "font.family": "DejaVu Sans",
    "text.usetex": False,
    "text.parse_math": False,  # '$x$' in a label stays '$x$'
    "svg.fonttype": "none",  # SVG keeps its text as (escaped) text: searchable, editable
    "hatch.linewidth": 1.0,
}


def snapshot_figure(
    snapshot: Snapshot,
    districts,
    claims: ClaimSet,
    *,
    fmt: str = "png",
    width_px: int = 1600,
    region_name: str | None = None,
) -> bytes:
    """The snapshot as a static map, PNG or SVG bytes.

    Parameters
    ----------
    snapshot : Snapshot
        From :func:`dashboard.control.resolve`.
    districts : geopandas.GeoDataFrame
        The region's districts (columns ``pcode``, ``name``, ``geometry``; any CRS with one
        set, EPSG:4326 from :mod:`dashboard.boundaries`). Districts the snapshot does not
        name are drawn as *no claim yet*.
    claims : ClaimSet
        Sides (label, colour), sources and claims the snapshot rests on.
    fmt : {"png", "svg"}
    width_px : int, default 1600
        PNG width in pixels; the height follows the region's shape. (SVG: the same layout.)
    region_name : str, optional
        For the title; default the ``province_name`` column, else the province P-code.

    Returns
    -------
    bytes

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from dashboard.control import resolve
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"]),
    ...                   ("2021-09-04", "blue", "blue", ["North"]),
    ...                   ("2021-09-04", "press", "blue", ["South"])])
    >>> frame = gpd.GeoDataFrame({"pcode": ["XX0101", "XX0102", "XX0103"],
    ...                           "name": ["North", "South", "East"]},
    ...                          geometry=[box(69, 35.2, 69.5, 35.5), box(69, 34.9, 69.5, 35.2),
    ...                                    box(69.5, 34.9, 69.9, 35.5)], crs="EPSG:4326")
    >>> png = snapshot_figure(resolve(cs, view="combined", on="2021-09-04"), frame, cs)
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not isinstance(width_px, int) or not 200 <= width_px <= 10000:
        raise ValueError("width_px must be an integer from 200 to 10000")
    if districts.crs is None:
        raise ValueError("districts has no CRS")
    with matplotlib.rc_context(RC):
        fig = _draw(snapshot, districts, claims, region_name=region_name)
        out = io.BytesIO()
        metadata = {"Software": None} if fmt == "png" else {"Date": None}
        fig.savefig(out, format=fmt, dpi=width_px / WIDTH_IN, metadata=metadata)
    return out.getvalue()


# ----------------------------------------------------------------------------- styles


def holder_styles(claims: ClaimSet) -> dict[str, dict]:
    """Holder -> ``facecolor``, ``hatch``, ``hatchcolor``, ``linestyle`` and ``label``.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> styles = holder_styles(tiny_claims([]))
    >>> list(styles), styles["contested"]["hatch"], styles["unknown"]["linestyle"]
    (['red', 'blue', 'contested', 'disputed', 'unknown'], '///', '--')
    """
    styles = {}
    for i, (sid, side) in enumerate(claims.sides.items()):
        short = _short_label(side.label)
        styles[sid] = {
            "facecolor": _on_white(side.color, FILL_ALPHA),
            "hatch": SIDE_HATCHES[i % len(SIDE_HATCHES)],
            "hatchcolor": "#FFFFFF",
            "linestyle": "-",
            "short": short,
            "label": side.label if short == side.label else f"{side.label} ({short})",
        }
    styles[CONTESTED] = {
        "facecolor": CONTESTED_FILL,
        "hatch": "///",
        "hatchcolor": CONTESTED_HATCH,
        "linestyle": "-",
        "short": "Contested",
        "label": "Contested (fighting claimed)",
    }
    if DISPUTED in claims.holders:
        styles[DISPUTED] = {
            "facecolor": DISPUTED_FILL,
            "hatch": "xx",
            "hatchcolor": DISPUTED_HATCH,
            "linestyle": "-",
            "short": "Disputed",
            "label": "Disputed (the voices disagree)",
        }
    styles[UNKNOWN] = {
        "facecolor": _on_white(UNKNOWN_COLOR, 0.6),
        "hatch": "",
        "hatchcolor": EDGE,
        "linestyle": "--",
        "short": "No claim yet",
        "label": "No claim yet",
    }
    for holder in claims.holders:  # a holder this module does not know yet: plain grey
        styles.setdefault(
            holder,
            {
                "facecolor": "#BBBBBB",
                "hatch": "",
                "hatchcolor": EDGE,
                "linestyle": "-",
                "short": holder,
                "label": holder,
            },
        )
    return styles


def _short_label(label: str) -> str:
    """A side's label as written on the map: long names by their initials.

    Examples
    --------
    >>> _short_label("National Resistance Front"), _short_label("Taliban")
    ('NRF', 'Taliban')
    """
    words = [w for w in label.split() if w[:1].isalpha()]
    if len(label) <= 14 or len(words) < 2:
        return label
    return "".join(w[0].upper() for w in words if w[0].isupper() or len(w) > 3)


def _on_white(color: str, alpha: float) -> tuple[float, float, float]:
    """The colour seen at ``alpha`` over white, as an opaque RGB (hatches stay crisp on it)."""
    r, g, b = matplotlib.colors.to_rgb(color)
    return tuple(round(alpha * c + (1 - alpha), 4) for c in (r, g, b))


# ------------------------------------------------------------------------------ layout


def _draw(snapshot: Snapshot, districts, claims: ClaimSet, *, region_name) -> Figure:
    frame = _frame(snapshot, districts)
    projected = frame.to_crs(_utm(frame))
    styles = holder_styles(claims)
    x0, y0, x1, y1 = projected.total_bounds
    pad = 0.04 * max(x1 - x0, y1 - y0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    y0 -= 0.09 * (y1 - y0)  # a strip below the districts for the scale bar and north arrow

    map_w = WIDTH_IN * 0.66
    map_h = min(max(map_w * (y1 - y0) / (x1 - x0), 6.0), 16.0)
    header, footer = 1.25, 1.4
    height = header + map_h + footer
    fig = Figure(figsize=(WIDTH_IN, height), facecolor="white")

    ax = fig.add_axes((0.02, footer / height, map_w / WIDTH_IN, map_h / height))
    ax.set_axis_off()
    # Keep the map's true proportions inside its box (the box may be taller than the map).
    cx, cy, half_w, half_h = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    scale = max(half_w / map_w, half_h / map_h)
    ax.set_xlim(cx - scale * map_w, cx + scale * map_w)
    ax.set_ylim(cy - scale * map_h, cy + scale * map_h)
    ax.set_aspect("equal", adjustable="box")

    _fill(ax, projected, styles)
    if len(projected) <= LABELS_UP_TO:
        _labels(ax, projected, styles, fontsize=_label_size(len(projected)))
    _scale_bar(ax, (cx - scale * map_w, cx + scale * map_w), (cy - scale * map_h, cy + scale * map_h))
    _north_arrow(ax)

    region = region_name or _region_name(frame, claims)
    on = snapshot.on
    when = (
        on.date().isoformat() if (on.hour, on.minute) in ((0, 0), (23, 59)) else on.strftime("%Y-%m-%d %H:%M")
    )
    fig.text(
        0.02,
        1 - 0.42 / height,
        _safe(f"{region}: {view_label(claims, snapshot.view)}, {when}"),
        fontsize=22,
        fontweight="bold",
        va="baseline",
    )
    fig.text(
        0.02,
        1 - 0.85 / height,
        _safe(
            f"Who held each district at the end of {when}, according to "
            f"{_view_phrase(claims, snapshot.view)}. Claims, not verified control."
        ),
        fontsize=13,
        color="#333333",
        va="baseline",
    )

    _legend(fig, styles, snapshot, top=1 - header / height, height=height)
    _footer(fig, snapshot, claims, height=height)
    return fig


def _frame(snapshot: Snapshot, districts) -> gpd.GeoDataFrame:
    holders = snapshot.holders()
    frame = districts[
        ["pcode", "name", "geometry"] + [c for c in ("province", "province_name") if c in districts.columns]
    ].copy()
    frame["holder"] = [holders.get(p, UNKNOWN) for p in frame["pcode"]]
    return frame


def _utm(frame) -> str:
    """The UTM zone (WGS 84) of the region's centre: metres for the scale bar, little distortion."""
    lon0, lat0, lon1, lat1 = frame.to_crs("EPSG:4326").total_bounds
    lon, lat = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    zone = min(max(int((lon + 180) // 6) + 1, 1), 60)
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def _fill(ax, projected, styles) -> None:
    for holder, group in projected.groupby("holder", sort=False):
        style = styles.get(holder, styles[UNKNOWN])
        group.plot(ax=ax, facecolor=style["facecolor"], edgecolor="none", linewidth=0)
        if style["hatch"]:
            group.plot(
                ax=ax, facecolor="none", edgecolor=style["hatchcolor"], linewidth=0, hatch=style["hatch"]
            )
        group.boundary.plot(ax=ax, color=EDGE, linewidth=1.3, linestyle=style["linestyle"])


def _label_size(n: int) -> float:
    return 13.0 if n <= 10 else 10.0 if n <= 30 else 8.0


def _labels(ax, projected, styles, *, fontsize: float) -> None:
    # A pale box, not a stroked halo: stroked text becomes paths in SVG, and stays text here.
    halo = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    for row in projected.itertuples():
        point = _label_point(row.geometry)
        ax.annotate(
            _safe(row.name),
            (point.x, point.y),
            ha="center",
            va="bottom",
            fontsize=fontsize,
            fontweight="bold",
            bbox=halo,
            xytext=(0, 2),
            textcoords="offset points",
        )
        label = styles.get(row.holder, styles[UNKNOWN])["short"]
        ax.annotate(
            _safe(label),
            (point.x, point.y),
            ha="center",
            va="top",
            fontsize=fontsize * 0.8,
            fontstyle="italic",
            bbox=halo,
            xytext=(0, -2),
            textcoords="offset points",
        )


def _label_point(geometry):
    """The centre of the largest circle inside the district's largest part (its pole)."""
    parts = getattr(geometry, "geoms", [geometry])
    largest = max(parts, key=lambda g: g.area)
    try:
        return polylabel(largest, tolerance=max(largest.length / 2000, 1e-9))
    except Exception:  # a degenerate ring: any point inside will do
        return largest.representative_point()


def _nice_length(span_m: float) -> float:
    """A round length (1, 2 or 5 x 10^k metres) near a fifth of ``span_m``."""
    target = span_m / 5
    power = 10 ** math.floor(math.log10(target))
    return max(m * power for m in (1, 2, 5) if m * power <= target)


def _scale_bar(ax, xlim, ylim) -> None:
    """A two-segment bar in the projected CRS's metres, at the lower left."""
    length = _nice_length(xlim[1] - xlim[0])
    x, y = xlim[0] + 0.04 * (xlim[1] - xlim[0]), ylim[0] + 0.02 * (ylim[1] - ylim[0])
    h = 0.012 * (ylim[1] - ylim[0])
    for i, color in enumerate(("#222222", "#FFFFFF")):
        ax.add_patch(
            Rectangle(
                (x + i * length / 2, y),
                length / 2,
                h,
                facecolor=color,
                edgecolor="#222222",
                linewidth=1.0,
                zorder=5,
            )
        )
    km = length / 1000
    text = f"{km:g} km"
    halo = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    for at, label in ((x, "0"), (x + length / 2, f"{km / 2:g}"), (x + length, text)):
        ax.text(at, y + 1.6 * h, label, ha="center", va="bottom", fontsize=10, zorder=5, bbox=halo)


def _north_arrow(ax) -> None:
    ax.annotate(
        "",
        xy=(0.97, 0.09),
        xytext=(0.97, 0.02),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>", "color": "#222222", "lw": 1.5},
    )
    ax.text(0.97, 0.10, "N", transform=ax.transAxes, ha="center", va="bottom", fontsize=13, fontweight="bold")


def _legend(fig, styles, snapshot: Snapshot, *, top: float, height: float) -> None:
    counts: dict[str, int] = {}
    for state in snapshot.states:
        counts[state.holder] = counts.get(state.holder, 0) + 1
    handles, labels = [], []
    for holder, style in styles.items():
        handles.append(
            Patch(
                facecolor=style["facecolor"],
                hatch=style["hatch"] or None,
                edgecolor=style["hatchcolor"] if style["hatch"] else EDGE,
                linestyle=style["linestyle"],
                linewidth=1.3,
            )
        )
        n = counts.get(holder, 0)
        labels.append(
            _safe("\n".join(textwrap.wrap(style["label"], 36)) + f"\n{n} district{'s' if n != 1 else ''}")
        )
    legend = fig.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0.71, top - 0.1 / height),
        fontsize=12,
        title="Holder in this view",
        title_fontsize=13,
        frameon=False,
        handlelength=3.2,
        handleheight=2.0,
        labelspacing=1.1,
        alignment="left",
    )
    legend.get_title().set_fontweight("bold")


def _footer(fig, snapshot: Snapshot, claims: ClaimSet, *, height: float) -> None:
    ids = [cid for s in snapshot.states for cid in s.claim_ids]
    ids = list(dict.fromkeys(ids))
    sources = list(dict.fromkeys(claims.sources[claims.claim(c).source].name for c in ids))
    day = snapshot.on.date().isoformat()
    if sources:
        shown = "; ".join(sources[:4]) + (f"; and {len(sources) - 4} more" if len(sources) > 4 else "")
        line = (
            f"Claims: {len(ids)} claim{'s' if len(ids) != 1 else ''} from {len(sources)} "
            f"source{'s' if len(sources) != 1 else ''} behind these colours: {shown}."
        )
    else:
        line = "Claims: no claim in this view up to this date."
    wrapped = textwrap.wrap(line, 200)
    if len(wrapped) > 2:
        wrapped = wrapped[:2]
        wrapped[-1] = wrapped[-1][:196] + " ..."
    wrapped.append(
        f"Each district's holder, since when and on whose claim: "
        f"python -m dashboard snapshot --date {day} --view {snapshot.view}"
    )
    fig.text(
        0.02, 1.2 / height, _safe("\n".join(wrapped)), fontsize=10, color="#222222", va="top", linespacing=1.5
    )
    fig.text(
        0.02,
        0.18 / height,
        ATTRIBUTION + ". District boundaries 2018; no basemap.",
        fontsize=10,
        color="#222222",
        va="baseline",
    )


def _region_name(frame, claims: ClaimSet) -> str:
    if getattr(claims, "region_name", None):  # the file's `region.name`
        return claims.region_name
    if "province_name" in frame.columns and frame["province_name"].nunique() == 1:
        name = str(frame["province_name"].iloc[0])
        return f"{name} ({frame['province'].iloc[0]})" if "province" in frame.columns else name
    return "Afghanistan" if claims.province == "AF" else claims.province


def _view_phrase(claims: ClaimSet, view: str) -> str:
    if view in claims.sides:
        return f"{claims.sides[view].label} claims"
    if view == "combined":
        return "all voices combined (disputed where they disagree)"
    return "independent reports"


def _safe(text: str) -> str:
    """Literal text for matplotlib: control characters shown escaped (``\\x07``).

    Mathtext and TeX are off in :data:`RC`, so ``$`` needs no escaping.

    Examples
    --------
    >>> _safe("a\\x07b $x$")
    'a\\\\x07b $x$'
    """
    return "".join(
        c
        if c == "\n" or unicodedata.category(c)[0] != "C" or c == "\u200c"
        else c.encode("unicode_escape").decode("ascii")
        for c in str(text)
    )
