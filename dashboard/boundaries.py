"""District boundaries of Afghanistan: finding, downloading, reading and simplifying them.

The boundaries are OCHA's Common Operational Dataset (COD-AB) for Afghanistan, produced by
AGCHO and published on the Humanitarian Data Exchange (HDX), release of 2018-05-22. They are
never part of this repository. :func:`locate` finds the zipped shapefiles on this machine
(explicit path, ``$DASHBOARD_GEODATA``, ``../shared/geodata``, the download cache) and can
download them into the cache; :func:`load_districts` reads the districts of one province
straight from the zip; :func:`simplify` makes a light copy for the web map whose neighbouring
districts still share their borders exactly.

Every failure a user can cause or fix (no data, a bad download, an unknown province) raises
:class:`BoundaryError`, whose message says what was tried and how to fix it, so that the
command line and the app can print it instead of a traceback.

Examples
--------
>>> from dashboard import boundaries
>>> panjshir = boundaries.load_districts("AF08", download=False)   # doctest: +SKIP
>>> list(panjshir.name)                                              # doctest: +SKIP
['Bazarak', 'Rukha', 'Dara', 'Khenj', 'Anawa', 'Shutul', 'Paryan']
>>> web = boundaries.simplify(panjshir)                              # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import html
import os
import re
import sys
import tempfile
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml

__all__ = [
    "ATTRIBUTION",
    "ATTRIBUTION_HTML",
    "ATTRIBUTION_URL",
    "BoundaryError",
    "CACHE_DIR",
    "CACHE_ENV_VAR",
    "COLUMNS",
    "DEFAULT_DIR",
    "ENV_VAR",
    "SOURCES_FILE",
    "UnknownProvinceError",
    "cache_dir",
    "download",
    "list_provinces",
    "load_all_districts",
    "load_districts",
    "locate",
    "simplify",
    "sources",
]

#: Environment variable naming a folder that holds the zips (or the adm2 zip itself).
ENV_VAR = "DASHBOARD_GEODATA"
#: Environment variable overriding :data:`CACHE_DIR`, where downloads go.
CACHE_ENV_VAR = "DASHBOARD_CACHE"

# The repository root is the parent of the package folder; the shared data sit beside it
# (the same layout on a developer's machine and in CI), and the cache inside it is git-ignored.
_REPO_ROOT = Path(__file__).resolve().parent.parent
#: Where the project's shared copy of the boundary zips lives: ``<repo>/../shared/geodata``.
DEFAULT_DIR = _REPO_ROOT.parent / "shared" / "geodata"
#: Download cache, ``<repo>/.cache/geodata`` (ignored by git); see :func:`cache_dir`.
CACHE_DIR = _REPO_ROOT / ".cache" / "geodata"
#: File names, levels, checksums and upstream URLs of the boundary zips.
SOURCES_FILE = _REPO_ROOT / "geodata" / "sources.yaml"

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

#: Columns of the frames returned by :func:`load_districts`, in this order.
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
_READ_FIELDS = [*_FIELDS, *_ALT_FIELDS, "ADM1_DA"]

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

    Its message starts with ``"Unknown province"``. Also a :class:`LookupError`.
    """


# --------------------------------------------------------------------------------------------
# Upstream description (geodata/sources.yaml)
# --------------------------------------------------------------------------------------------

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


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
    """Read the description of the upstream files, :data:`SOURCES_FILE`.

    Returns
    -------
    dict
        The parsed YAML: ``dataset_page``, ``download_pattern``, ... and ``files``, which maps
        ``"adm0"``, ``"adm1"``, ``"adm2"`` to dicts with ``file``, ``level``, ``sha256``,
        ``resource_id`` and ``url``. Treat it as read-only (it is cached).

    Raises
    ------
    BoundaryError
        If the file is missing or lacks the adm2 entry.
    """
    path = Path(SOURCES_FILE)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise BoundaryError(
            f"Cannot read the boundary source list {path}: {exc.strerror}."
        ) from None
    return _read_sources(str(path.resolve()), mtime)


def _entry(key: str) -> dict:
    files = sources()["files"]
    if key not in files:
        raise BoundaryError(
            f"Unknown boundary file '{key}'; {SOURCES_FILE} describes: {', '.join(files)}."
        )
    return files[key]


def _adm2_name() -> str:
    return _entry("adm2")["file"]


def _upstream_url(key: str, base_url: str | None) -> str | None:
    entry = _entry(key)
    if base_url:
        return base_url.rstrip("/") + "/" + urllib.parse.quote(entry["file"])
    if entry.get("url"):
        return entry["url"]
    src = sources()
    pattern = src.get("download_pattern")
    if entry.get("resource_id") and pattern:
        return pattern.format(
            dataset=src.get("dataset", "afg-admin-boundaries"),
            resource_id=entry["resource_id"],
            file=entry["file"],
        )
    return None


# --------------------------------------------------------------------------------------------
# Finding and downloading the files
# --------------------------------------------------------------------------------------------

def cache_dir() -> Path:
    """The download cache in use: ``$DASHBOARD_CACHE`` if set, else :data:`CACHE_DIR`.

    Returns
    -------
    pathlib.Path
        Absolute path; the folder may not exist yet.
    """
    env = os.environ.get(CACHE_ENV_VAR, "").strip()
    return Path(env).expanduser().resolve() if env else Path(CACHE_DIR).resolve()


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


def _fix_hint(adm2: str, download_failed: bool) -> str:
    if download_failed:
        last = (f"  - or download {adm2} by hand from {HDX_DATASET_URL}\n"
                f"    into {cache_dir()} (or the folder named by {CACHE_ENV_VAR}).")
    else:
        last = (f"  - allow the download (download=True), which stores the files in\n"
                f"    {cache_dir()} (or the folder named by {CACHE_ENV_VAR}); the data come\n"
                f"    from {HDX_DATASET_URL}")
    return (
        "To fix this, do one of:\n"
        f"  - set {ENV_VAR} to a folder holding {adm2} (or to that zip itself);\n"
        "  - pass --geodata PATH (path=... in Python) with such a folder or zip;\n" + last
    )


def locate(path=None, *, download=True, base_url=None, progress=True) -> Path:
    """Find the folder holding the district (adm2) boundary zip, downloading it if allowed.

    Places are tried in this order: ``path``, ``$DASHBOARD_GEODATA``, :data:`DEFAULT_DIR`
    (``../shared/geodata``), the cache (:func:`cache_dir`). The first that has the adm2 zip
    wins; the adm1 zip, if wanted, is looked for beside it.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A folder containing the zips, or the adm2 zip itself.
    download : bool, default True
        If no place has the file, download it into the cache (see :func:`download`).
    base_url : str, optional
        Download from ``base_url + "/" + file name`` instead of the upstream URL.
    progress : bool, default True
        Show a progress bar on stderr while downloading.

    Returns
    -------
    pathlib.Path
        Absolute path of the folder holding the adm2 zip.

    Raises
    ------
    BoundaryError
        If no place has the file and it could not (or may not) be downloaded. The message
        lists every place looked in and how to fix it; ``error.places`` has them too.
    """
    adm2 = _adm2_name()
    places: list[tuple[str, str]] = []

    def candidates():
        yield "path argument", path
        yield f"${ENV_VAR}", os.environ.get(ENV_VAR, "").strip() or None
        yield "shared data folder", DEFAULT_DIR
        yield "download cache", cache_dir()

    for label, where in candidates():
        if where is None:
            places.append((label, "not set"))
            continue
        where = Path(where).expanduser().resolve()
        found, outcome = _check_place(where, adm2)
        if found is not None:
            return found
        places.append((f"{label}: {where}", outcome))

    looked = "\n".join(f"  - {label}: {outcome}" for label, outcome in places)
    head = f"The district boundaries ({adm2}) were not found.\nLooked in:\n{looked}\n"
    if not download:
        raise BoundaryError(
            head + "Download: not allowed (download=False).\n" + _fix_hint(adm2, False), places
        )
    target = cache_dir()
    try:
        # The module-level function of that name, shadowed here by the parameter.
        _download(target, base_url=base_url, files=("adm2",), progress=progress)
    except BoundaryError as exc:
        places.append((f"download into {target}", "failed"))
        raise BoundaryError(head + f"Download failed: {exc}\n" + _fix_hint(adm2, True),
                             places) from None
    return target


def download(dest_dir, *, base_url=None, files=("adm2",), progress=True, timeout=60) -> Path:
    """Download boundary zips from their publisher into ``dest_dir``, checking each sha256.

    Each file is written to a temporary file in ``dest_dir``, hashed while it arrives, and
    renamed to its final name only if its sha256 is the one in :data:`SOURCES_FILE`, so a
    half-finished or altered download never takes the place of a good file. A file already
    present with the right checksum is not downloaded again.

    Parameters
    ----------
    dest_dir : str or os.PathLike
        Folder to put the files in; created if missing.
    base_url : str, optional
        Fetch ``base_url + "/" + file name`` instead of the upstream URL (a mirror, or a
        local test server).
    files : sequence of str, default ("adm2",)
        Keys of :data:`SOURCES_FILE` ``files`` to fetch: ``"adm0"``, ``"adm1"``, ``"adm2"``.
    progress : bool, default True
        Show a tqdm progress bar on stderr.
    timeout : float, default 60
        Seconds to wait for the server (connection and each read).

    Returns
    -------
    pathlib.Path
        ``dest_dir``, absolute.

    Raises
    ------
    BoundaryError
        If there is no URL for a file, the server cannot be reached or answers with an
        error, or the checksum differs (the message names the expected and actual sha256;
        the partial file is deleted).
    """
    dest = Path(dest_dir).expanduser().resolve()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BoundaryError(f"Cannot create the folder {dest}: {exc.strerror}.") from None
    for key in files:
        entry = _entry(key)
        final = dest / entry["file"]
        if final.is_file() and _sha256_file(final) == entry["sha256"].lower():
            continue
        url = _upstream_url(key, base_url)
        if url is None:
            raise BoundaryError(
                f"No confirmed download URL for {entry['file']} in {SOURCES_FILE}. Download it "
                f"by hand from {sources().get('dataset_page', HDX_DATASET_URL)} (HDX may ask you "
                f"to log in) into {dest}, or fill in its 'url' in {SOURCES_FILE.name}."
            )
        _fetch(url, final, entry["sha256"].lower(), progress=progress, timeout=timeout)
    return dest


_download = download  # for locate(), whose ``download`` parameter hides the function


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fetch(url: str, final: Path, expected: str, *, progress: bool, timeout: float) -> None:
    """Stream ``url`` into a temporary file beside ``final``; verify; rename atomically."""
    # tqdm: the adm2 zip is several MB and links can be slow, so the user sees that the
    # download advances instead of a silent pause; it writes to stderr so stdout stays clean
    # for the command line's own output. Imported here: only downloads need it.
    from tqdm import tqdm

    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https", "file"):
        raise BoundaryError(f"Refusing to download from {url!r}: only http(s) and file URLs.")
    request = urllib.request.Request(url, headers={"User-Agent": "dashboard-boundaries/1 (urllib)"})
    # The temporary file lives in the destination folder so that os.replace is an atomic
    # rename on one file system; its dot-name keeps it from being taken for a finished zip.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
    tmp = Path(tmp_name)
    try:
        h = hashlib.sha256()
        try:
            with (os.fdopen(fd, "wb") as out,
                  urllib.request.urlopen(request, timeout=timeout) as resp):
                ctype = (resp.headers.get("Content-Type") or "").lower()
                if ctype.startswith("text/html"):
                    # HDX answers a restricted resource with its login page, not an error code.
                    raise BoundaryError(
                        f"{url} answered with a web page instead of a zip file (HDX may require "
                        f"you to log in); download {final.name} by hand into {final.parent}."
                    )
                length = resp.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                          desc=final.name, file=sys.stderr, disable=not progress,
                          leave=False) as bar:
                    for block in iter(lambda: resp.read(1 << 16), b""):
                        out.write(block)
                        h.update(block)
                        bar.update(len(block))
        except urllib.error.HTTPError as exc:
            raise BoundaryError(
                f"Downloading {url} failed: HTTP {exc.code} {exc.reason}."
            ) from None
        except urllib.error.URLError as exc:
            raise BoundaryError(f"Cannot reach {url}: {exc.reason}.") from None
        except (TimeoutError, OSError) as exc:
            raise BoundaryError(f"Downloading {url} failed: {exc}.") from None
        actual = h.hexdigest()
        if actual != expected:
            raise BoundaryError(
                f"Checksum mismatch for {final.name} from {url}: expected sha256 {expected}, "
                f"got {actual}. The file was discarded (a different release, or a damaged "
                f"download)."
            )
        os.replace(tmp, final)
    finally:
        # On any failure (mismatch, network error, Ctrl-C) no partial file is left behind.
        if tmp.exists():
            tmp.unlink()


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

class _National(NamedTuple):
    districts: gpd.GeoDataFrame   # all districts, COLUMNS, alt_names as tuples
    provinces: pd.DataFrame       # pcode, name, name_da


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


@functools.lru_cache(maxsize=4)
def _read_national(zip_path: str, mtime_ns: int) -> _National:
    # Keyed by (absolute path, mtime): reading takes ~0.1-0.2 s and the app asks often,
    # while a replaced file is still picked up. Callers get copies (see _copy_frame).
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
    alts = []
    for row in raw[_ALT_FIELDS].itertuples(index=False):
        names = [_text(v) for v in row]
        alts.append(tuple(dict.fromkeys(n for n in names if n)))  # non-empty, deduplicated
    frame["alt_names"] = pd.Series(_object_array(alts), index=raw.index)
    districts = gpd.GeoDataFrame(frame, geometry=raw.geometry.values, crs=raw.crs)
    districts = districts[COLUMNS]
    districts = districts.sort_values("pcode", kind="stable").reset_index(drop=True)

    provinces = (
        pd.DataFrame({"pcode": frame["province"], "name": frame["province_name"],
                      "name_da": raw["ADM1_DA"].map(_text)})
        .drop_duplicates("pcode").sort_values("pcode").reset_index(drop=True)
    )
    return _National(districts, provinces)


def _object_array(items) -> np.ndarray:
    # Built element by element: numpy would turn equal-length sequences into a 2-D array.
    arr = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        arr[i] = item
    return arr


def _national(path, download: bool) -> _National:
    zip_path = (locate(path, download=download) / _adm2_name()).resolve()
    return _read_national(str(zip_path), zip_path.stat().st_mtime_ns)


def _copy_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    if "alt_names" in out.columns:
        # A deep copy does not copy the Python objects in a column: give each row a new list
        # so that callers cannot change the cached data through it.
        out["alt_names"] = pd.Series(_object_array([list(v) for v in out["alt_names"]]),
                                     index=out.index)
    return out


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(name).casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    kept = re.sub(r"[\W_]+", "", kept)
    return re.sub(r"(province|wilayat)$", "", kept) or kept


def _resolve_province(province, provinces: pd.DataFrame) -> str:
    text = str(province).strip()
    pcodes = list(provinces["pcode"])
    code = re.sub(r"^AF(\d)$", r"AF0\1", text.upper())  # "AF8" is AF08
    if code in pcodes:
        return code
    keys: dict[str, str] = {}
    for row in provinces.itertuples():
        keys.setdefault(_fold(row.name), row.pcode)
        if row.name_da:
            keys.setdefault(_fold(row.name_da), row.pcode)
    for pcode, names in _PROVINCE_ALIASES.items():
        if pcode in pcodes:
            for alias in names:
                keys.setdefault(_fold(alias), pcode)
    folded = _fold(text)
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
    raise UnknownProvinceError(f"Unknown province {text!r}. {hint} "
                        "Give an admin-1 P-code such as AF08, or the province's name.")


def load_districts(province, *, path=None, download=True) -> gpd.GeoDataFrame:
    """The districts (admin-2) of one province, at full resolution.

    Parameters
    ----------
    province : str
        Admin-1 P-code (``"AF08"``) or the province's name: the COD-AB spelling in English
        (``"Panjsher"``) or Dari, or a common other spelling (``"Panjshir"``); case, spaces
        and hyphens are ignored.
    path : str or os.PathLike, optional
        Folder with the zips, or the adm2 zip itself; see :func:`locate`.
    download : bool, default True
        Download the file into the cache if it is nowhere on this machine.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``pcode`` (ADM2_PCODE), ``name`` (ADM2_EN), ``name_da`` (ADM2_DA),
        ``alt_names`` (list of the non-empty ADM2ALT1EN, ADM2ALT2EN, ADM2ALT1DA, ADM2ALT2DA),
        ``province`` (ADM1_PCODE), ``province_name`` (ADM1_EN) and ``geometry``; sorted by
        ``pcode``, index 0..n-1, CRS EPSG:4326. A fresh copy: changing it changes nothing else.

    Raises
    ------
    BoundaryError
        If the data cannot be found or read, or the province is unknown
        (:class:`UnknownProvinceError`, whose message suggests close P-codes and names).
    """
    national = _national(path, download)
    pcode = _resolve_province(province, national.provinces)
    districts = national.districts
    return _copy_frame(districts[districts["province"] == pcode].reset_index(drop=True))


def load_all_districts(*, path=None, download=True) -> gpd.GeoDataFrame:
    """All 399 districts of Afghanistan, with the columns of :func:`load_districts`.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Folder with the zips, or the adm2 zip itself; see :func:`locate`.
    download : bool, default True
        Download the file into the cache if it is nowhere on this machine.

    Returns
    -------
    geopandas.GeoDataFrame
        Sorted by ``pcode``, index 0..n-1, CRS EPSG:4326; a fresh copy.
    """
    return _copy_frame(_national(path, download).districts)


def load_region(region: str, *, path=None, download=True) -> gpd.GeoDataFrame:
    """The districts of a province (admin-1 P-code or name), or of the whole country ("AF")."""
    if str(region).strip().upper() == "AF":
        return load_all_districts(path=path, download=download)
    return load_districts(region, path=path, download=download)


def list_provinces(*, path=None, download=True) -> pd.DataFrame:
    """The 34 provinces (admin-1), as found in the district file.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Folder with the zips, or the adm2 zip itself; see :func:`locate`.
    download : bool, default True
        Download the file into the cache if it is nowhere on this machine.

    Returns
    -------
    pandas.DataFrame
        Columns ``pcode`` (ADM1_PCODE) and ``name`` (ADM1_EN), sorted by ``pcode``.
    """
    return _national(path, download).provinces[["pcode", "name"]].copy()


# --------------------------------------------------------------------------------------------
# Simplification for the web map
# --------------------------------------------------------------------------------------------

def _polygonal(geom):
    """Keep only the polygonal parts of a geometry (make_valid may add lines or points)."""
    if geom is None or isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)):
        return geom
    parts = []
    for part in shapely.get_parts(geom):
        if isinstance(part, shapely.Polygon):
            parts.append(part)
        elif isinstance(part, (shapely.MultiPolygon, shapely.GeometryCollection)):
            sub = _polygonal(part)
            if sub is not None and not sub.is_empty:
                parts.extend(shapely.get_parts(sub))
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def simplify(districts: gpd.GeoDataFrame, tolerance: float = 0.002, *,
             grid: float | None = None) -> gpd.GeoDataFrame:
    """A lighter copy of the districts for the web map, neighbours still sharing borders.

    The polygons are simplified together as one coverage (``shapely.coverage_simplify``,
    GEOS >= 3.12): each border shared by two districts is simplified once, the same way for
    both, so no gaps or overlaps appear between neighbours, unlike simplifying each polygon
    on its own. Any geometry that comes out invalid is repaired with ``shapely.make_valid``,
    keeping its polygonal parts.

    Simplify together the districts that will be drawn together: the outer edge of the frame
    passed in is simplified too, so it would not match a neighbouring province simplified
    separately.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        Non-overlapping polygons (as from :func:`load_districts`); left unchanged.
    tolerance : float, default 0.002
        Largest distance a border may move, in the units of the CRS (degrees for EPSG:4326:
        0.002 deg is about 200 m, below what a province-scale web map shows).
    grid : float, optional
        Also snap every vertex to a grid of this size (``shapely.set_precision``), so the
        coordinates print short. Shared vertices snap alike, so shared borders stay shared.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame, same rows, columns and CRS, with simplified valid geometries. The full
        resolution frame passed in stays available to the caller.

    Raises
    ------
    BoundaryError
        If this shapely / GEOS cannot simplify coverages.
    """
    if not hasattr(shapely, "coverage_simplify") or shapely.geos_version < (3, 12, 0):
        raise BoundaryError(
            "Simplifying the district map needs shapely >= 2.1 built with GEOS >= 3.12 "
            f"(found shapely {shapely.__version__}, GEOS "
            f"{'.'.join(map(str, shapely.geos_version))}); "
            "install the versions in requirements.txt."
        )
    out = _copy_frame(districts)
    if len(out) == 0:
        return out
    geoms = np.asarray(out.geometry.values, dtype=object)
    simplified = shapely.coverage_simplify(geoms, tolerance)
    invalid = ~shapely.is_valid(simplified) & ~shapely.is_missing(simplified)
    if invalid.any():
        repaired = shapely.make_valid(simplified[invalid], method="structure", keep_collapsed=False)
        simplified[invalid] = [_polygonal(g) for g in repaired]
    if grid:
        simplified = shapely.set_precision(simplified, grid)
    out[out.geometry.name] = gpd.GeoSeries(simplified, index=out.index, crs=out.crs)
    return out


def for_web(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplified for a web map at the scale the districts fill: a province keeps ~100 m
    detail, the whole country ~700 m, and coordinates are snapped to ~10 m.

    Examples
    --------
    >>> web = for_web(load_districts("AF08"))
    >>> len(web), bool(web.geometry.is_valid.all())
    (7, True)
    """
    minx, miny, maxx, maxy = districts.total_bounds if len(districts) else (0, 0, 0, 0)
    diagonal = float(np.hypot(maxx - minx, maxy - miny))
    return simplify(districts, tolerance=min(max(diagonal / 1500, 0.0005), 0.01), grid=1e-4)
