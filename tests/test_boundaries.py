"""Tests of dashboard.boundaries: finding and reading the district boundaries.

Most tests read the committed web copy (geodata/districts.topojson) and need nothing else.
The full-resolution tests read the original COD-AB zips from ../shared/geodata (present on
developer machines and in CI) and are skipped where it is absent; the zips are never copied
into the repository.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from dashboard import boundaries
from dashboard.boundaries import BoundaryError, UnknownProvinceError

GEODATA = boundaries.DEFAULT_DIR
ADM2 = "afg_admbnda_adm2_agcho_20180522.zip"
needs_zips = pytest.mark.skipif(
    not (GEODATA / ADM2).exists(), reason="the original COD-AB zips are not in ../shared/geodata"
)

PANJSHIR = {
    "AF0801": "Bazarak",
    "AF0802": "Rukha",
    "AF0803": "Dara",
    "AF0804": "Khenj",
    "AF0805": "Anawa",
    "AF0806": "Shutul",
    "AF0807": "Paryan",
}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    # A developer's own setting must not change what the tests see.
    monkeypatch.delenv(boundaries.ENV_VAR, raising=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def panjshir():
    return boundaries.load_region("AF08")


# ---------------------------------------------------------------- the committed web copy


def test_panjshir_districts(panjshir):
    assert list(panjshir.columns) == boundaries.COLUMNS
    assert dict(zip(panjshir.pcode, panjshir.name)) == PANJSHIR
    assert list(panjshir.pcode) == sorted(PANJSHIR)
    assert list(panjshir.index) == list(range(7))
    assert panjshir.crs.to_epsg() == 4326
    assert set(panjshir.province) == {"AF08"}
    assert set(panjshir.province_name) == {"Panjsher"}
    assert all(isinstance(v, list) for v in panjshir.alt_names)
    assert all(a for v in panjshir.alt_names for a in v)  # no empty names
    assert "Hisa-e-Awal" in panjshir.set_index("pcode").alt_names["AF0804"]
    assert panjshir.set_index("pcode").name_da["AF0801"] == "بازارک"
    assert panjshir.geometry.is_valid.all()
    assert panjshir.attrs["tolerance"] == 0.0005
    # Paryan is the largest district, Rukha the smallest (SOURCE.md areas, within 2%).
    areas = panjshir.set_index("name").to_crs(32642).area / 1e6
    assert areas.idxmax() == "Paryan" and areas.idxmin() == "Rukha"
    assert areas["Paryan"] == pytest.approx(1421, rel=0.02)
    assert areas["Bazarak"] == pytest.approx(345, rel=0.02)


def test_the_web_copy_is_on_the_grid(panjshir):
    import shapely

    xy = shapely.get_coordinates(panjshir.geometry.values)
    assert (xy == np.rint(xy * 10_000) / 10_000).all()  # n / 10000 exactly, as set_precision makes


@pytest.mark.parametrize(
    "name", ["Panjsher", "panjsher", " PANJSHER ", "Panjshir", "af08", "AF8", "Panjshir Province", "پنجشیر"]
)
def test_province_by_name(name, panjshir):
    got = boundaries.load_region(name)
    assert list(got.pcode) == list(panjshir.pcode)


def test_unknown_province_suggests():
    with pytest.raises(UnknownProvinceError) as err:
        boundaries.load_region("Panjsheeer")
    assert "AF08" in str(err.value) and "Panjsher" in str(err.value)
    assert isinstance(err.value, BoundaryError) and isinstance(err.value, LookupError)
    with pytest.raises(UnknownProvinceError, match="Unknown province 'AF99'"):
        boundaries.load_region("AF99")
    with pytest.raises(UnknownProvinceError):
        boundaries.region_name("Atlantis")


def test_baghlan_loads():
    districts = boundaries.load_region("AF09")
    assert len(districts) == 15
    assert set(districts.province) == {"AF09"}
    assert all(p.startswith("AF09") for p in districts.pcode)
    assert {"Andarab", "Deh Salah", "Pul-e-Hisar", "Pul-e-Khumri"} <= set(districts.name)
    assert list(boundaries.load_region("baghlan").pcode) == list(districts.pcode)


def test_the_whole_country():
    country = boundaries.load_region("AF")
    assert len(country) == 399
    assert list(country.columns) == boundaries.COLUMNS
    assert country.pcode.is_unique and country.pcode.is_monotonic_increasing
    assert country.province.nunique() == 34
    assert country.crs.to_epsg() == 4326
    assert country.geometry.is_valid.all() and not country.geometry.is_empty.any()
    assert list(boundaries.load_region(" af ").pcode) == list(country.pcode)


@pytest.mark.parametrize(
    ("region", "name"),
    [
        ("AF08", "Panjsher"),
        ("Panjshir", "Panjsher"),
        ("AF09", "Baghlan"),
        ("af", "Afghanistan"),
        ("AF", "Afghanistan"),
        ("Helmand", "Hilmand"),
    ],
)
def test_region_name(region, name):
    assert boundaries.region_name(region) == name


def test_list_provinces():
    provinces = boundaries.list_provinces()
    assert list(provinces.columns) == ["pcode", "name", "name_da"]
    assert list(provinces.pcode) == [f"AF{i:02d}" for i in range(1, 35)]
    assert provinces.set_index("pcode").name["AF08"] == "Panjsher"


def test_results_are_copies(panjshir):
    first = boundaries.load_region("AF08")
    first.loc[0, "name"] = "changed"
    first.alt_names[0].append("changed")
    first.geometry = first.geometry.translate(1, 1)
    again = boundaries.load_region("AF08")
    assert again.loc[0, "name"] == "Bazarak"
    assert "changed" not in again.alt_names[0]
    assert again.geometry.equals(panjshir.geometry)


def test_for_web_keeps_a_province_of_the_web_copy(panjshir):
    web = boundaries.for_web(panjshir)
    assert web is not panjshir
    assert web.geometry.equals(panjshir.geometry)  # already at web resolution: nothing to do
    assert list(web.columns) == boundaries.COLUMNS


def test_for_web_simplifies_the_country_further():
    import shapely

    country = boundaries.load_region("AF")
    web = boundaries.for_web(country)
    assert len(web) == 399 and web.geometry.is_valid.all()
    before, after = (shapely.get_num_coordinates(f.geometry.values).sum() for f in (country, web))
    assert after < 0.2 * before


@pytest.mark.parametrize("content", ["", "{", '{"type": "Topology"}', "[1, 2]"])
def test_a_damaged_web_copy_is_a_boundary_error(tmp_path, monkeypatch, content):
    damaged = tmp_path / "districts.topojson"
    damaged.write_text(content, encoding="utf-8")
    monkeypatch.setattr(boundaries, "WEB_FILE", damaged)
    with pytest.raises(BoundaryError, match=r"damaged .* rebuild it: python -m dashboard.geodata_build"):
        boundaries.load_region("AF08")


def test_a_missing_web_copy_is_a_boundary_error(tmp_path, monkeypatch):
    monkeypatch.setattr(boundaries, "WEB_FILE", tmp_path / "none.topojson")
    with pytest.raises(BoundaryError, match="Cannot read the district boundaries .*none.topojson"):
        boundaries.region_name("AF08")


def test_the_web_copy_needs_no_shared_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(boundaries, "DEFAULT_DIR", tmp_path / "nowhere")
    assert list(boundaries.load_region("AF08").name) == list(PANJSHIR.values())


# ---------------------------------------------------------------- locate() and full resolution


def test_locate_missing_says_where_to_put_the_zip(tmp_path, monkeypatch):
    monkeypatch.setattr(boundaries, "DEFAULT_DIR", tmp_path / "shared" / "geodata")
    with pytest.raises(BoundaryError) as err:
        boundaries.locate()
    message = str(err.value)
    assert "\n" not in message
    assert re.match(rf"full resolution needs {ADM2} \(OCHA COD-AB, https://data\.humdata\.org/", message)
    assert (
        f"put it in {tmp_path / 'shared' / 'geodata'}, or name its folder with --geodata DIR or "
        f"{boundaries.ENV_VAR}" in message
    )
    assert err.value.places == [(f"the shared folder {tmp_path / 'shared' / 'geodata'}", "does not exist")]
    with pytest.raises(BoundaryError, match="full resolution needs"):
        boundaries.load_region("AF08", full_resolution=True)


def test_an_explicit_folder_without_the_zip_is_an_error(tmp_path, monkeypatch):
    # Named folders are not silently replaced by another copy.
    (tmp_path / "empty").mkdir()
    with pytest.raises(
        BoundaryError,
        match=rf"looked in --geodata {re.escape(str(tmp_path))}/empty: "
        rf"no {ADM2} there",
    ):
        boundaries.locate(tmp_path / "empty")
    monkeypatch.setenv(boundaries.ENV_VAR, str(tmp_path / "env"))
    with pytest.raises(BoundaryError, match=r"looked in \$DASHBOARD_GEODATA .*env: does not exist"):
        boundaries.locate()
    (tmp_path / "other.zip").write_bytes(b"")
    with pytest.raises(BoundaryError, match=f"a file, but not {ADM2}"):
        boundaries.locate(tmp_path / "other.zip")


@needs_zips
def test_locate_explicit_path_dir_and_zip(monkeypatch):
    assert boundaries.locate(GEODATA) == GEODATA.resolve()
    assert boundaries.locate(str(GEODATA / ADM2)) == GEODATA.resolve()
    monkeypatch.setenv(boundaries.ENV_VAR, str(GEODATA / ADM2))
    assert boundaries.locate() == GEODATA.resolve()


@needs_zips
def test_full_resolution_panjshir(panjshir):
    import shapely

    full = boundaries.load_region("Panjshir", full_resolution=True)
    assert list(full.columns) == boundaries.COLUMNS
    assert list(full.pcode) == list(panjshir.pcode)
    assert list(full.name_da) == list(panjshir.name_da)
    assert list(full.alt_names) == list(panjshir.alt_names)
    assert "tolerance" not in full.attrs
    assert (
        shapely.get_num_coordinates(full.geometry.values).sum()
        > 1.5 * shapely.get_num_coordinates(panjshir.geometry.values).sum()
    )
    # The web copy is within 50 m (~0.0005 degrees) of the original everywhere.
    assert max(shapely.hausdorff_distance(a, b) for a, b in zip(full.geometry, panjshir.geometry)) < 0.0005
    assert len(boundaries.load_region("AF", full_resolution=True, path=GEODATA)) == 399


@needs_zips
def test_sources_checksums_match_shared_files():
    files = boundaries.sources()["files"]
    assert files["adm2"]["file"] == ADM2
    for key in ("adm0", "adm1", "adm2"):
        entry = files[key]
        assert entry["level"] == int(key[-1])
        assert sha256(GEODATA / entry["file"]) == entry["sha256"]


def test_attribution():
    assert boundaries.ATTRIBUTION == "Boundaries: AGCHO / UN OCHA (COD-AB), via HDX"
    assert boundaries.ATTRIBUTION_URL == "https://data.humdata.org/dataset/afg-admin-boundaries"
    assert f'href="{boundaries.ATTRIBUTION_URL}"' in boundaries.ATTRIBUTION_HTML


def test_unknown_province_is_caught_by_type_only():
    # No code may recognise the error by its wording (issue 10).
    root = Path(boundaries.__file__).resolve().parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"startswith\(\s*[\"']Unknown province", text), path
