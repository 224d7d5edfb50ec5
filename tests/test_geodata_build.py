"""Tests of dashboard.geodata_build: the committed web copy is what the script makes.

The comparison with a new build needs the original zips in ../shared/geodata and is skipped
without them; the error paths need nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from dashboard import boundaries, geodata_build

ADM2 = "afg_admbnda_adm2_agcho_20180522.zip"
needs_zips = pytest.mark.skipif(
    not (boundaries.DEFAULT_DIR / ADM2).exists(),
    reason="the original COD-AB zips are not in ../shared/geodata",
)


@pytest.fixture(scope="module")
def built() -> str:
    return geodata_build.build(boundaries.DEFAULT_DIR)


@needs_zips
def test_the_committed_file_is_what_the_script_makes(built):
    committed = boundaries.WEB_FILE.read_bytes()
    assert hashlib.sha256(built.encode("utf-8")).hexdigest() == hashlib.sha256(committed).hexdigest(), (
        "geodata/districts.topojson is not what `python -m dashboard.geodata_build` makes from "
        "../shared/geodata: rebuild it and commit it"
    )


@needs_zips
def test_the_build_records_its_source(built):
    topology = json.loads(built)
    entry = boundaries.sources()["files"]["adm2"]
    assert topology["source"]["file"] == ADM2
    assert (
        topology["source"]["sha256"] == entry["sha256"] == geodata_build.sha256(boundaries.DEFAULT_DIR / ADM2)
    )
    assert topology["attribution"] == "AGCHO / UN OCHA (COD-AB), via HDX"
    assert "humanitarian purposes" in topology["licence"] and "CC BY" in topology["licence"]
    assert topology["simplification"]["tolerance"] == 0.0005
    assert topology["simplification"]["grid"] == 0.0001
    assert len(topology["objects"]["districts"]["geometries"]) == 399
    assert len(boundaries.WEB_FILE.read_bytes()) < 2_000_000


@needs_zips
def test_main_check_and_write(tmp_path, capsys):
    assert geodata_build.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().err
    target = tmp_path / "districts.topojson"
    assert geodata_build.main(["--from", str(boundaries.DEFAULT_DIR), "-o", str(target)]) == 0
    assert target.read_bytes() == boundaries.WEB_FILE.read_bytes()
    assert "399 districts" in capsys.readouterr().err
    target.write_text("{}", encoding="utf-8")
    assert geodata_build.main(["--check", "-o", str(target)]) == 1
    assert "DIFFERS" in capsys.readouterr().err


def test_missing_zip_is_one_line_and_exit_1(tmp_path, capsys):
    assert geodata_build.main(["--from", str(tmp_path), "-o", str(tmp_path / "out.topojson")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / ADM2} not found: the build needs {ADM2}")
    assert err.count("\n") == 1
    assert not (tmp_path / "out.topojson").exists()


@needs_zips
def test_another_release_is_refused(tmp_path, capsys):
    other = tmp_path / ADM2
    shutil.copy(boundaries.DEFAULT_DIR / ADM2, other)
    with open(other, "ab") as f:
        f.write(b"\0")
    assert geodata_build.main(["--from", str(tmp_path), "-o", str(tmp_path / "out.topojson")]) == 1
    err = capsys.readouterr().err
    assert "has sha256" in err and "sources.yaml" in err and err.count("\n") == 1
