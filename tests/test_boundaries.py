"""Tests of dashboard.boundaries: finding, downloading, reading and simplifying boundaries.

The real COD-AB files are read from ../shared/geodata (present on developer machines and in
CI) and never copied into the repository. The download tests use tiny synthetic zips made
here and a local HTTP server on 127.0.0.1: they never touch the internet.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from dashboard import boundaries
from dashboard.boundaries import BoundaryError

GEODATA = boundaries.DEFAULT_DIR
ADM2 = "afg_admbnda_adm2_agcho_20180522.zip"

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
def _isolated_env(monkeypatch, tmp_path):
    # A developer's own settings must not change what the tests see, and nothing may be
    # downloaded into the repository's cache.
    monkeypatch.delenv(boundaries.ENV_VAR, raising=False)
    monkeypatch.setenv(boundaries.CACHE_ENV_VAR, str(tmp_path / "cache"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- synthetic data and server

def make_synthetic_zip(folder: Path, name: str = ADM2) -> Path:
    """A tiny made-up adm2 shapefile, zipped: two squares in an invented province XX01."""
    shp_dir = folder / "shp"
    shp_dir.mkdir(parents=True)
    stem = Path(name).stem
    frame = gpd.GeoDataFrame(
        {
            "ADM2_EN": ["Alpha", "Beta"],
            "ADM2_DA": ["الف", ""],
            "ADM2_PCODE": ["XX0102", "XX0101"],
            "ADM2ALT1EN": ["Alfa", ""],
            "ADM2ALT2EN": ["", ""],
            "ADM2ALT1DA": ["", ""],
            "ADM2ALT2DA": ["", ""],
            "ADM1_EN": ["Testland", "Testland"],
            "ADM1_DA": ["", ""],
            "ADM1_PCODE": ["XX01", "XX01"],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    frame.to_file(shp_dir / f"{stem}.shp", engine="pyogrio")
    out = folder / name
    with zipfile.ZipFile(out, "w") as zf:
        for part in sorted(shp_dir.iterdir()):
            zf.write(part, part.name)
    return out


def write_sources(path: Path, digest: str) -> Path:
    """A sources.yaml whose adm2 checksum is ``digest`` (the checksum table of the tests)."""
    path.write_text(
        "dataset: afg-admin-boundaries\n"
        "files:\n"
        "  adm2:\n"
        f"    file: {ADM2}\n"
        "    level: 2\n"
        f'    sha256: "{digest}"\n'
        "    url: null\n",
        encoding="utf-8",
    )
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    content_type = None  # set to force a Content-Type (e.g. a login page's text/html)

    def log_message(self, *args):
        pass

    def guess_type(self, path):
        return self.content_type or super().guess_type(path)


def serve(directory: Path, content_type: str | None = None):
    """Start a threaded HTTP server on 127.0.0.1 (free port) serving ``directory``."""
    handler = type("Handler", (_QuietHandler,), {"content_type": content_type})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_address[1]}"


def stop(server, thread):
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def synthetic(tmp_path, monkeypatch):
    """A synthetic adm2 zip to serve, with the checksum table patched to expect it."""
    served = tmp_path / "served"
    zpath = make_synthetic_zip(served)
    monkeypatch.setattr(boundaries, "SOURCES_FILE",
                        write_sources(tmp_path / "sources.yaml", sha256(zpath)))
    return zpath


# ---------------------------------------------------------------- reading the real data

@pytest.fixture(scope="module")
def panjshir():
    return boundaries.load_districts("AF08", path=GEODATA, download=False)


@pytest.fixture(scope="module")
def national():
    return boundaries.load_all_districts(path=GEODATA, download=False)


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
    # Paryan is the largest district, Rukha the smallest (SOURCE.md areas).
    areas = panjshir.set_index("name").to_crs(32642).area
    assert areas.idxmax() == "Paryan" and areas.idxmin() == "Rukha"


@pytest.mark.parametrize("name", ["Panjsher", "panjsher", " PANJSHER ", "Panjshir", "af08", "AF8"])
def test_province_by_name(name, panjshir):
    got = boundaries.load_districts(name, path=GEODATA, download=False)
    assert list(got.pcode) == list(panjshir.pcode)


def test_unknown_province_suggests():
    with pytest.raises(BoundaryError) as err:
        boundaries.load_districts("Panjsheeer", path=GEODATA, download=False)
    assert "AF08" in str(err.value) and "Panjsher" in str(err.value)
    assert isinstance(err.value, boundaries.UnknownProvinceError)
    assert isinstance(err.value, LookupError)
    assert str(err.value).startswith("Unknown province")
    with pytest.raises(BoundaryError) as err:
        boundaries.load_districts("AF99", path=GEODATA, download=False)
    assert "Unknown province 'AF99'" in str(err.value)


def test_baghlan_loads():
    provinces = boundaries.list_provinces(path=GEODATA, download=False)
    (pcode,) = provinces.loc[provinces.name == "Baghlan", "pcode"]
    districts = boundaries.load_districts(pcode, path=GEODATA, download=False)
    assert len(districts) > 5
    assert set(districts.province) == {pcode}
    assert all(p.startswith(pcode) for p in districts.pcode)
    by_name = boundaries.load_districts("baghlan", path=GEODATA, download=False)
    assert list(by_name.pcode) == list(districts.pcode)


def test_list_provinces():
    provinces = boundaries.list_provinces(path=GEODATA, download=False)
    assert list(provinces.columns) == ["pcode", "name"]
    assert len(provinces) == 34
    assert list(provinces.pcode) == [f"AF{i:02d}" for i in range(1, 35)]
    assert provinces.set_index("pcode").name["AF08"] == "Panjsher"


def test_all_districts(national):
    assert len(national) == 399
    assert list(national.columns) == boundaries.COLUMNS
    assert national.pcode.is_unique and national.pcode.is_monotonic_increasing
    assert national.crs.to_epsg() == 4326


def test_results_are_copies(panjshir):
    first = boundaries.load_districts("AF08", path=GEODATA, download=False)
    first.loc[0, "name"] = "changed"
    first.alt_names[0].append("changed")
    first.geometry = first.geometry.translate(1, 1)
    again = boundaries.load_districts("AF08", path=GEODATA, download=False)
    assert again.loc[0, "name"] == "Bazarak"
    assert "changed" not in again.alt_names[0]
    assert again.geometry.equals(panjshir.geometry)


def test_sources_checksums_match_shared_files():
    files = boundaries.sources()["files"]
    assert files["adm2"]["file"] == ADM2
    for key in ("adm0", "adm1", "adm2"):
        entry = files[key]
        assert entry["level"] == int(key[-1])
        assert sha256(GEODATA / entry["file"]) == entry["sha256"]


# ---------------------------------------------------------------- locate()

def test_locate_explicit_path_dir_and_zip():
    assert boundaries.locate(GEODATA, download=False) == GEODATA.resolve()
    assert boundaries.locate(str(GEODATA / ADM2), download=False) == GEODATA.resolve()


def test_locate_env_var_wins_over_default(tmp_path, monkeypatch):
    here = tmp_path / "env"
    make_synthetic_zip(here)
    monkeypatch.setenv(boundaries.ENV_VAR, str(here))
    assert boundaries.locate(download=False) == here.resolve()
    monkeypatch.setenv(boundaries.ENV_VAR, str(here / ADM2))  # the zip itself
    assert boundaries.locate(download=False) == here.resolve()
    # An explicit path comes before the environment variable.
    assert boundaries.locate(GEODATA, download=False) == GEODATA.resolve()


def test_locate_missing_everywhere(tmp_path, monkeypatch):
    places = {name: tmp_path / name for name in ("given", "env", "shared", "cache")}
    monkeypatch.setenv(boundaries.ENV_VAR, str(places["env"]))
    monkeypatch.setenv(boundaries.CACHE_ENV_VAR, str(places["cache"]))
    monkeypatch.setattr(boundaries, "DEFAULT_DIR", places["shared"])
    with pytest.raises(BoundaryError) as err:
        boundaries.locate(places["given"], download=False)
    message = str(err.value)
    for where in places.values():
        assert str(where) in message
    assert boundaries.ENV_VAR in message and "--geodata" in message and "download" in message
    assert len(err.value.places) == 4
    assert "Traceback" not in message


def test_load_missing_data_is_a_boundary_error(tmp_path, monkeypatch):
    monkeypatch.setattr(boundaries, "DEFAULT_DIR", tmp_path / "none")
    with pytest.raises(BoundaryError, match="were not found"):
        boundaries.load_districts("AF08", download=False)


# ---------------------------------------------------------------- download()

def test_download_into_cache(synthetic, tmp_path, monkeypatch, capsys):
    cache = tmp_path / "cache"
    monkeypatch.setattr(boundaries, "DEFAULT_DIR", tmp_path / "none")
    server, thread, url = serve(synthetic.parent)
    try:
        found = boundaries.locate(download=True, base_url=url, progress=True)
        assert found == cache.resolve()
        assert sha256(cache / ADM2) == sha256(synthetic)
        assert sorted(p.name for p in cache.iterdir()) == [ADM2]  # no temporary file left
        # The downloaded file is then read like the real one.
        districts = boundaries.load_all_districts(download=False)
        assert list(districts.pcode) == ["XX0101", "XX0102"]
        assert list(districts.columns) == boundaries.COLUMNS
        assert districts.alt_names.tolist() == [[], ["Alfa"]]
        assert boundaries.load_districts("testland", download=False).name.tolist() == [
            "Beta", "Alpha"]
        # A second download finds the good file there and does not fetch it again.
        stop(server, thread)
        server = None
        assert boundaries.download(cache, base_url=url, progress=False) == cache.resolve()
    finally:
        if server is not None:
            stop(server, thread)
    err = capsys.readouterr().err
    assert ADM2 in err  # the tqdm progress bar went to stderr


def test_download_checksum_mismatch(synthetic, tmp_path, monkeypatch):
    wrong = "0" * 64
    monkeypatch.setattr(boundaries, "SOURCES_FILE", write_sources(tmp_path / "bad.yaml", wrong))
    dest = tmp_path / "dest"
    server, thread, url = serve(synthetic.parent)
    try:
        with pytest.raises(BoundaryError) as err:
            boundaries.download(dest, base_url=url, progress=True)
    finally:
        stop(server, thread)
    message = str(err.value)
    assert wrong in message and sha256(synthetic) in message
    assert list(dest.iterdir()) == []  # neither the zip nor a partial file


def test_download_http_error(synthetic, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    server, thread, url = serve(empty)
    try:
        with pytest.raises(BoundaryError, match="HTTP 404"):
            boundaries.download(tmp_path / "dest", base_url=url, progress=False)
    finally:
        stop(server, thread)
    assert list((tmp_path / "dest").iterdir()) == []


def test_download_login_page_is_refused(synthetic, tmp_path):
    server, thread, url = serve(synthetic.parent, content_type="text/html")
    try:
        with pytest.raises(BoundaryError, match="log in"):
            boundaries.download(tmp_path / "dest", base_url=url, progress=False)
    finally:
        stop(server, thread)
    assert list((tmp_path / "dest").iterdir()) == []


def test_locate_reports_failed_download(synthetic, tmp_path, monkeypatch):
    monkeypatch.setattr(boundaries, "DEFAULT_DIR", tmp_path / "none")
    empty = tmp_path / "empty"
    empty.mkdir()
    server, thread, url = serve(empty)
    try:
        with pytest.raises(BoundaryError) as err:
            boundaries.locate(download=True, base_url=url, progress=False)
    finally:
        stop(server, thread)
    assert "Download failed" in str(err.value) and "HTTP 404" in str(err.value)
    assert str(tmp_path / "none") in str(err.value)


def test_no_upstream_url_explains():
    # The real sources.yaml has no confirmed upstream URL: no network access is attempted.
    entry = boundaries.sources()["files"]["adm2"]
    if entry.get("url") or entry.get("resource_id"):
        pytest.skip("an upstream URL is configured; not downloading it in tests")
    with pytest.raises(BoundaryError, match="data.humdata.org"):
        boundaries.download(boundaries.cache_dir(), progress=False)


# ---------------------------------------------------------------- simplify()

def _line_neighbours(geoms: np.ndarray) -> set[tuple[int, int]]:
    """Pairs of polygons that share a border of positive length."""
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right])) > 0
    return set(zip(left[shared].tolist(), right[shared].tolist()))


def check_topology(original: gpd.GeoDataFrame, simplified: gpd.GeoDataFrame):
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
    total = shapely.area(after).sum()
    assert abs(shapely.union_all(after).area - total) < 1e-9 * max(total, 1.0)
    assert abs(total - shapely.area(before).sum()) < 0.01 * total

    # Neighbours still share a border (no gaps opened between them).
    neighbours = _line_neighbours(before)
    assert neighbours
    lengths = shapely.length(shapely.intersection(
        after[[i for i, _ in neighbours]], after[[j for _, j in neighbours]]))
    assert (lengths > 0).all()

    # Substantially lighter.
    vertices = shapely.get_num_coordinates
    assert vertices(after).sum() < 0.5 * vertices(before).sum()


def test_simplify_panjshir(panjshir):
    untouched = panjshir.geometry.copy()
    simplified = boundaries.simplify(panjshir)
    assert simplified is not panjshir
    assert panjshir.geometry.equals(untouched)  # full resolution still there
    assert list(simplified.columns) == boundaries.COLUMNS
    assert list(simplified.pcode) == list(panjshir.pcode)
    assert simplified.crs == panjshir.crs
    check_topology(panjshir, simplified)


def test_simplify_national(national):
    simplified = boundaries.simplify(national)
    check_topology(national, simplified)


def test_simplify_empty(panjshir):
    assert len(boundaries.simplify(panjshir.iloc[:0])) == 0


def test_polygonal_parts_kept():
    mixed = shapely.GeometryCollection([box(0, 0, 1, 1), shapely.LineString([(2, 2), (3, 3)]),
                                        shapely.MultiPolygon([box(5, 5, 6, 6)])])
    kept = boundaries._polygonal(mixed)
    assert kept.geom_type == "MultiPolygon" and kept.area == pytest.approx(2.0)


def test_attribution():
    assert boundaries.ATTRIBUTION == "Boundaries: AGCHO / UN OCHA (COD-AB), via HDX"
    assert boundaries.ATTRIBUTION_URL == "https://data.humdata.org/dataset/afg-admin-boundaries"
    assert f'href="{boundaries.ATTRIBUTION_URL}"' in boundaries.ATTRIBUTION_HTML
