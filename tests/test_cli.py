"""Tests of ``python -m dashboard``: every command through ``main()``, then every bad file of
the corpus through a real subprocess held to limits of time and memory.

Claims files are written to tmp_path: the repository's claims.yaml is not used.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard import boundaries, cli
from tests.claims_corpus import EXPECTED, HEADER, block_claim, corpus_files, generated_cases

REPO = Path(__file__).resolve().parent.parent

PANJSHIR = """\
version: 1
region: {province: AF08, name: Panjshir}
sides:
  taliban: {label: Taliban, color: "#D55E00"}
  nrf: {label: National Resistance Front, color: "#0072B2"}
sources:
  karimi: {name: Bilal Karimi, side: taliban}
  dashti: {name: Fahim Dashti, side: nrf}
  cnn: {name: CNN, side: independent}
claims:
  - id: karimi-0905
    date: 2021-09-05
    source: karimi
    via: cnn
    holder: taliban
    districts: all
    except: [Bazarak, Rokha]
    quote: "Panjshir is now under our control"
  - id: karimi-0905-rest
    date: 2021-09-05
    source: karimi
    via: cnn
    holder: nrf
    districts: [Bazarak, Rokha]
  - id: dashti-0905
    date: 2021-09-05
    source: dashti
    holder: nrf
    districts: all
"""
DISTRICTS = ["Bazarak", "Rukha", "Dara", "Khenj", "Anawa", "Shutul", "Paryan"]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    # No developer setting may change what the tests see.
    monkeypatch.delenv(cli.CLAIMS_ENV_VAR, raising=False)
    monkeypatch.delenv(boundaries.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)  # so that no ./claims.yaml of the repository is picked up


@pytest.fixture
def claims_file(tmp_path) -> Path:
    path = tmp_path / "panjshir.yaml"
    path.write_text(PANJSHIR, encoding="utf-8")
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([*map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot_rows(capsys, claims_file, *extra):
    code, out, err = run(capsys, "snapshot", "--claims", claims_file, *extra)
    assert (code, err) == (0, "")
    return list(csv.DictReader(io.StringIO(out)))


# ---------------------------------------------------------------------------------- validate


def test_validate_ok_prints_one_summary_line(capsys, claims_file):
    code, out, err = run(capsys, "validate", claims_file)
    assert (code, err) == (0, "")
    assert out == (
        f"{claims_file}: 3 claims from 3 sources on 7 districts of AF08, 2021-09-05 to 2021-09-05\n"
    )


def test_validate_takes_the_file_from_the_environment(capsys, claims_file, monkeypatch):
    monkeypatch.setenv(cli.CLAIMS_ENV_VAR, str(claims_file))
    code, out, err = run(capsys, "validate")
    assert (code, out.count("\n"), err) == (0, 1, "")
    assert out.startswith(f"{claims_file}: 3 claims")


def test_validate_prints_every_problem_and_exits_1(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        PANJSHIR.replace("source: dashti", "source: dashty").replace(
            "except: [Bazarak, Rokha]", "except: [Bazarak, Rokhaa]"
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "validate", path)
    assert code == 1
    assert out.splitlines() == [
        f"{path}:17: unknown district 'Rokhaa' in AF08 - did you mean 'Rukha'?",
        f"{path}:27: unknown source 'dashty' - did you mean 'dashti'?",
    ]
    assert err == f"{path}: 2 problems found\n"


def test_validate_one_problem_is_singular(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(PANJSHIR.replace("version: 1", "version: 2"), encoding="utf-8")
    code, out, err = run(capsys, "validate", path)
    assert (code, out, err) == (
        1,
        f"{path}:1: format version 2 is not supported; this program reads version 1\n",
        f"{path}: 1 problem found\n",
    )


def test_validate_a_missing_file(capsys, tmp_path):
    code, out, err = run(capsys, "validate", tmp_path / "nope.yaml")
    assert code == 1
    assert out == f"{tmp_path / 'nope.yaml'}:1: cannot read file: No such file or directory\n"


def test_a_district_of_another_province_is_unknown(capsys, tmp_path):
    # Hisa-e-Awal-e-Kohistan is a district of Kapisa (AF0204), not of Panjshir.
    path = tmp_path / "claims.yaml"
    path.write_text(
        PANJSHIR.replace("districts: [Bazarak, Rokha]", "districts: [Bazarak, Hisa-e-Awal-e-Kohistan]"),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "validate", path)
    assert code == 1
    assert re.fullmatch(
        rf"{re.escape(str(path))}:24: unknown district 'Hisa-e-Awal-e-Kohistan' in AF08"
        r"( - did you mean '\w+'\?)?\n",
        out,
    )


# ---------------------------------------------------------------------------------- snapshot


def test_snapshot_csv_taliban_view(capsys, claims_file):
    code, out, err = run(
        capsys, "snapshot", "--claims", claims_file, "--date", "2021-09-05", "--view", "taliban"
    )
    assert (code, err) == (0, "")
    assert out.startswith("pcode,district,holder,since,claim_ids")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["district"] for r in rows] == DISTRICTS
    assert [r["pcode"] for r in rows] == [f"AF080{k}" for k in range(1, 8)]
    assert {r["district"]: r["holder"] for r in rows} == {
        "Bazarak": "nrf",
        "Rukha": "nrf",
        "Dara": "taliban",
        "Khenj": "taliban",
        "Anawa": "taliban",
        "Shutul": "taliban",
        "Paryan": "taliban",
    }
    assert {r["district"]: r["claim_ids"] for r in rows}["Rukha"] == "karimi-0905-rest"
    assert {r["district"]: r["claim_ids"] for r in rows}["Dara"] == "karimi-0905"
    assert {r["since"] for r in rows} == {"2021-09-05"}


def test_snapshot_csv_other_views(capsys, claims_file):
    rows = snapshot_rows(capsys, claims_file, "--date", "2021-09-05", "--view", "nrf")
    assert [(r["district"], r["holder"], r["claim_ids"]) for r in rows] == [
        (d, "nrf", "dashti-0905") for d in DISTRICTS
    ]
    rows = snapshot_rows(capsys, claims_file, "--date", "2021-09-05", "--view", "combined")
    assert {r["district"]: r["holder"] for r in rows} == {
        d: "nrf" if d in ("Bazarak", "Rukha") else "disputed" for d in DISTRICTS
    }
    rows = snapshot_rows(capsys, claims_file, "--date", "2021-09-05", "--view", "independent")
    assert {r["holder"] for r in rows} == {"unknown"}  # CNN only relayed a Taliban claim
    rows = snapshot_rows(capsys, claims_file, "--date", "2021-09-04", "--view", "taliban")
    assert [(r["holder"], r["since"], r["claim_ids"]) for r in rows] == [("unknown", "", "")] * 7


def test_snapshot_at_a_time(capsys, tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(
        PANJSHIR.replace(
            "date: 2021-09-05\n    source: karimi\n    via: cnn\n    holder: nrf",
            'date: "2021-09-05T14:00"\n    source: karimi\n    via: cnn\n    holder: nrf',
        ),
        encoding="utf-8",
    )
    rows = snapshot_rows(capsys, path, "--date", "2021-09-05T12:00", "--view", "taliban")
    assert {r["district"]: r["holder"] for r in rows}["Bazarak"] == "unknown"
    rows = snapshot_rows(capsys, path, "--date", "2021-09-05T14:00", "--view", "taliban")
    assert {r["district"]: r["holder"] for r in rows}["Bazarak"] == "nrf"


def test_snapshot_json(capsys, claims_file):
    code, out, err = run(
        capsys, "snapshot", "--claims", claims_file, *"--date 2021-09-05 --view taliban --format json".split()
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["province"], data["view"], data["on"]) == ("AF08", "taliban", "2021-09-05T23:59")
    assert [d["district"] for d in data["districts"]] == DISTRICTS
    dara = data["districts"][2]
    assert (dara["holder"], dara["claim_ids"]) == ("taliban", ["karimi-0905"])
    assert dara["claims"] == [
        {
            "id": "karimi-0905",
            "date": "2021-09-05T00:00",
            "source": "Bilal Karimi",
            "side": "taliban",
            "via": "CNN",
            "holder": "taliban",
            "url": None,
            "quote": "Panjshir is now under our control",
            "confidence": None,
        }
    ]


def test_snapshot_geojson(capsys, claims_file, tmp_path):
    out_path = tmp_path / "snap.geojson"
    code, out, err = run(
        capsys,
        "snapshot",
        "--claims",
        claims_file,
        "--date",
        "2021-09-05",
        "--view",
        "nrf",
        "--format",
        "geojson",
        "-o",
        out_path,
    )
    assert (code, out, err) == (0, "", "")
    data = json.loads(out_path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert "AGCHO / UN OCHA" in data["attribution"]
    assert [f["properties"]["district"] for f in data["features"]] == DISTRICTS
    assert {f["properties"]["holder"] for f in data["features"]} == {"nrf"}
    assert {f["geometry"]["type"] for f in data["features"]} <= {"Polygon", "MultiPolygon"}


def test_snapshot_to_a_file(capsys, claims_file, tmp_path):
    out_path = tmp_path / "snap.csv"
    code, out, err = run(
        capsys, "snapshot", "--claims", claims_file, "--date", "2021-09-05", "--view", "nrf", "-o", out_path
    )
    assert (code, out, err) == (0, "", "")
    assert out_path.read_text(encoding="utf-8").startswith("pcode,district,holder,since,claim_ids")
    assert len(out_path.read_text(encoding="utf-8").splitlines()) == 1 + 7


needs_zips = pytest.mark.skipif(
    not (boundaries.DEFAULT_DIR / "afg_admbnda_adm2_agcho_20180522.zip").exists(),
    reason="the original COD-AB zips are not in ../shared/geodata",
)


@needs_zips
def test_snapshot_geojson_full_resolution(capsys, claims_file):
    web = json.loads(
        run(
            capsys,
            "snapshot",
            "--claims",
            claims_file,
            *"--date 2021-09-05 --view nrf --format geojson".split(),
        )[1]
    )
    code, out, err = run(
        capsys,
        "snapshot",
        "--claims",
        claims_file,
        *"--date 2021-09-05 --view nrf --format geojson --full-resolution".split(),
    )
    assert (code, err) == (0, "")
    full = json.loads(out)
    assert [f["properties"]["pcode"] for f in full["features"]] == [f"AF080{k}" for k in range(1, 8)]
    assert len(out) > 2 * len(json.dumps(web))  # the zips' borders, not the web copy's


def test_full_resolution_without_the_zips_says_where_to_put_them(capsys, claims_file, tmp_path):
    code, out, err = run(
        capsys,
        "snapshot",
        "--claims",
        claims_file,
        "--date",
        "2021-09-05",
        "--view",
        "nrf",
        "--format",
        "geojson",
        "--full-resolution",
        "--geodata",
        tmp_path / "nowhere",
    )
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith("error: full resolution needs afg_admbnda_adm2_agcho_20180522.zip")
    assert str(boundaries.DEFAULT_DIR.resolve()) in err and "--geodata DIR" in err
    assert boundaries.ENV_VAR in err and str(tmp_path / "nowhere") in err


def test_csv_and_json_never_need_the_zips(capsys, claims_file, tmp_path):
    rows = snapshot_rows(
        capsys,
        claims_file,
        "--date",
        "2021-09-05",
        "--view",
        "nrf",
        "--full-resolution",
        "--geodata",
        tmp_path / "nowhere",
    )
    assert [r["district"] for r in rows] == DISTRICTS


def test_there_is_no_download_option(capsys, claims_file):
    code, _, err = run(capsys, "validate", claims_file, "--no-download")
    assert code == 2 and "unrecognized arguments: --no-download" in err


def test_a_clone_without_shared_data_beside_it(tmp_path):
    """The repository alone (no ../shared): the web copy gives the map and every name; only
    full resolution asks for the zips, and says where they go."""
    clone = tmp_path / "alone" / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("dashboard", "geodata"):
        shutil.copytree(REPO / name, clone / name, ignore=ignore)
    shutil.copy(REPO / "claims.yaml", clone / "claims.yaml")
    env = {
        k: v for k, v in os.environ.items() if k not in (cli.CLAIMS_ENV_VAR, boundaries.ENV_VAR, "PYTHONPATH")
    }
    snapshot = [sys.executable, "-m", "dashboard", "snapshot", "--date", "2021-09-05", "--view", "nrf"]
    done = subprocess.run(
        [*snapshot, "--format", "csv"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["pcode"] for r in rows] == [f"AF080{k}" for k in range(1, 8)]
    assert [r["district"] for r in rows] == DISTRICTS
    done = subprocess.run(
        [*snapshot, "--format", "geojson", "--full-resolution"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("error: full resolution needs afg_admbnda_adm2_agcho_20180522.zip")
    assert f"put it in {tmp_path / 'alone' / 'shared' / 'geodata'}," in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


# ---------------------------------------------------------------------------------- timeline


def test_timeline_csv(capsys, claims_file):
    code, out, err = run(capsys, "timeline", "--claims", claims_file, "--view", "taliban")
    assert (code, err) == (0, "")
    assert out == "date,taliban,nrf,contested,disputed,unknown\n2021-09-05,5,2,0,0,0\n"
    code, out, err = run(capsys, "timeline", "--claims", claims_file, "--view", "combined")
    assert out == "date,taliban,nrf,contested,disputed,unknown\n2021-09-05,0,2,0,5,0\n"


def test_timeline_json(capsys, claims_file):
    code, out, err = run(capsys, "timeline", "--claims", claims_file, "--view", "nrf", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {
            "date": "2021-09-05",
            "counts": {"taliban": 0, "nrf": 7, "contested": 0, "disputed": 0, "unknown": 0},
        }
    ]


def test_timeline_by_district(capsys, claims_file):
    code, out, err = run(capsys, "timeline", "--claims", claims_file, "--view", "combined", "--districts")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "date,Bazarak,Rukha,Dara,Khenj,Anawa,Shutul,Paryan",
        "2021-09-05,nrf,nrf,disputed,disputed,disputed,disputed,disputed",
    ]
    code, out, err = run(
        capsys, "timeline", "--claims", claims_file, "--view", "taliban", "--districts", "--format", "json"
    )
    document = json.loads(out)
    assert document["districts"]["AF0801"] == "Bazarak"
    assert document["rows"] == [
        {
            "date": "2021-09-05",
            "holders": {
                "AF0801": "nrf",
                "AF0802": "nrf",
                "AF0803": "taliban",
                "AF0804": "taliban",
                "AF0805": "taliban",
                "AF0806": "taliban",
                "AF0807": "taliban",
            },
        }
    ]


# ------------------------------------------------------------------------------------ render


def test_render_writes_a_standalone_map(capsys, claims_file, tmp_path):
    out_path = tmp_path / "map.html"
    code, out, err = run(
        capsys, "render", "--claims", claims_file, "--date", "2021-09-05", "--view", "taliban", "-o", out_path
    )
    assert (code, out) == (0, "")
    assert re.fullmatch(rf"wrote {re.escape(str(out_path))} \(\d+ KB\): taliban view on 2021-09-05\n", err)
    page = out_path.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "https://cdn" not in page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert "AGCHO / UN OCHA" in page
    for name in DISTRICTS:
        assert name in page


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_render_writes_a_figure(capsys, claims_file, tmp_path, fmt):
    out_path = tmp_path / f"map.{fmt}"
    code, out, err = run(
        capsys,
        "render",
        "--claims",
        claims_file,
        "--format",
        fmt,
        "--date",
        "2021-09-05",
        "--view",
        "taliban",
        "-o",
        out_path,
    )
    assert (code, out) == (0, "")
    assert re.fullmatch(rf"wrote {re.escape(str(out_path))} \(\d+ KB\): taliban view on 2021-09-05\n", err)
    data = out_path.read_bytes()
    if fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        assert b"<svg" in data and b"AGCHO / UN OCHA" in data and b"Paryan" in data


def test_render_figure_width_is_checked(capsys, claims_file, tmp_path):
    code, out, err = run(
        capsys,
        "render",
        "--claims",
        claims_file,
        "--format",
        "png",
        "--width",
        "50",
        "--date",
        "2021-09-05",
        "--view",
        "taliban",
        "-o",
        tmp_path / "x.png",
    )
    assert (code, err) == (2, "error: --width must be from 200 to 10000 pixels\n")
    assert not (tmp_path / "x.png").exists()


# ------------------------------------------------------------------------------ usage errors


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["snapshot", "--date", "2021-13-01", "--view", "taliban"],
            "'2021-13-01' is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]",
        ),
        (
            ["snapshot", "--date", "5 Sept", "--view", "taliban"],
            "'5 Sept' is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]",
        ),
        (
            ["snapshot", "--date", "2021-09-05", "--view", "green"],
            "error: unknown view 'green'; choose one of taliban, nrf, independent, combined",
        ),
        (["timeline", "--view", "press"], "error: unknown view 'press'"),
        (
            ["render", "--date", "2021-09-05", "--view", "nrf"],
            "the following arguments are required: -o/--output",
        ),
        (["snapshot", "--view", "nrf"], "the following arguments are required: --date"),
        (["snapshot", "--date", "2021-09-05", "--view", "nrf", "--format", "xml"], "invalid choice: 'xml'"),
        (["explode"], "invalid choice: 'explode'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_exit_2(capsys, claims_file, argv, message):
    if argv and argv[0] in ("snapshot", "timeline", "render"):
        argv = [*argv, "--claims", str(claims_file)]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


# ------------------------------------------------------------------ another province: Baghlan

BAGHLAN = """\
version: 1
region: {province: Baghlan}
sides:
  taliban: {label: Taliban, color: "#D55E00"}
  nrf: {label: National Resistance Front, color: "#0072B2"}
sources:
  karimi: {name: Bilal Karimi, side: taliban}
claims:
  - {id: a, date: 2021-08-20, source: karimi, holder: nrf, districts: [Andarab, Deh Salah, Pul-e-Hisar]}
  - {id: b, date: 2021-08-30, source: karimi, holder: taliban, districts: [Banu, Pul-e-Khumri]}
"""


def test_another_province_needs_no_code_change(capsys, tmp_path):
    baghlan = boundaries.load_region("AF09")
    assert {"Andarab", "Deh Salah", "Pul-e-Hisar", "Pul-e-Khumri"} <= set(baghlan["name"])
    path = tmp_path / "baghlan.yaml"
    path.write_text(BAGHLAN, encoding="utf-8")
    code, out, err = run(capsys, "validate", path)
    assert (code, err) == (0, "")
    assert out == (
        f"{path}: 2 claims from 1 sources on {len(baghlan)} districts of AF09, 2021-08-20 to 2021-08-30\n"
    )
    rows = snapshot_rows(capsys, path, "--date", "2021-08-31", "--view", "taliban")
    holders = {r["district"]: r["holder"] for r in rows}
    assert len(rows) == len(baghlan)
    assert {d: h for d, h in holders.items() if h != "unknown"} == {
        "Andarab": "taliban",  # "Banu" is Andarab's other name in the boundary data
        "Deh Salah": "nrf",
        "Pul-e-Hisar": "nrf",
        "Pul-e-Khumri": "taliban",
    }


def test_a_panjshir_alias_is_unknown_in_baghlan(capsys, tmp_path):
    # "Khinj" is a press spelling of Panjshir's Khenj (geodata/aliases.yaml, AF08 only).
    path = tmp_path / "baghlan.yaml"
    path.write_text(BAGHLAN.replace("Pul-e-Hisar", "Khinj"), encoding="utf-8")
    code, out, err = run(capsys, "validate", path)
    assert code == 1
    assert out.startswith(f"{path}:9: unknown district 'Khinj' in AF09")


# ------------------------------------------------- every bad file through a real subprocess

WALL_LIMIT = 5.0  # seconds, per run
KILL_AFTER = 3 * WALL_LIMIT  # wall seconds: a run still going then is killed as hung
STARVED = 0.6  # a run that got less CPU than this share of its wall time was starved
RSS_LIMIT = 500 * 2**20  # bytes of resident memory, per run
AS_BACKSTOP = 2 * 2**30  # virtual memory: only so that a runaway cannot take the machine
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): .+$")


def near_limit_case() -> bytes:
    """A file just under the 5 MB limit: 28,000 claims, one unknown district on the last line."""
    body = "".join(
        f"  - {{id: c{i}, date: 2021-09-05, source: karimi, holder: taliban, districts: "
        f"[Dara, Rukha], url: 'https://example.org/{i}', quote: 'Words of quote {i}.'}}\n"
        for i in range(28_000)
    )
    data = (HEADER + body + block_claim(id="last", districts="[Rokhaa]")).encode()
    assert len(data) < 5_000_000
    return data


# `python -m dashboard ARGS` under the memory backstop, writing its own peak resident memory
# (VmHWM, kB) to a file at exit. wait4's ru_maxrss cannot be used: Linux keeps, across exec, the
# high-water mark of the memory the child was forked (or vforked) from, so every child "peaked"
# at this big test process's size (321-553 MB late in a full run), whatever it used itself.
_PEAK = """
import atexit, runpy, sys
peak_path = sys.argv[1]
def write_peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(peak_path, "w") as f:
        f.write(kb)
atexit.register(write_peak)
sys.argv = ["dashboard", *sys.argv[2:]]
runpy.run_module("dashboard", run_name="__main__", alter_sys=True)
"""
LIMITED_PYTHON = ["prlimit", f"--as={AS_BACKSTOP}", "--", sys.executable, "-c", _PEAK]


def peak_file(out: Path) -> str:
    return str(out.with_suffix(".peak"))


def _peak_rss(out: Path, usage) -> int:
    """The child's own peak resident memory in bytes (its VmHWM; if it never wrote one, wait4's)."""
    try:
        return int(Path(peak_file(out)).read_text()) * 1024
    except (OSError, ValueError):
        return usage.ru_maxrss * 1024


def run_limited(paths: list[Path], workers: int, outputs: Path) -> dict[Path, dict]:
    """Run ``python -m dashboard validate PATH`` for each path, ``workers`` at a time.

    Each is reaped with os.wait4 for its own peak resident memory and CPU time,
    and killed (with its process group) once it has run for KILL_AFTER seconds.
    """
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    for name in (cli.CLAIMS_ENV_VAR, boundaries.ENV_VAR):
        env.pop(name, None)
    pending, running, results = list(enumerate(paths)), {}, {}
    while pending or running:
        while pending and len(running) < workers:
            k, path = pending.pop(0)
            out, err = outputs / f"{k}.stdout", outputs / f"{k}.stderr"
            with open(out, "wb") as o, open(err, "wb") as e:
                proc = subprocess.Popen(
                    [*LIMITED_PYTHON, peak_file(out), "validate", str(path)],
                    stdout=o,
                    stderr=e,
                    stdin=subprocess.DEVNULL,
                    cwd=REPO,
                    env=env,
                    start_new_session=True,
                )
            running[proc.pid] = (path, proc, time.monotonic(), out, err)
        for pid, (path, proc, start, out, err) in list(running.items()):
            done, status, usage = os.wait4(pid, os.WNOHANG)
            elapsed = time.monotonic() - start
            timed_out = False
            if done == 0:
                if elapsed <= KILL_AFTER:
                    continue
                os.killpg(pid, signal.SIGKILL)
                done, status, usage = os.wait4(pid, 0)
                timed_out = True
            proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
            del running[pid]
            results[path] = {
                "code": proc.returncode,
                "seconds": elapsed,
                "timed_out": timed_out,
                "cpu": usage.ru_utime + usage.ru_stime,
                "rss": _peak_rss(out, usage),
                "stdout": out.read_text(encoding="utf-8", errors="replace"),
                "stderr": err.read_text(encoding="utf-8", errors="replace"),
            }
        time.sleep(0.01)
    return results


# Every corpus file, and the generated cases that stress a process (size, depth, one huge line);
# the other generated cases only repeat a corpus theme with longer text.
HEAVY = [
    "too-large-50mb.yaml",
    "deep-nesting-100k.yaml",
    "long-line-4mb.yaml",
    "near-limit-4.9mb.yaml",
    "too-many-districts.yaml",
    "many-unknown-names.yaml",
    "big-number-version.yaml",
]
CLI_CASES = [p.name for p in corpus_files()] + [f"generated/{n}" for n in HEAVY]


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    paths = {}
    for name in CLI_CASES:
        if name.startswith("generated/"):
            short = name.removeprefix("generated/")
            data = near_limit_case() if short.startswith("near-limit") else generated_cases()[short][0]
            paths[name] = folder / short
            paths[name].write_bytes(data)
        else:
            paths[name] = REPO / "tests" / "bad_claims" / name
    valid = folder / "valid.yaml"
    valid.write_text(PANJSHIR, encoding="utf-8")
    outputs = tmp_path_factory.mktemp("outputs")
    results = run_limited(
        [valid, *paths.values()], workers=max(1, min(8, os.cpu_count() or 1)), outputs=outputs
    )
    # Runs share the CPUs with each other (and with whatever else the machine does): a run
    # over the wall-time limit gets one more chance alone before it counts as too slow.
    slow = [p for p, r in results.items() if r["seconds"] > WALL_LIMIT]
    if slow:
        results.update(run_limited(slow, workers=1, outputs=tmp_path_factory.mktemp("retry")))
    return {name: (path, results[path]) for name, path in paths.items()} | {"valid": (valid, results[valid])}


@pytest.mark.slow
def test_the_limits_leave_room_for_a_normal_run(cli_runs):
    path, run_ = cli_runs["valid"]
    assert (run_["code"], run_["timed_out"]) == (0, False), run_["stderr"][-2000:]
    assert run_["stdout"].startswith(f"{path}: 3 claims")
    # A normal run must fit well inside the limits, or the limits test nothing useful.
    assert run_["rss"] < RSS_LIMIT * 0.6, f"{run_['rss'] / 2**20:.0f} MB"
    assert run_["cpu"] < WALL_LIMIT * 0.6, f"{run_['cpu']:.1f} s of CPU"  # (wall time depends on load)


@pytest.mark.slow  # about 1 CPU-second a run (mostly imports): ~65 CPU-seconds in all
@pytest.mark.parametrize("name", CLI_CASES)
def test_validate_a_bad_file_in_a_subprocess(cli_runs, name):
    path, run_ = cli_runs[name]
    seconds, cpu = run_["seconds"], run_["cpu"]
    assert not run_["timed_out"], f"killed: still running after {KILL_AFTER} s ({cpu:.1f} s of CPU)"
    # At most WALL_LIMIT seconds. Only if the machine was too busy to give the process a CPU
    # (even when run alone) is its CPU time held to the limit instead.
    starved = cpu < STARVED * seconds
    assert seconds <= WALL_LIMIT or (starved and cpu <= WALL_LIMIT), (
        f"took {seconds:.1f} s ({cpu:.1f} s of CPU); the limit is {WALL_LIMIT} s"
    )
    assert run_["rss"] <= RSS_LIMIT, f"peak resident memory {run_['rss'] / 2**20:.0f} MB"
    everything = run_["stdout"] + run_["stderr"]
    assert "Traceback" not in everything, everything[-3000:]
    assert run_["code"] == 1, everything[-3000:]
    lines = run_["stdout"].splitlines()
    assert lines, "no problem printed"
    for line in lines:
        match = LINE.match(line)
        assert match and match["path"] == str(path), line
    count = len(lines)
    assert run_["stderr"] == f"{path}: {count} problem{'s' if count != 1 else ''} found\n"
    if name in EXPECTED:
        assert [int(LINE.match(line)["line"]) for line in lines] == [n for n, _ in EXPECTED[name]]


# ------------------------------------------------------- issue 9: hostile files, outputs, signals


@pytest.mark.parametrize("text", ["2021-09-05", "2021-09-05T14:00", "2021-09-05T14:00:30"])
def test_date_takes_the_documented_forms(capsys, claims_file, text):
    code, out, err = run(capsys, "snapshot", "--claims", claims_file, "--date", text, "--view", "nrf")
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    "text",
    [
        "2021-09-05T14:00+02:00",
        "2021-09-05T14:00Z",
        "2021-W35-7",
        "20210905",
        "2021-09-05 14:00",
        "2021-09-05T14",
        "2021-09-05T24:00",
        "2021-9-5",
        "٢٠٢١-٠٩-٠٥",
        "2021-09-05\n",
        "",
    ],
)
def test_date_refuses_every_other_form(capsys, claims_file, text):
    code, out, err = run(capsys, "snapshot", "--claims", claims_file, "--date", text, "--view", "nrf")
    assert (code, out) == (2, "")
    assert "is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]" in err
    assert "Warning" not in err and "Traceback" not in err


def test_the_readme_documents_the_date_forms():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for form in cli.DATE_FORMS.split(" or "):
        assert f"`{form}`" in readme
    assert "no time zone" in readme


@pytest.mark.parametrize("command", ["snapshot", "render"])
@pytest.mark.parametrize("target", ["folder", "/dev/full", "missing/map.out", ""])
def test_an_output_that_cannot_be_written_is_one_line(capsys, claims_file, tmp_path, command, target):
    output = {"folder": str(tmp_path), "missing/map.out": str(tmp_path / "missing" / "map.out")}.get(
        target, target
    )
    if target == "/dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    code, out, err = run(
        capsys, command, "--claims", claims_file, "--date", "2021-09-05", "--view", "nrf", "-o", output
    )
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith("error: cannot write "), err
    assert "Traceback" not in err


def test_ctrl_c_is_one_line_and_exit_130(capsys, claims_file, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "read_claims", interrupted)
    assert run(capsys, "validate", claims_file) == (130, "", "interrupted\n")


def test_ctrl_c_in_a_real_process(claims_file):
    """A real SIGINT while the command works: one line, exit 130, no traceback."""
    script = (
        "import os, signal, sys, time\n"
        "from dashboard import cli\n"
        "def slow(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(30)\n"
        "cli.read_claims = slow\n"
        f"sys.exit(cli.main(['validate', {str(claims_file)!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "interrupted\n")


def _validate(path, timeout=20):
    """``python -m dashboard validate PATH`` in a child process: (exit code, stdout, stderr, seconds)."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - start


def test_a_symlink_to_dev_zero_is_too_large_in_seconds(tmp_path):
    link = tmp_path / "claims.yaml"
    link.symlink_to("/dev/zero")
    code, out, err, seconds = _validate(link)
    assert (code, out) == (1, f"{link}:1: the file is over 5 MB; the limit is 5 MB\n"), err
    assert seconds < 5 + 5  # the limit, plus the interpreter's start on a busy machine
    assert "Traceback" not in err


def test_a_fifo_is_unreadable_and_never_waited_for(tmp_path):
    fifo = tmp_path / "claims.yaml"
    os.mkfifo(fifo)
    code, out, err, seconds = _validate(fifo)  # no writer: reading would block for ever
    assert (code, out) == (1, f"{fifo}:1: cannot read file: it is a pipe (FIFO), not a regular file\n")
    assert "Traceback" not in err


def test_a_folder_is_unreadable(capsys, tmp_path):
    code, out, err = run(capsys, "validate", tmp_path)
    assert (code, out) == (1, f"{tmp_path}:1: cannot read file: it is a folder, not a regular file\n")


def test_terminal_output_carries_no_raw_control_character(tmp_path):
    """CSV and problems printed to a terminal (a pty): control characters escaped."""
    import pty

    good = tmp_path / "good.yaml"
    good.write_text(
        PANJSHIR.replace("{name: Bilal Karimi,", '{name: "Evil\\r=1+1\\u0085\\u202e x",'), encoding="utf-8"
    )
    bad = tmp_path / "bad\x1b[31m.yaml"
    bad.write_text(PANJSHIR.replace("source: dashti", 'source: "dash\\u0085ti"'), encoding="utf-8")
    outputs = []
    for argv in (
        ["snapshot", "--claims", str(good), "--date", "2021-09-05", "--view", "taliban"],
        ["validate", str(bad)],
    ):
        leader, follower = pty.openpty()
        done = subprocess.run(
            [sys.executable, "-m", "dashboard", *argv],
            stdout=follower,
            stderr=follower,
            cwd=REPO,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")  # the pty's own line ends
        outputs.append((done.returncode, text))
    (code, csv_out), (bad_code, problems) = outputs
    assert code == 0 and bad_code == 1
    for text in (csv_out, problems):
        raw = [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c == "\u202e"]
        assert not raw, (raw, text)
    assert "Evil\\r=1+1\\x85\\u202e x" in csv_out
    assert "bad\\x1b[31m.yaml:" in problems and "dash\\x85ti" in problems
