"""Tests of dashboard.figure: the static PNG/SVG map to publish.

Most tests use three boxes near Panjshir and claims built in code; the Panjshir and Baghlan
tests read the real boundary data (../shared/geodata) and skip without it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import xml.etree.ElementTree as ET

import geopandas as gpd
import matplotlib
import pytest
from PIL import Image
from shapely.geometry import box

from dashboard import boundaries
from dashboard.claims import CONTESTED, UNKNOWN, ClaimSet, Side, Source, read_claims
from dashboard.control import DistrictState, Snapshot, resolve
from dashboard.figure import DISPUTED, holder_styles, snapshot_figure
from dashboard.testing import tiny_claims
from tests.conftest import ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "Red $x$ {{ 7*7 }} <script>alert(1)</script> & \\textbf{b} %s \x07end"


@pytest.fixture(scope="module")
def frame():
    return gpd.GeoDataFrame(
        {"pcode": ["XX0101", "XX0102", "XX0103"], "name": ["North", "South", "East"]},
        geometry=[box(69.0, 35.2, 69.5, 35.5), box(69.0, 34.9, 69.5, 35.2), box(69.5, 34.9, 69.9, 35.5)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def claims():
    return tiny_claims(
        [
            ("2021-09-03", "red", "red", ["North"]),
            ("2021-09-04", "blue", "blue", ["North"]),
            ("2021-09-04", "press", "blue", ["South"]),
        ]
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    return Image.open(io.BytesIO(data)).size


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)  # well-formed XML, or this raises
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


# ---------------------------------------------------------------------------------- formats


def test_png_is_1600_px_wide_by_default(frame, claims):
    data = snapshot_figure(resolve(claims, view="combined", on="2021-09-04"), frame, claims)
    width, height = png_size(data)
    assert width == 1600
    assert 600 < height < 3000
    # matplotlib reads it back too
    assert matplotlib.image.imread(io.BytesIO(data), format="png").shape[1] == 1600


@pytest.mark.parametrize("width", [800, 1000, 2400])
def test_png_width_is_the_one_asked(frame, claims, width):
    data = snapshot_figure(resolve(claims, view="red", on="2021-09-04"), frame, claims, width_px=width)
    assert png_size(data)[0] == width


def test_svg_has_the_title_legend_names_scale_and_attribution(frame, claims):
    data = snapshot_figure(resolve(claims, view="combined", on="2021-09-04"), frame, claims, fmt="svg")
    text = "\n".join(svg_texts(data))
    assert "XX01: All voices combined, 2021-09-04" in text
    for expected in (
        "North",
        "South",
        "East",
        "Red",
        "Blue",
        "Contested",
        "No claim yet",
        "Boundaries: AGCHO / UN OCHA (COD-AB), via HDX",
        "Claims: 3 claims from",
        " km",
        "python -m dashboard snapshot --date 2021-09-04 --view combined",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fmt": "pdf"}, "fmt must be one of png, svg"),
        ({"width_px": 10}, "width_px must be an integer from 200 to 10000"),
        ({"width_px": 1600.5}, "width_px must be an integer"),
    ],
)
def test_bad_arguments(frame, claims, kwargs, message):
    with pytest.raises(ValueError, match=message):
        snapshot_figure(resolve(claims, view="red", on="2021-09-04"), frame, claims, **kwargs)


# ---------------------------------------------------------------------------- hostile text


def hostile_claims(claims: ClaimSet) -> ClaimSet:
    sides = dict(claims.sides)
    sides["red"] = Side("red", HOSTILE, "#D55E00")
    sources = dict(claims.sources)
    sources["blue"] = Source("blue", "Blue $5 and $10 {{ config }} </text><text>injected", "blue")
    return dataclasses.replace(claims, sides=sides, sources=sources)


def test_claim_text_is_drawn_literally_in_svg(frame, claims):
    hostile = hostile_claims(claims)
    names = frame.assign(name=["North $y$", "{{ 7*7 }}", "<b>East</b>"])
    data = snapshot_figure(
        resolve(hostile, view="combined", on="2021-09-04"),
        names,
        hostile,
        fmt="svg",
        region_name="Region ${x}$",
    )
    raw = data.decode("utf-8")
    assert "<script" not in raw and "<b>" not in raw and "</text><text>injected" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    text = " ".join(" ".join(svg_texts(data)).split())  # the legend wraps long labels
    assert "Red $x$ {{ 7*7 }} <script>alert(1)</script> & \\textbf{b} %s \\x07end" in text
    assert "Blue $5 and $10 {{ config }} </text><text>injected" in text
    assert "North $y$" in text and "{{ 7*7 }}" in text and "<b>East</b>" in text
    assert "Region ${x}$" in text
    assert "49" not in text  # no template engine ever saw '{{ 7*7 }}'
    assert "\x07" not in raw


def test_claim_text_is_literal_in_png_too(frame, claims):
    # Mathtext would fail on an unbalanced or odd '$' ... and TeX is not installed at all.
    hostile = hostile_claims(claims)
    data = snapshot_figure(resolve(hostile, view="combined", on="2021-09-04"), frame, hostile)
    assert png_size(data)[0] == 1600


def test_tex_and_mathtext_stay_off_whatever_the_global_settings(frame, claims, monkeypatch):
    monkeypatch.setitem(matplotlib.rcParams, "text.usetex", True)  # no TeX here: it would fail
    monkeypatch.setitem(matplotlib.rcParams, "text.parse_math", True)
    hostile = hostile_claims(claims)
    data = snapshot_figure(resolve(hostile, view="red", on="2021-09-04"), frame, hostile, fmt="svg")
    assert any("$x$" in t for t in svg_texts(data))
    assert matplotlib.rcParams["text.usetex"] is True  # the caller's settings are left alone


# ----------------------------------------------------------------------------- encodings


def test_every_holder_is_told_apart_without_colour(claims):
    styles = holder_styles(claims)
    assert list(styles) == ["red", "blue", CONTESTED, DISPUTED, UNKNOWN]
    marks = [(s["hatch"], s["linestyle"]) for s in styles.values()]
    assert len(set(marks)) == len(marks), marks
    assert styles[CONTESTED]["hatch"] and styles[UNKNOWN]["linestyle"] == "--"


def test_side_colours_come_from_the_claims_file(claims):
    recoloured = dataclasses.replace(
        claims, sides={"red": Side("red", "Red", "#FF0000"), "blue": Side("blue", "Blue", "#0000FF")}
    )
    styles = holder_styles(recoloured)
    assert styles["red"]["facecolor"] == (1.0, 0.25, 0.25)  # #FF0000 at 75 % over white
    assert styles["blue"]["facecolor"] == (0.25, 0.25, 1.0)


class WithDisputed(ClaimSet):
    @property
    def holders(self):
        return [*self.sides, CONTESTED, DISPUTED, "unknown"]


def test_disputed_has_its_own_hatch_and_legend_entry(frame, claims):
    cs = WithDisputed(**{f.name: getattr(claims, f.name) for f in dataclasses.fields(claims)})
    styles = holder_styles(cs)
    assert styles[DISPUTED]["hatch"] not in ("", styles[CONTESTED]["hatch"])
    snapshot = Snapshot(
        "combined",
        dt.datetime(2021, 9, 4, 23, 59, 59),
        (
            DistrictState("XX0101", "North", "", DISPUTED, dt.date(2021, 9, 4), ()),
            DistrictState("XX0102", "South", "", CONTESTED, dt.date(2021, 9, 4), ()),
            DistrictState("XX0103", "East", "", "red", dt.date(2021, 9, 4), ()),
        ),
    )
    text = "\n".join(svg_texts(snapshot_figure(snapshot, frame, cs, fmt="svg")))
    assert "Disputed\n1 district" in text or ("Disputed" in text and "1 district" in text)


def test_long_side_labels_are_abbreviated_on_the_map_and_spelled_out_in_the_legend(frame, claims):
    cs = dataclasses.replace(
        claims,
        sides={
            "red": Side("red", "National Resistance Front", "#0072B2"),
            "blue": Side("blue", "Blue", "#D55E00"),
        },
    )
    texts = svg_texts(snapshot_figure(resolve(cs, view="red", on="2021-09-04"), frame, cs, fmt="svg"))
    assert "NRF" in texts
    assert any("National Resistance Front (NRF)" in t for t in texts)


# ------------------------------------------------------------------------ real boundaries


def real_districts(region: str):
    try:
        return boundaries.load_region(region)
    except boundaries.BoundaryError as exc:
        pytest.skip(f"no boundary data: {exc}")


@pytest.fixture(scope="module")
def repo_claims():
    return read_claims(ROOT / "claims.yaml")


@pytest.mark.parametrize(("view", "day"), [("taliban", "2021-09-05"), ("combined", "2021-09-14")])
def test_panjshir(repo_claims, view, day, output_dir):
    districts = real_districts("AF08")
    snapshot = resolve(repo_claims, view=view, on=dt.date.fromisoformat(day))
    data = snapshot_figure(snapshot, districts, repo_claims)
    assert png_size(data)[0] == 1600
    (output_dir / f"panjshir-{view}-{day}.png").write_bytes(data)
    texts = svg_texts(snapshot_figure(snapshot, districts, repo_claims, fmt="svg"))
    for name in districts["name"]:
        assert name in texts


def test_baghlan_like_region(repo_claims, output_dir):
    # A bigger province whose districts the claims never name: every one 'no claim yet',
    # then half of them given to each side by a made-up snapshot.
    districts = real_districts("AF09")
    repo_claims = dataclasses.replace(repo_claims, region_name=None)  # the file names Panjshir
    sides = list(repo_claims.sides)
    states = tuple(
        DistrictState(p, n, "", sides[i % 2] if i % 3 else UNKNOWN, None, ())
        for i, (p, n) in enumerate(zip(districts["pcode"], districts["name"]))
    )
    snapshot = Snapshot("combined", dt.datetime(2021, 9, 5, 23, 59, 59), states)
    data = snapshot_figure(snapshot, districts, repo_claims)
    assert png_size(data)[0] == 1600
    (output_dir / "baghlan.png").write_bytes(data)
    texts = svg_texts(snapshot_figure(snapshot, districts, repo_claims, fmt="svg"))
    assert any(t.startswith("Baghlan (AF09): All voices combined, 2021-09-05") for t in texts)
    assert all(name in texts for name in districts["name"])
