"""District boundaries of Afghanistan: finding and reading them.

The boundaries are OCHA's Common Operational Dataset (COD-AB) for Afghanistan, produced by
AGCHO and published on the Humanitarian Data Exchange (HDX), release of 2018-05-22.

Two copies are read:

- the **web copy** committed in this repository, :data:`WEB_FILE`
  (``geodata/districts.topojson``): all 399 districts with their codes and names, simplified
  as one coverage for the web map (see ``geodata/README.md``; rebuilt by
  ``python -m dashboard.geodata_build``). It is what the app and the command line use: no
  other file and no network is needed;
- the **original zips**, only for full resolution (``full_resolution=True``), found by
  :func:`locate` in ``path``, ``$DASHBOARD_GEODATA`` or ``../shared/geodata``. They are never
  committed.

Every failure a user can cause or fix (zips not found, a damaged file, an unknown province)
raises :class:`BoundaryError`, whose message says what was tried and how to fix it, so that the
command line and the app can print it instead of a traceback.

Public API: :func:`load_region`, :func:`region_name`, :func:`list_provinces`, :func:`for_web`,
:class:`BoundaryError`, :class:`UnknownProvinceError`, :data:`ATTRIBUTION`.

Examples
--------
>>> from dashboard import boundaries
>>> panjshir = boundaries.load_region("AF08")
>>> list(panjshir.name)
['Bazarak', 'Rukha', 'Dara', 'Khenj', 'Anawa', 'Shutul', 'Paryan']
>>> boundaries.region_name("Panjshir"), boundaries.region_name("AF")
('Panjsher', 'Afghanistan')
"""

from __future__ import annotations

import difflib
import functools
import html
import json
import os
import re
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import yaml

from . import shapes
from .gazetteer import name_key

__all__ = [
    "ATTRIBUTION",
    "ATTRIBUTION_HTML",
    "ATTRIBUTION_URL",
    "COLUMNS",
    "COUNTRY",
    "DEFAULT_DIR",
    "ENV_VAR",
    "SOURCES_FILE",
    "WEB_FILE",
    "BoundaryError",
    "UnknownProvinceError",
    "for_web",
    "list_provinces",
    "load_region",
    "locate",
    "read_zip",
    "region_name",
    "sources",
]

#: Environment variable naming a folder that holds the zips (or the adm2 zip itself).
ENV_VAR = "DASHBOARD_GEODATA"

# The repository root is the parent of the package folder; the shared data sit beside it
# (the same layout on a developer's machine and in CI).
_REPO_ROOT = Path(__file__).resolve().parent.parent
#: Where the project's shared copy of the boundary zips lives: ``<repo>/../shared/geodata``.
DEFAULT_DIR = _REPO_ROOT.parent / "shared" / "geodata"
#: The committed web copy of all districts (TopoJSON), made by ``dashboard.geodata_build``.
WEB_FILE = _REPO_ROOT / "geodata" / "districts.topojson"
#: File names, levels and checksums of the original zips.
SOURCES_FILE = _REPO_ROOT / "geodata" / "sources.yaml"
#: The admin-0 P-code of the country: ``load_region(COUNTRY)`` gives all its districts.
COUNTRY = "AF"

HDX_DATASET_URL = "https://data.humdata.org/dataset/afg-admin-boundaries"
#: Credit line to show wherever the boundaries are drawn (the data's licence asks for it).
ATTRIBUTION = "Boundaries: AGCHO / UN OCHA (COD-AB), via HDX"
#: The HDX dataset page; plain ASCII with nothing to escape, so safe inside an HTML attribute.
ATTRIBUTION_URL = HDX_DATASET_URL
#: :data:`ATTRIBUTION` as an HTML link to the dataset page (for folium's ``attr=``).
ATTRIBUTION_HTML = (
    f'<a href="{html.escape(ATTRIBUTION_URL, quote=True)}" target="_blank" '
    f'rel="noopener noreferrer">{html.escape(ATTRIBUTION)}</a>'
)

#: Columns of the frames returned by :func:`load_region`, in this order.
COLUMNS = ["pcode", "name", "name_da", "alt_names", "province", "province_name", "geometry"]

# Fields of the adm2 shapefile that are read (reading fewer columns is faster).
_FIELDS = {
    "ADM2_PCODE": "pcode",
    "ADM2_EN": "name",
    "ADM2_DA": "name_da",
    "ADM1_PCODE": "province",
    "ADM1_EN": "province_name",
}
_ALT_FIELDS = ["ADM2ALT1EN", "ADM2ALT2EN", "ADM2ALT1DA", "ADM2ALT2DA"]
_READ_FIELDS = [*_FIELDS, *_ALT_FIELDS, "ADM1_DA", "ADM0_PCODE", "ADM0_EN", "ADM0_DA"]

# Other spellings of province names met in the press and in older data sets, so that
# "Panjshir" or "Helmand" resolve although the COD-AB spells them "Panjsher", "Hilmand".
# Only exact (folded) matches are accepted: fuzzy matching would confuse e.g. Paktya/Paktika.
_PROVINCE_ALIASES = {
    "AF03": ["Parvan"],
    "AF04": ["Wardak", "Vardak", "Wardag", "Maydan Wardak"],
    "AF05": ["Lowgar"],
    "AF08": ["Panjshir", "Panjsheer", "Panjshayr"],
    "AF10": ["Bamiyan", "Bamian"],
    "AF13": ["Paktia"],
    "AF14": ["Khowst"],
    "AF15": ["Konar"],
    "AF16": ["Nooristan", "Nurestan"],
    "AF19": ["Kondoz", "Qunduz"],
    "AF22": ["Sar-i-Pul", "Sari Pul", "Sar-e Pol", "Sari Pol", "Sar-i-Pol"],
    "AF23": ["Ghowr"],
    "AF24": ["Daikundi", "Daikondi", "Daykondi"],
    "AF25": ["Oruzgan", "Urozgan", "Orozgan"],
    "AF26": ["Zabol"],
    "AF27": ["Qandahar"],
    "AF28": ["Jowzjan", "Jauzjan", "Juzjan"],
    "AF30": ["Helmand"],
    "AF32": ["Herat"],
    "AF34": ["Nimruz"],
}


class BoundaryError(Exception):
    """The boundary data cannot be had or used; the message says why and how to fix it.

    Meant to be shown to the user as is (``str(error)``), without a traceback.

    Parameters
    ----------
    message : str
        Complete, human-readable explanation.
    places : list of tuple of (str, str), optional
        The places looked in, as ``(description, outcome)`` pairs (see :func:`locate`).
    """

    def __init__(self, message: str, places: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.places = list(places or [])


class UnknownProvinceError(BoundaryError, LookupError):
    """The province asked for is not in the boundary data; the message suggests close ones.

    Also a :class:`LookupError`, which is what the claims checker turns into a problem.
    Catch it by type, never by its message.
    """


# --------------------------------------------------------------------------------------------
# The original zips: geodata/sources.yaml, and finding them on this machine
# --------------------------------------------------------------------------------------------

_SHA256 = re.compile(r"[0-9a-f]{64}")


@functools.lru_cache(maxsize=4)
def _read_sources(path: str, mtime_ns: int) -> dict:
    # mtime_ns is part of the key only, so that an edited file is read again.
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    files = data.get("files")
    if not isinstance(files, dict) or "adm2" not in files:
        raise BoundaryError(f"{path} has no 'files: adm2:' entry; it must describe the adm2 zip.")
    for key, entry in files.items():
        if not entry or not entry.get("file") or not entry.get("sha256"):
            raise BoundaryError(f"{path}: entry '{key}' needs at least 'file' and 'sha256'.")
        # Quoted in the YAML: an unquoted all-digit checksum would be read as a number.
        if not isinstance(entry["sha256"], str) or not _SHA256.fullmatch(entry["sha256"]):
            raise BoundaryError(f"{path}: the sha256 of '{key}' must be 64 hex digits, quoted.")
    return data


def sources() -> dict:
    """The description of the original zips, :data:`SOURCES_FILE`.

    Returns
    -------
    dict
        The parsed YAML: ``dataset_page``, ``attribution``, ... and ``files``, which maps
        ``"adm0"``, ``"adm1"``, ``"adm2"`` to dicts with ``file``, ``level`` and ``sha256``.
        Treat it as read-only (it is cached).

    Raises
    ------
    BoundaryError
        If the file is missing or lacks the adm2 entry.

    Examples
    --------
    >>> sources()["files"]["adm2"]["file"]
    'afg_admbnda_adm2_agcho_20180522.zip'
    """
    path = Path(SOURCES_FILE)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise BoundaryError(f"Cannot read the boundary source list {path}: {exc.strerror}.") from None
    return _read_sources(str(path.resolve()), mtime)


def _adm2_name() -> str:
    return sources()["files"]["adm2"]["file"]


def _check_place(path: Path, adm2: str) -> tuple[Path | None, str]:
    """Return (directory holding the adm2 zip or None, outcome for the error message)."""
    try:
        if path.is_dir():
            if (path / adm2).is_file():
                return path, "found"
            return None, f"no {adm2} there"
        if path.is_file():
            if path.name == adm2:
                return path.parent, "found"
            return None, f"a file, but not {adm2}"
    except OSError as exc:  # e.g. permission denied: report it, keep looking elsewhere
        return None, f"unreadable ({exc.strerror})"
    return None, "does not exist"


def locate(path=None) -> Path:
    """Find the folder holding the original district (adm2) zip, for full resolution.

    The first of these that is given decides where to look: ``path`` (``--geodata DIR``),
    ``$DASHBOARD_GEODATA``, :data:`DEFAULT_DIR` (``../shared/geodata``). A folder named
    explicitly that lacks the zip is an error, not a reason to read another copy.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A folder containing the zips, or the adm2 zip itself.

    Returns
    -------
    pathlib.Path
        Absolute path of the folder holding the adm2 zip.

    Raises
    ------
    BoundaryError
        If the zip is not there. The message is one line: what is needed, where to put it,
        and where it was looked for; ``error.places`` has that as ``(place, outcome)`` pairs.

    Examples
    --------
    >>> locate("/nowhere")   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    dashboard.boundaries.BoundaryError: full resolution needs afg_admbnda_adm2_agcho_20180522.zip ...
    """
    adm2 = _adm2_name()
    env = os.environ.get(ENV_VAR, "").strip()
    label, where = (
        ("--geodata", path)
        if path is not None
        else (f"${ENV_VAR}", env)
        if env
        else ("the shared folder", DEFAULT_DIR)
    )
    where = Path(where).expanduser().resolve()
    found, outcome = _check_place(where, adm2)
    if found is not None:
        return found
    raise BoundaryError(
        f"full resolution needs {adm2} (OCHA COD-AB, {HDX_DATASET_URL}): put it in "
        f"{DEFAULT_DIR.resolve()}, or name its folder with --geodata DIR or {ENV_VAR} "
        f"(looked in {label} {where}: {outcome})",
        [(f"{label} {where}", outcome)],
    )


# --------------------------------------------------------------------------------------------
# Reading: the committed web copy, or the original zip
# --------------------------------------------------------------------------------------------


class _National(NamedTuple):
    """Everything read from one copy: district attributes and a way to their shapes."""

    districts: pd.DataFrame  # COLUMNS but geometry, sorted by pcode, alt_names as tuples
    provinces: pd.DataFrame  # pcode, name, name_da
    country: dict  # pcode, name, name_da
    geometry: object  # callable: list of row numbers -> list of shapely geometries
    tolerance: float | None  # the simplification of the copy (None: full resolution)


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def read_zip(zip_path) -> tuple[gpd.GeoDataFrame, dict]:
    """All districts of an original adm2 zip at full resolution, and the country's names.

    Parameters
    ----------
    zip_path : str or os.PathLike
        The COD-AB adm2 zip (``afg_admbnda_adm2_agcho_20180522.zip``).

    Returns
    -------
    (geopandas.GeoDataFrame, dict)
        The districts with :data:`COLUMNS` plus ``province_da`` (alt_names as tuples),
        sorted by ``pcode``, CRS EPSG:4326; and ``{"pcode", "name", "name_da"}`` of the
        country.

    Raises
    ------
    BoundaryError
        If the file cannot be read or lacks a COD-AB field.
    """
    zip_path = Path(zip_path).resolve()
    try:
        raw = gpd.read_file(f"zip://{zip_path}", engine="pyogrio", columns=_READ_FIELDS)
    except Exception as exc:  # pyogrio raises several types for unreadable or damaged zips
        raise BoundaryError(f"Cannot read the district boundaries {zip_path}: {exc}") from None
    missing = [f for f in _READ_FIELDS if f not in raw.columns]
    if missing:
        raise BoundaryError(
            f"{zip_path} lacks the fields {', '.join(missing)}; is it the COD-AB adm2 release "
            f"of 2018-05-22 described in {SOURCES_FILE}?"
        )
    if raw.crs is None:
        raw = raw.set_crs(4326)
    elif raw.crs.to_epsg() != 4326:
        raw = raw.to_crs(4326)
    frame = pd.DataFrame({new: raw[old].map(_text) for old, new in _FIELDS.items()})
    alts = [
        tuple(dict.fromkeys(n for n in map(_text, row) if n))  # non-empty, deduplicated
        for row in raw[_ALT_FIELDS].itertuples(index=False)
    ]
    frame["alt_names"] = _object_column(alts, raw.index)
    frame["province_da"] = raw["ADM1_DA"].map(_text)
    districts = gpd.GeoDataFrame(frame, geometry=raw.geometry.values, crs=4326)
    districts = districts[[*COLUMNS[:-1], "province_da", "geometry"]]
    districts = districts.sort_values("pcode", kind="stable").reset_index(drop=True)
    first = raw.iloc[0] if len(raw) else {}
    country = {
        "pcode": _text(first.get("ADM0_PCODE")),
        "name": _text(first.get("ADM0_EN")),
        "name_da": _text(first.get("ADM0_DA")),
    }
    return districts, country


def _object_column(items, index) -> pd.Series:
    # Built element by element: numpy would turn equal-length sequences into a 2-D array.
    arr = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        arr[i] = item
    return pd.Series(arr, index=index)


def _provinces(districts: pd.DataFrame) -> pd.DataFrame:
    return (
        pd.DataFrame(
            {
                "pcode": districts["province"],
                "name": districts["province_name"],
                "name_da": districts["province_da"],
            }
        )
        .drop_duplicates("pcode")
        .sort_values("pcode")
        .reset_index(drop=True)
    )


@functools.lru_cache(maxsize=4)
def _read_original(zip_path: str, mtime_ns: int) -> _National:
    # Keyed by (absolute path, mtime): a replaced file is read again.
    districts, country = read_zip(zip_path)
    geoms = list(districts.geometry.values)
    return _National(
        pd.DataFrame(districts.drop(columns="geometry")),
        _provinces(districts),
        country,
        lambda rows: [geoms[i] for i in rows],
        None,
    )


@functools.lru_cache(maxsize=4)
def _read_web(path: str, mtime_ns: int) -> _National:
    # Keyed by (absolute path, mtime). The attributes are read at once; each district's shape
    # is decoded from the topology the first time it is asked for, then kept.
    fix = "restore it (git checkout -- geodata/) or rebuild it: python -m dashboard.geodata_build --from DIR"
    try:
        with open(path, encoding="utf-8") as f:
            topology = json.load(f)
        entries = topology["objects"]["districts"]["geometries"]
        rows = [
            {
                "pcode": e["id"],
                **{
                    k: e["properties"][k]
                    for k in ("name", "name_da", "province", "province_name", "province_da")
                },
                "alt_names": tuple(e["properties"]["alt_names"]),
            }
            for e in entries
        ]
        country = dict(topology["country"])
        tolerance = float(topology["simplification"]["tolerance"])
    except OSError as exc:
        raise BoundaryError(f"Cannot read the district boundaries {path}: {exc.strerror}; {fix}.") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BoundaryError(f"The district boundaries {path} are damaged ({exc!r}); {fix}.") from None
    districts = pd.DataFrame(rows, columns=[*COLUMNS[:-1], "province_da"])
    order = np.argsort(districts["pcode"].to_numpy(), kind="stable")
    districts = districts.iloc[order].reset_index(drop=True)
    decoded: dict[int, object] = {}

    def geometry(wanted):
        missing = [int(order[i]) for i in wanted if int(order[i]) not in decoded]
        if missing:
            try:
                geoms, _ = shapes.from_topology(topology, select=missing)
            except shapes.ShapeError as exc:
                raise BoundaryError(f"The district boundaries {path} are damaged ({exc}); {fix}.") from None
            decoded.update(zip(missing, geoms))
        return [decoded[int(order[i])] for i in wanted]

    return _National(districts, _provinces(districts), country, geometry, tolerance)


def _national(full_resolution: bool, path) -> _National:
    if full_resolution:
        zip_path = (locate(path) / _adm2_name()).resolve()
        return _read_original(str(zip_path), zip_path.stat().st_mtime_ns)
    web = Path(WEB_FILE)
    try:
        mtime = web.stat().st_mtime_ns
    except OSError as exc:
        raise BoundaryError(
            f"Cannot read the district boundaries {web}: {exc.strerror}; restore "
            "it (git checkout -- geodata/) or rebuild it: "
            "python -m dashboard.geodata_build --from DIR."
        ) from None
    return _read_web(str(web.resolve()), mtime)


# --------------------------------------------------------------------------------------------
# Regions: provinces and the country
# --------------------------------------------------------------------------------------------


def _province_key(name: str) -> str:
    key = name_key(str(name))
    return re.sub(r"(province|wilayat)$", "", key) or key  # "Panjshir Province" is Panjshir


def _resolve_province(province, provinces: pd.DataFrame) -> str:
    text = str(province).strip()
    pcodes = list(provinces["pcode"])
    code = re.sub(r"^AF(\d)$", r"AF0\1", text.upper())  # "AF8" is AF08
    if code in pcodes:
        return code
    keys: dict[str, str] = {}
    for row in provinces.itertuples():
        keys.setdefault(_province_key(row.name), row.pcode)
        if row.name_da:
            keys.setdefault(_province_key(row.name_da), row.pcode)
    for pcode, names in _PROVINCE_ALIASES.items():
        if pcode in pcodes:
            for alias in names:
                keys.setdefault(_province_key(alias), pcode)
    folded = _province_key(text)
    if folded in keys:
        return keys[folded]

    label = dict(zip(provinces["pcode"], provinces["name"]))
    close = difflib.get_close_matches(text.upper(), pcodes, n=3, cutoff=0.6)
    close += [keys[k] for k in difflib.get_close_matches(folded, list(keys), n=3, cutoff=0.6)]
    close = list(dict.fromkeys(close))
    if close:
        hint = "Did you mean " + " or ".join(f"{p} ({label[p]})" for p in close) + "?"
    else:
        hint = "Known provinces: " + ", ".join(f"{p} {n}" for p, n in label.items()) + "."
    raise UnknownProvinceError(
        f"Unknown province {text!r}. {hint} Give an admin-1 P-code such as AF08, or the province's name."
    )


def _is_country(region, national: _National) -> bool:
    return str(region).strip().upper() in {COUNTRY, national.country.get("pcode", COUNTRY)}


def load_region(region: str, *, full_resolution: bool = False, path=None) -> gpd.GeoDataFrame:
    """The districts of a province, or of the whole country (``"AF"``).

    Parameters
    ----------
    region : str
        ``"AF"`` for all 399 districts, or a province: its admin-1 P-code (``"AF08"``), or
        its name in the COD-AB spelling in English (``"Panjsher"``) or Dari, or a common other
        spelling (``"Panjshir"``); case, spaces and hyphens are ignored.
    full_resolution : bool, default False
        False: the committed web copy (:data:`WEB_FILE`), already simplified for the map, no
        other file needed. True: the original zip, found by :func:`locate`.
    path : str or os.PathLike, optional
        With ``full_resolution``: the folder holding the zips, or the adm2 zip itself.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``pcode`` (ADM2_PCODE), ``name`` (ADM2_EN), ``name_da`` (ADM2_DA),
        ``alt_names`` (list of the non-empty ADM2ALT1EN, ADM2ALT2EN, ADM2ALT1DA, ADM2ALT2DA),
        ``province`` (ADM1_PCODE), ``province_name`` (ADM1_EN) and ``geometry``; sorted by
        ``pcode``, index 0..n-1, CRS EPSG:4326. ``attrs["tolerance"]`` is the simplification
        of the web copy (absent at full resolution). A fresh copy: changing it changes
        nothing else.

    Raises
    ------
    UnknownProvinceError
        If the province is not in the data (the message suggests close P-codes and names).
    BoundaryError
        If the data cannot be found or read (full resolution without the zips, a damaged
        web copy).

    Examples
    --------
    >>> baghlan = load_region("Baghlan")
    >>> len(baghlan), baghlan.province.iloc[0], len(load_region("AF"))
    (15, 'AF09', 399)
    """
    national = _national(full_resolution, path)
    districts = national.districts
    if not _is_country(region, national):
        pcode = _resolve_province(region, national.provinces)
        districts = districts[districts["province"] == pcode]
    rows = list(districts.index)
    frame = districts[COLUMNS[:-1]].reset_index(drop=True)
    frame["alt_names"] = _object_column([list(v) for v in frame["alt_names"]], frame.index)
    out = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(national.geometry(rows), crs=4326).values, crs=4326)
    if national.tolerance is not None:
        out.attrs["tolerance"] = national.tolerance
    return out


def list_provinces() -> pd.DataFrame:
    """The 34 provinces (admin-1), from the committed web copy.

    Returns
    -------
    pandas.DataFrame
        Columns ``pcode`` (ADM1_PCODE), ``name`` (ADM1_EN) and ``name_da`` (ADM1_DA),
        sorted by ``pcode``.

    Examples
    --------
    >>> list_provinces().set_index("pcode").name["AF08"]
    'Panjsher'
    """
    return _national(False, None).provinces.copy()


def region_name(region_code: str) -> str:
    """The English name of a province or of the country, as the boundary data spell it.

    Parameters
    ----------
    region_code : str
        ``"AF"`` for the country, or a province as :func:`load_region` takes it.

    Returns
    -------
    str
        E.g. ``"Panjsher"``, ``"Baghlan"``, ``"Afghanistan"``.

    Raises
    ------
    UnknownProvinceError
        If the province is not in the data.

    Examples
    --------
    >>> region_name("AF08"), region_name("AF09"), region_name("AF")
    ('Panjsher', 'Baghlan', 'Afghanistan')
    """
    national = _national(False, None)
    if _is_country(region_code, national):
        return national.country["name"]
    pcode = _resolve_province(region_code, national.provinces)
    return str(national.provinces.set_index("pcode").at[pcode, "name"])


def for_web(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The districts at the detail a web map of their extent needs (see :func:`shapes.for_web`).

    Cheap for a province from the committed copy (returned as it is); the whole country, or
    full-resolution districts, are simplified as one coverage. Every vertex ends on the
    1e-4 degree grid the map's codec expects.

    Raises
    ------
    BoundaryError
        If this shapely / GEOS cannot simplify coverages.

    Examples
    --------
    >>> web = for_web(load_region("AF08"))
    >>> len(web), bool(web.geometry.is_valid.all())
    (7, True)
    """
    try:
        return shapes.for_web(districts)
    except shapes.ShapeError as exc:
        raise BoundaryError(str(exc)) from None
