"""District names within one province: P-codes, official names, press spellings, places.

The claims file names districts the way the press does ("Rokha", "Hissa-i-Awal").
A :class:`Gazetteer` turns such a name into a P-code, only within the configured
province, and suggests the nearest name when there is none.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

GEODATA_DIR = Path(__file__).resolve().parent.parent / "geodata"
ALIASES_PATH = GEODATA_DIR / "aliases.yaml"
PLACES_PATH = GEODATA_DIR / "places.yaml"
COUNTRIES = {"AF"}  # admin-0 P-codes whose boundary data the project reads


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Fold a name for matching: case, diacritics, hyphens, spaces and punctuation ignored.

    Examples
    --------
    >>> name_key("Hissa-i-Awal") == name_key("hissa i awal")
    True
    >>> name_key("Rūkha")
    'rukha'
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Word characters of any script survive; separators and punctuation do not.
    return re.sub(r"[\W_]+", "", kept)


@dataclass(frozen=True)
class District:
    """One admin-2 unit: P-code, English and Dari names."""

    pcode: str
    name: str
    name_da: str = ""


@dataclass(frozen=True)
class Place:
    """A named place inside a district (a pass, a village, a compound).

    ``lat``/``lon`` (WGS 84 degrees) are set only where a gazetteer or a report gives the
    place's coordinates, and ``point_source`` then says which (e.g. a GeoNames id); a place
    without a sourced point has all three None and is not drawn as a point.

    Examples
    --------
    >>> Place("Khawak Pass", "AF0807", lat=35.66324, lon=69.78714,
    ...       point_source="GeoNames 1136827").point
    (35.66324, 69.78714)
    >>> Place("Dashte Rewak", "AF0807").point is None
    True
    """

    name: str
    district: str
    confidence: str | None = None
    note: str | None = None
    lat: float | None = None
    lon: float | None = None
    point_source: str | None = None

    @property
    def point(self) -> tuple[float, float] | None:
        """``(lat, lon)``, or None for a place without a sourced point."""
        return None if self.lat is None or self.lon is None else (self.lat, self.lon)


@dataclass
class Gazetteer:
    """Names of one province's districts and places, for lookup and suggestions.

    Examples
    --------
    >>> g = Gazetteer("AF08", [District("AF0802", "Rukha", "رُخه")],
    ...               aliases={"AF0802": ["Rokha"]})
    >>> g.find("ROKHA"), g.find("AF0802"), g.find("رخه")
    ('AF0802', 'AF0802', 'AF0802')
    >>> g.suggest("Rokhaa")
    'Rukha'
    """

    province: str
    districts: list[District]
    aliases: dict[str, list[str]] = field(default_factory=dict)
    alt_names: dict[str, list[str]] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)

    def __post_init__(self):
        self.by_pcode = {d.pcode: d for d in self.districts}
        self._keys: dict[str, set[str]] = {}
        for d in self.districts:
            names = [
                d.pcode,
                d.name,
                d.name_da,
                *self.alt_names.get(d.pcode, []),
                *self.aliases.get(d.pcode, []),
            ]
            # "خنج (حصه اول)": both the whole Dari name and its parts are used.
            names += [part for n in names for part in re.split(r"[()]", n)]
            for n in names:
                if n and name_key(n):
                    self._keys.setdefault(name_key(n), set()).add(d.pcode)
        self._places = {name_key(p.name): p for p in self.places}

    def find(self, name: str) -> str | None:
        """The P-code a district name means in this province, or None (unknown or ambiguous)."""
        pcodes = self._keys.get(name_key(str(name)), set())
        return next(iter(pcodes)) if len(pcodes) == 1 else None

    def matches(self, name: str) -> list[str]:
        """Every P-code the name could mean (more than one: ambiguous)."""
        return sorted(self._keys.get(name_key(str(name)), set()))

    def suggest(self, name: str) -> str | None:
        """The official name of the district whose spelling is nearest to ``name``."""
        close = difflib.get_close_matches(name_key(str(name)), self._keys, n=1, cutoff=0.6)
        if not close:
            return None
        pcodes = self._keys[close[0]]
        return self.by_pcode[sorted(pcodes)[0]].name

    def place(self, name: str) -> Place | None:
        """The place of that name in this province, or None."""
        return self._places.get(name_key(str(name)))

    def suggest_place(self, name: str) -> str | None:
        close = difflib.get_close_matches(name_key(str(name)), self._places, n=1, cutoff=0.6)
        return self._places[close[0]].name if close else None

    def label(self, pcode: str) -> str:
        """The district's official English name."""
        return self.by_pcode[pcode].name


def read_gazetteer(
    districts, province: str, *, aliases_path=ALIASES_PATH, places_path=PLACES_PATH
) -> Gazetteer:
    """Build the gazetteer of ``province`` from a districts frame and the name files.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        As returned by :func:`dashboard.boundaries.load_region`.
    province : str
        The admin-1 P-code, or a country's admin-0 code for all its districts.
    """
    aliases, places = _read_yaml(aliases_path), _read_yaml(places_path)
    if province in COUNTRIES:  # every province's names at once
        aliases = {k: v for entries in aliases.values() for k, v in (entries or {}).items()}
        places = {k: v for entries in places.values() for k, v in (entries or {}).items()}
    else:
        aliases, places = aliases.get(province) or {}, places.get(province) or {}
    return Gazetteer(
        province=province,
        districts=[District(r.pcode, r.name, r.name_da or "") for r in districts.itertuples()],
        aliases={k: [str(a) for a in v] for k, v in aliases.items()},
        alt_names={r.pcode: [str(a) for a in r.alt_names] for r in districts.itertuples()},
        places=[Place(name, **_place_fields(v)) for name, v in places.items()],
    )


def region_places(districts, province: str) -> list[Place]:
    """The named places of the claims' region (those with a sourced point become map markers).

    Examples
    --------
    >>> from dashboard.boundaries import load_region
    >>> sorted(p.name for p in region_places(load_region("AF08"), "AF08") if p.point_source)
    ['Khawak Pass', 'Provincial centre']
    """
    whole_country = not len(districts) or province.upper() in COUNTRIES
    return read_gazetteer(
        districts, province.upper() if whole_country else str(districts["province"].iloc[0])
    ).places


def _place_fields(value) -> dict:
    if isinstance(value, str):
        return {"district": value}
    fields = {k: value.get(k) for k in ("district", "confidence", "note")}
    return {**fields, **_point(value)}


def _point(value: dict) -> dict:
    """``lat``, ``lon`` and ``point_source`` of a place entry, only if all three are sound.

    A point without its source, half a point or one off the globe is left out: a place is
    drawn only where a cited gazetteer or report puts it (tests hold the file to that).
    """
    lat, lon, source = value.get("lat"), value.get("lon"), value.get("point_source")
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon))
    if not numbers or not isinstance(source, str) or not source.strip():
        return {}
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return {}
    return {"lat": float(lat), "lon": float(lon), "point_source": source.strip()}


def _read_yaml(path) -> dict:
    path = Path(path)
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def boundary_gazetteer():
    """``province -> Gazetteer`` with the districts of the committed boundary data.

    The names come from ``geodata/districts.topojson`` (see :mod:`dashboard.boundaries`), so
    no other file is needed. A province the data does not have raises
    :class:`dashboard.boundaries.UnknownProvinceError`, a ``LookupError``.

    Examples
    --------
    >>> boundary_gazetteer()("Panjshir").find("Rokha")
    'AF0802'
    """
    from . import boundaries

    def gazetteer_for(province: str) -> Gazetteer:
        districts = boundaries.load_region(province)
        if province.strip().upper() in COUNTRIES:
            # A whole country: names must be unambiguous across it, or P-codes.
            return read_gazetteer(districts, province.strip().upper())
        return read_gazetteer(districts, str(districts["province"].iloc[0]))

    return gazetteer_for
