"""Reading and checking ``claims.yaml`` (format version 1).

:func:`check_claims` returns every problem in a file at once, each with the line the
YAML parser saw it on; :func:`read_claims` raises one :class:`ClaimsError` carrying
them all. Nothing here prints or exits.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import fastjsonschema
import jsonschema

from .gazetteer import Gazetteer
from .problems import ClaimsError, Problem
from .problems import shorten as _short
from .yamlnodes import NONE, read_located

FORMAT_VERSION = 1
MAX_BYTES = 5_000_000  # a hand-kept file of ~10,000 claims is ~3 MB
MAX_DEPTH = 20
MAX_CLAIMS = 200_000
# Each claim counts once per district it covers ('all' counts every district of the region):
# what resolution and the map cost grows with. 1,000,000 resolves in a few seconds and a few
# hundred MB (2,500 country-wide 'all' claims, or 10,000 claims of 100 districts).
MAX_CLAIM_DISTRICTS = 1_000_000
MAX_SUGGESTIONS = 100  # "did you mean" searches per file; past that, problems come without one
EARLIEST = dt.datetime(1900, 1, 1)
INDEPENDENT = "independent"
CONTESTED = "contested"  # claimed: fighting for the district, or neither side holds it
DISPUTED = "disputed"  # combined view only: the voices' latest claims disagree
UNKNOWN = "unknown"
RESERVED_IDS = {INDEPENDENT, CONTESTED, DISPUTED, UNKNOWN, "combined", "all"}
CONFIDENCE = ("high", "medium", "low")
# What kind of voice a source is (docs/methodology.md, "Kinds of source"): a party's office or
# spokesman, a relay of a party's material, a news outlet, a witness, an analyst, an advocate.
SOURCE_KINDS = (
    "official",
    "spokesman",
    "relay",
    "wire",
    "media",
    "local-media",
    "eyewitness",
    "analyst",
    "ngo",
    "advocacy",
)
# How precisely a claim's date is known, after ACLED's time precision codes 1-3.
DATE_PRECISION = ("day", "approximate", "week", "month")

_ID = r"^[a-z0-9][a-z0-9._-]*\Z"  # \Z, not $: "k1\n" is no id
_TEXT = {"type": "string", "minLength": 1, "maxLength": 2000}
_URL = {"type": "string", "maxLength": 2000}
_NAMES = {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 1000}


def _by_id(required: list[str], **properties) -> dict:
    """The schema of a mapping from ids to records (``sides:``, ``sources:``)."""
    record = {"type": "object", "required": required, "additionalProperties": False, "properties": properties}
    return {
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": _ID, "maxLength": 100},
        "additionalProperties": record,
    }


SCHEMA = {
    "type": "object",
    "required": ["version", "region", "sides", "sources", "claims"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer"},
        "region": {
            "type": "object",
            "anyOf": [{"required": ["province"]}, {"required": ["country"]}],
            "additionalProperties": False,
            "properties": {
                "province": {"type": "string", "maxLength": 100},
                "country": {"type": "string", "maxLength": 100},
                "name": _TEXT,
            },
        },
        "sides": _by_id(
            ["label", "color"],
            label={**_TEXT, "maxLength": 200},
            color={"type": "string", "pattern": "^#[0-9a-fA-F]{6}\\Z"},
        ),
        "sources": _by_id(
            ["name", "side"],
            name={**_TEXT, "maxLength": 300},
            side={"type": "string"},
            url=_URL,
            note=_TEXT,
            kind={"enum": list(SOURCE_KINDS)},
            leaning=_TEXT,
        ),
        "claims": {
            "type": "array",
            "maxItems": MAX_CLAIMS,
            "items": {
                "type": "object",
                "required": ["id", "date", "source", "holder"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": _ID, "maxLength": 200},
                    "date": {"type": "string"},
                    "source": {"type": "string"},
                    "via": {"type": "string"},
                    "url": _URL,
                    "archived_url": _URL,
                    "quote": {**_TEXT, "maxLength": 1000},
                    "holder": {"type": "string"},
                    "districts": {"anyOf": [{"const": "all"}, _NAMES]},
                    "except": _NAMES,
                    "places": _NAMES,
                    "note": _TEXT,
                    "date_note": _TEXT,
                    "confidence": {"enum": list(CONFIDENCE)},
                    "date_precision": {"enum": list(DATE_PRECISION)},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Side:
    """Who can hold a district."""

    id: str
    label: str
    color: str


@dataclass(frozen=True)
class Source:
    """Whose word a claim is; ``side`` is a side id or ``independent``.

    ``kind`` is one of :data:`SOURCE_KINDS` (what kind of voice), ``leaning`` a short note on
    an outlet's or person's known leaning.
    """

    id: str
    name: str
    side: str
    url: str | None = None
    kind: str | None = None
    leaning: str | None = None


@dataclass(frozen=True)
class Claim:
    """One source-attributed claim about who holds which districts, as of when.

    ``districts`` holds P-codes, already resolved from names, ``all``/``except`` and places.
    ``order`` is the claim's position in the file (ties on the same time go to the later).
    """

    id: str
    when: dt.datetime
    source: str
    holder: str
    districts: tuple[str, ...]
    order: int = 0
    line: int = 0
    via: str | None = None
    url: str | None = None
    archived_url: str | None = None
    quote: str | None = None
    note: str | None = None
    date_note: str | None = None
    confidence: str | None = None
    date_precision: str | None = None  # one of DATE_PRECISION; None: not stated (a day)
    places: tuple[str, ...] = ()
    named: str = ""  # the districts as the file names them, for display

    @property
    def date(self) -> dt.date:
        return self.when.date()


@dataclass(frozen=True)
class ClaimSet:
    """A checked claims file: sides, sources, claims in file order, and the province's districts."""

    province: str
    sides: dict[str, Side]
    sources: dict[str, Source]
    claims: tuple[Claim, ...]
    districts: tuple  # tuple[gazetteer.District, ...] in P-code order
    path: str = "claims.yaml"
    digest: str = field(default="", compare=False)
    region_name: str | None = None  # ``region.name`` of the file, if it gives one

    def view_of(self, claim: Claim) -> str:
        """A claim's view is its source's side (``taliban``, ``nrf``, ... or ``independent``)."""
        return self.sources[claim.source].side

    @property
    def views(self) -> list[str]:
        """Views a user can pick: each side, ``independent``, then ``combined``."""
        return [*self.sides, INDEPENDENT, "combined"]

    @property
    def holders(self) -> list[str]:
        """Every value a district's holder can take: each side, ``contested`` (claimed
        fighting), ``disputed`` (the combined view's voices disagree), ``unknown``."""
        return [*self.sides, CONTESTED, DISPUTED, UNKNOWN]

    def claim(self, claim_id: str) -> Claim:
        return self._by_id[claim_id]

    @functools.cached_property
    def compiled(self):
        """The claims compiled into sorted arrays for resolution (:class:`dashboard.control.Ledger`),
        built on first use and kept with this claim set."""
        from .control import Ledger  # control builds on this module: imported when first needed

        return Ledger(self)

    @functools.cached_property
    def _by_id(self) -> dict[str, Claim]:
        # cached_property stores into the instance's __dict__ itself: no __setattr__, so a
        # frozen dataclass can have it.
        return {c.id: c for c in self.claims}

    def summary(self) -> str:
        """One line: claims, sources, districts, date range."""
        dates = [c.date for c in self.claims]
        span = f"{min(dates)} to {max(dates)}" if dates else "no dates"
        return (
            f"{self.path}: {len(self.claims)} claims from {len(self.sources)} sources "
            f"on {len(self.districts)} districts of {self.province}, {span}"
        )


GazetteerFor = Callable[[str], Gazetteer]


def read_claims(path, *, gazetteer_for: GazetteerFor | None = None) -> ClaimSet:
    """Read and check a claims file.

    Parameters
    ----------
    path : str or Path
        The ``claims.yaml`` to read.
    gazetteer_for : callable, optional
        ``province -> Gazetteer``; raises ``LookupError`` for an unknown province.
        By default the districts come from the boundary data (:mod:`dashboard.boundaries`).

    Returns
    -------
    ClaimSet

    Raises
    ------
    ClaimsError
        With every problem found, as ``path:line: message``.
    dashboard.boundaries.BoundaryError
        If the boundary data cannot be found.
    """
    shown = str(path)
    claims, problems = check_claims(read_limited(path), path=shown, gazetteer_for=gazetteer_for)
    if problems:
        raise ClaimsError(problems)
    return claims


def claim_count_drop(
    before: ClaimSet | None, after: ClaimSet, *, ratio: float = 0.5, at_least: int = 10
) -> str | None:
    """A warning when a claims file, still valid, has lost most of its claims since ``before``.

    A save caught half-way can be a valid file holding only the first claims; the page can
    show this beside the data so that nobody takes the prefix for the whole.

    Parameters
    ----------
    before : ClaimSet or None
        The last good claims shown from the same file (None: nothing to compare).
    after : ClaimSet
        The claims just read.
    ratio : float
        Warn when fewer than ``ratio`` times as many claims remain.
    at_least : int
        Files of fewer claims than this are never warned about.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> many = tiny_claims([("2021-09-03", "red", "red", ["North"])] * 86)
    >>> few = tiny_claims([("2021-09-03", "red", "red", ["North"])] * 23)
    >>> print(claim_count_drop(many, few))
    claims.yaml now has 23 claims, down from 86: if it is being saved, this may be part of it (save atomically: see the README)
    >>> claim_count_drop(few, many) is None
    True
    """
    if before is None or len(before.claims) < at_least or len(after.claims) >= ratio * len(before.claims):
        return None
    return (
        f"{after.path} now has {len(after.claims)} claims, down from {len(before.claims)}: if it "
        "is being saved, this may be part of it (save atomically: see the README)"
    )


def read_limited(path, *, limit: int | None = None) -> bytes:
    """The bytes of a claims file, reading at most ``limit`` + 1 of them, never blocking.

    Only a regular file or a device such as ``/dev/null`` is read; a FIFO, a socket or a
    folder is refused without waiting for a writer. A file over the limit is refused without
    reading it all (``/dev/zero`` included).

    Parameters
    ----------
    path : str or Path
    limit : int, optional
        Bytes allowed; :data:`MAX_BYTES` by default.

    Raises
    ------
    ClaimsError
        ``unreadable`` or ``too-large``, at line 1.

    Examples
    --------
    >>> read_limited("/dev/zero")
    Traceback (most recent call last):
    ...
    dashboard.problems.ClaimsError: /dev/zero:1: the file is over 5 MB; the limit is 5 MB
    """
    limit = MAX_BYTES if limit is None else limit
    shown = str(path)

    def refuse(code: str, message: str) -> ClaimsError:
        return ClaimsError([Problem(shown, 1, code, message)])

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise refuse("unreadable", f"cannot read file: {exc.strerror}") from None
    try:
        status = os.fstat(fd)
        mode = status.st_mode
        kind = (
            "a folder"
            if stat.S_ISDIR(mode)
            else "a pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else None
        )
        if kind:
            raise refuse("unreadable", f"cannot read file: it is {kind}, not a regular file")
        if stat.S_ISREG(mode) and status.st_size > limit:
            raise refuse("too-large", _too_large(status.st_size, limit))
        chunks, got = [], 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except BlockingIOError:  # a terminal or device with nothing to give now: never wait
        raise refuse("unreadable", "cannot read file: nothing to read without waiting") from None
    except OSError as exc:
        raise refuse("unreadable", f"cannot read file: {exc.strerror}") from None
    finally:
        os.close(fd)
    if got > limit:
        raise refuse("too-large", _too_large(None, limit))
    return b"".join(chunks)


def _too_large(size: int | None, limit: int) -> str:
    if size is None:
        return f"the file is over {limit / 1e6:.0f} MB; the limit is {limit / 1e6:.0f} MB"
    return f"the file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB"


def check_claims(
    data: bytes, *, path: str = "claims.yaml", gazetteer_for: GazetteerFor | None = None
) -> tuple[ClaimSet | None, list[Problem]]:
    """Check the bytes of a claims file; return the claim set (None if any problem) and every problem.

    Examples
    --------
    >>> from dashboard.gazetteer import Gazetteer, District
    >>> g = Gazetteer("XX01", [District("XX0101", "North"), District("XX0102", "South")])
    >>> text = b'''
    ... version: 1
    ... region: {province: XX01}
    ... sides: {red: {label: Red, color: "#D55E00"}}
    ... sources: {ann: {name: Ann, side: red}}
    ... claims:
    ...   - {id: a, date: 2021-09-05, source: ann, holder: red, districts: [Nort]}
    ... '''
    >>> _, problems = check_claims(text, gazetteer_for=lambda p: g)
    >>> print(problems[0])
    claims.yaml:7: unknown district 'Nort' in XX01 - did you mean 'North'?
    """
    if gazetteer_for is None:
        from .gazetteer import boundary_gazetteer

        gazetteer_for = boundary_gazetteer()
    checker = _Checker(path, gazetteer_for)
    claims = checker.run(data)
    problems = sorted(set(checker.problems), key=Problem.sort_key)  # faster than dataclass order
    return (None if problems else claims), problems


# ASCII digits only: re's \d would take Arabic-Indic or full-width digits too.
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?")

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
_CLAIM_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA["properties"]["claims"]["items"])
_claim_is_valid = fastjsonschema.compile(SCHEMA["properties"]["claims"]["items"])


class _Checker:
    """Walks one file's YAML nodes, keeping each value's line, collecting problems."""

    def __init__(self, path: str, gazetteer_for: GazetteerFor):
        self.path = path
        self.gazetteer_for = gazetteer_for
        self.problems: list[Problem] = []
        self.lines: dict[tuple, int] = {}
        self.suggestions = 0  # "did you mean" searches asked for
        self.covered = 0  # districts covered by the claims so far, each claim counted apiece

    def problem(self, line: int, code: str, message: str, hint: str | None = None):
        self.problems.append(Problem(self.path, line, code, message, hint))

    def suggest(self, find: Callable[[], str | None]) -> str | None:
        """``find()``, a "did you mean" hint, for the first :data:`MAX_SUGGESTIONS` asks only.

        A search costs up to a few milliseconds (every name of a country); a file of many
        thousand unknown names must not take minutes.
        """
        self.suggestions += 1
        return find() if self.suggestions <= MAX_SUGGESTIONS else None

    def line(self, *where) -> int:
        """The line of the nearest node on the path ``where`` (or of its parent)."""
        where = tuple(where)
        while where and where not in self.lines:
            where = where[:-1]
        return self.lines.get(where, 1)

    # -- bytes -> YAML nodes -> plain data -------------------------------------------------
    def run(self, data: bytes) -> ClaimSet | None:
        claims = self.check(data)
        if self.suggestions > MAX_SUGGESTIONS:
            self.problem(
                1,
                "too-many-problems",
                f"{self.suggestions:,} names not found; "
                f"'did you mean' suggestions are given for the first {MAX_SUGGESTIONS} only",
            )
        return claims

    def check(self, data: bytes) -> ClaimSet | None:
        digest = hashlib.sha256(data).hexdigest()
        text = self.decode(data)
        if text is None:
            return None
        located = read_located(text, max_depth=MAX_DEPTH)
        self.lines = located.lines
        for line, code, message, hint in located.problems:
            self.problem(line, code, message, hint)
        value = located.value
        if self.problems:
            return None
        if value is NONE:
            self.problem(1, "empty", "the file is empty; a claims file starts with 'version: 1'")
            return None
        if not isinstance(value, dict):
            self.problem(
                1,
                "wrong-type",
                f"the file must be a mapping with version, region, sides, sources and "
                f"claims, not {_kind(value)}",
            )
            return None
        self.check_schema(value)
        return self.check_meaning(value, digest)

    def decode(self, data: bytes) -> str | None:
        if not data.strip():
            self.problem(1, "empty", "the file is empty; a claims file starts with 'version: 1'")
            return None
        if len(data) > MAX_BYTES:
            self.problem(1, "too-large", _too_large(len(data), MAX_BYTES))
            return None
        wide = _wide_encoding(data)
        if wide:
            self.problem(1, "encoding", f"the file is {wide} text, not UTF-8", "save the file as UTF-8")
            return None
        if b"\0" in data[:8192]:
            self.problem(1, "binary", "this is a binary file, not YAML text")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problem(
                line, "encoding", f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", "save the file as UTF-8"
            )
            return None
        return text.removeprefix("\ufeff")

    # -- structure ---------------------------------------------------------------------------
    def check_schema(self, value: dict):
        claims = value.get("claims")
        if not isinstance(claims, list):
            for error in _VALIDATOR.iter_errors(value):
                self.schema_problem(error)
            return
        # The claims one by one: a compiled check passes the (many) good ones quickly, and
        # jsonschema explains the bad ones, every error of each.
        for error in _VALIDATOR.iter_errors({**value, "claims": []}):
            self.schema_problem(error)
        if not claims:
            self.problem(
                self.line("claims"),
                "empty-value",
                "claims must not be empty",
                "a claims file needs at least one claim",
            )
        if len(claims) > MAX_CLAIMS:
            self.problem(
                self.line("claims"),
                "too-long",
                f"claims is too long ({len(claims)} items; at most {MAX_CLAIMS})",
            )
        for i, claim in enumerate(claims):
            try:
                _claim_is_valid(claim)
            except fastjsonschema.JsonSchemaException:
                for error in _CLAIM_VALIDATOR.iter_errors(claim):
                    self.schema_problem(error, prefix=("claims", i))

    def schema_problem(self, error, prefix: tuple = ()):
        where = (*prefix, *error.absolute_path)
        line = self.line(*where)
        field_name = _field_name(where)
        kind = error.validator
        if kind == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            for extra in sorted(set(error.instance) - set(allowed)):
                hint = self.suggest(lambda: _did_you_mean(extra, allowed))
                self.problem(
                    self.line(*where, extra),
                    "unknown-field",
                    f"unknown field '{_short(extra)}'{_in(field_name)}",
                    hint,
                )
        elif kind == "required":
            # Named from the data, not from the error's English message: jsonschema gives one
            # error per missing field, and each reports them all (the repeats are merged).
            for name in [n for n in error.validator_value if n not in error.instance]:
                self.problem(line, "missing-field", f"missing field '{_short(name)}'{_in(field_name)}")
        elif kind == "type":
            expected = error.validator_value
            expected = " or ".join(expected) if isinstance(expected, list) else expected
            self.problem(
                line,
                "wrong-type",
                f"{field_name or 'value'} must be {_article(expected)}, not {_kind(error.instance)}",
            )
        elif kind == "anyOf" and where == ("region",):
            self.problem(line, "missing-field", "region needs a province (admin-1 P-code) or a country")
        elif kind == "anyOf" and where and where[-1] == "districts":
            self.problem(line, "wrong-type", "districts must be 'all' or a list of district names")
        elif kind == "enum":
            self.problem(
                line,
                "bad-value",
                f"{field_name} must be one of "
                f"{', '.join(map(str, error.validator_value))}, not '{_short(error.instance)}'",
                self.suggest(
                    lambda: _did_you_mean(str(error.instance), list(map(str, error.validator_value)))
                ),
            )
        elif kind == "pattern" and where and where[-1] == "color":
            self.problem(line, "bad-color", f"color must be like '#1f77b4', not '{_short(error.instance)}'")
        elif kind == "pattern":
            self.problem(
                line,
                "bad-id",
                f"id '{_short(error.instance)}' must be lower-case letters, digits, '.', '-' or '_'",
            )
        elif kind == "propertyNames":
            self.problem(
                line,
                "bad-id",
                f"id '{_short(error.instance)}'{_in(field_name)} must be "
                "lower-case letters, digits, '.', '-' or '_'",
            )
        elif kind in ("maxLength", "maxItems"):
            size = len(error.instance)
            self.problem(
                line,
                "too-long",
                f"{field_name} is too long ({size} "
                f"{'characters' if kind == 'maxLength' else 'items'}; at most "
                f"{error.validator_value})",
            )
        elif kind in ("minLength", "minProperties"):
            self.problem(line, "empty-value", f"{field_name} must not be empty")
        else:
            self.problem(line, "invalid", f"{field_name or 'value'}: {_short(error.message, 200)}")

    # -- meaning -------------------------------------------------------------------------------
    def check_meaning(self, doc: dict, digest: str) -> ClaimSet | None:
        version = doc.get("version")
        if isinstance(version, float) and version.is_integer():  # 2.0 is no format version
            self.problem(
                self.line("version"),
                "bad-version",
                f"version must be the whole number {FORMAT_VERSION}, not {_short(version)}",
            )
        elif isinstance(version, int) and version != FORMAT_VERSION:
            self.problem(
                self.line("version"),
                "bad-version",
                f"format version {version} is not supported; this program reads version {FORMAT_VERSION}",
            )
        sides = self.sides(doc.get("sides"))
        sources = self.sources(doc.get("sources"), sides)
        gazetteer = self.gazetteer(doc.get("region"))
        claims = self.claims(doc.get("claims"), sides, sources, gazetteer)
        if self.problems or gazetteer is None:
            return None
        return ClaimSet(
            province=gazetteer.province,
            sides=sides,
            sources=sources,
            claims=tuple(claims),
            districts=tuple(gazetteer.districts),
            path=self.path,
            digest=digest,
            region_name=_region_name(doc.get("region")),
        )

    def sides(self, value) -> dict[str, Side]:
        sides = {}
        for sid, side in (value or {}).items() if isinstance(value, dict) else ():
            if sid in RESERVED_IDS:
                self.problem(
                    self.line("sides", sid),
                    "reserved-id",
                    f"'{_short(sid)}' cannot be a side id: it is a reserved word",
                )
            elif isinstance(side, dict) and isinstance(side.get("label"), str):
                sides[sid] = Side(sid, side["label"], str(side.get("color", "#777777")))
        return sides

    def sources(self, value, sides) -> dict[str, Source]:
        sources = {}
        for sid, src in (value or {}).items() if isinstance(value, dict) else ():
            if not isinstance(src, dict) or not isinstance(src.get("side"), str):
                continue
            side = src["side"]
            if side not in sides and side != INDEPENDENT:
                self.problem(
                    self.line("sources", sid, "side"),
                    "unknown-side",
                    f"unknown side '{_short(side)}' for source '{_short(sid)}'",
                    self.suggest(lambda: _did_you_mean(side, [*sides, INDEPENDENT])),
                )
            url = self.url(src.get("url"), ("sources", sid, "url"))
            kind, leaning = src.get("kind"), src.get("leaning")
            sources[sid] = Source(
                sid,
                str(src.get("name", sid)),
                side,
                url,
                kind if isinstance(kind, str) else None,
                leaning if isinstance(leaning, str) else None,
            )
        return sources

    def gazetteer(self, region) -> Gazetteer | None:
        if isinstance(region, dict) and "province" in region and "country" in region:
            self.problem(
                self.line("region", "country"),
                "bad-value",
                "region has both a province and a country; give one of them",
            )
            return None
        key = "province" if isinstance(region, dict) and "province" in region else "country"
        if not isinstance(region, dict) or not isinstance(region.get(key), str):
            return None
        province = region[key].strip()
        try:
            return self.gazetteer_for(province)
        except LookupError as exc:
            message = str(exc.args[0]) if exc.args else f"unknown province '{province}'"
            self.problem(self.line("region", key), "unknown-province", _short(message, 300))
            return None

    def url(self, value, where) -> str | None:
        if not isinstance(value, str):
            return None
        parts = urlsplit(value.strip()) if value.isprintable() else None
        if (
            not parts
            or parts.scheme.lower() not in ("http", "https")
            or not parts.netloc
            or any(c.isspace() for c in value.strip())
        ):
            self.problem(
                self.line(*where),
                "bad-url",
                f"'{_short(value, 60)}' is not an http(s) link",
                "only http:// and https:// addresses are accepted",
            )
            return None
        return value.strip()

    def claims(self, value, sides, sources, gazetteer) -> list[Claim]:
        out: list[Claim] = []
        first_line: dict[str, int] = {}
        holders = [*sides, CONTESTED]
        for i, raw in enumerate(value if isinstance(value, list) else ()):
            if not isinstance(raw, dict):
                continue
            where = ("claims", i)
            line = self.line(*where)
            cid = raw.get("id")
            if isinstance(cid, str):
                if cid in first_line:
                    self.problem(
                        self.line(*where, "id"),
                        "duplicate-id",
                        f"duplicate id '{_short(cid)}' (first at line {first_line[cid]})",
                    )
                else:
                    first_line[cid] = self.line(*where, "id")
            when = self.when(raw.get("date"), (*where, "date"))
            for key, where_said in (("source", ""), ("via", " in via")):
                named_source = raw.get(key)
                if isinstance(named_source, str) and named_source not in sources:
                    self.problem(
                        self.line(*where, key),
                        "unknown-source",
                        f"unknown source '{_short(named_source)}'{where_said}",
                        self.suggest(lambda: _did_you_mean(named_source, list(sources))),
                    )
            source, via = raw.get("source"), raw.get("via")
            holder = raw.get("holder")
            if isinstance(holder, str) and holder not in holders:
                self.problem(
                    self.line(*where, "holder"),
                    "unknown-side",
                    f"unknown holder '{_short(holder)}': a side id or contested",
                    self.suggest(lambda: _did_you_mean(holder, holders)),
                )
            url = self.url(raw.get("url"), (*where, "url"))
            archived = self.url(raw.get("archived_url"), (*where, "archived_url"))
            districts = (
                self.districts(raw, where, gazetteer) if self.within_bound(raw, line, gazetteer) else None
            )
            if (
                not all(isinstance(raw.get(k), str) for k in ("id", "source", "holder"))
                or when is None
                or districts is None
            ):
                continue
            named = raw.get("districts", "")
            named = ", ".join(map(str, named)) if isinstance(named, list) else str(named or "")
            if isinstance(raw.get("except"), list) and raw["except"]:
                named += " except " + ", ".join(map(str, raw["except"]))
            places = raw.get("places")
            out.append(
                Claim(
                    id=cid,
                    when=when,
                    source=source,
                    holder=holder,
                    districts=districts,
                    order=i,
                    line=line,
                    via=via if isinstance(via, str) else None,
                    url=url,
                    archived_url=archived,
                    quote=raw.get("quote"),
                    note=raw.get("note"),
                    date_note=raw.get("date_note"),
                    confidence=raw.get("confidence"),
                    date_precision=raw.get("date_precision"),
                    places=tuple(map(str, places)) if isinstance(places, list) else (),
                    named=named.strip(),
                )
            )
        return out

    def within_bound(self, raw: dict, line: int, gazetteer: Gazetteer | None) -> bool:
        """Count the districts this claim covers; False once all claims cover more than the limit.

        Counted before any district list is built, so a file of country-wide ``all`` claims
        is refused in the time it takes to read it.
        """
        if gazetteer is None or self.covered > MAX_CLAIM_DISTRICTS:
            return self.covered <= MAX_CLAIM_DISTRICTS
        named, places = raw.get("districts"), raw.get("places")
        self.covered += (
            len(gazetteer.districts) if named == "all" else len(named) if isinstance(named, list) else 0
        ) + (len(places) if isinstance(places, list) else 0)
        if self.covered > MAX_CLAIM_DISTRICTS:
            self.problem(
                line,
                "too-many-districts",
                f"the claims cover more than {MAX_CLAIM_DISTRICTS:,} districts in all, "
                f"counted claim by claim; this claim passes the limit",
                "split the file, or name fewer districts per claim ('all' counts "
                f"all {len(gazetteer.districts)} districts of {gazetteer.province})",
            )
            return False
        return True

    def when(self, value, where) -> dt.datetime | None:
        if value is None:
            return None
        text = str(value).strip()
        line = self.line(*where)
        match = _DATE.fullmatch(text)
        if not match:
            self.problem(
                line,
                "bad-date",
                f"date '{_short(text, 40)}' is not an ISO date",
                "write it as 2021-09-05, or 2021-09-05T14:00 with a time",
            )
            return None
        try:
            when = dt.datetime(*(int(g) for g in match.groups() if g is not None))
        except ValueError as exc:
            self.problem(line, "bad-date", f"date '{text}' does not exist ({exc})")
            return None
        if when < EARLIEST:
            self.problem(line, "bad-date", f"date '{text}' is before 1900")
            return None
        if when.date() > dt.date.today():
            self.problem(line, "bad-date", f"date '{text}' is in the future")
            return None
        return when

    def districts(self, raw, where, gazetteer) -> tuple[str, ...] | None:
        named = raw.get("districts")
        excepted = raw.get("except")
        places = raw.get("places")
        if named is None and not places:
            self.problem(
                self.line(*where),
                "missing-field",
                "missing field 'districts'",
                "name the districts, 'all', or places",
            )
            return None
        if excepted is not None and named != "all":
            self.problem(
                self.line(*where, "except"),
                "except-without-all",
                "'except' is only allowed with 'districts: all'",
            )
        if gazetteer is None:
            return None
        chosen: list[str] = []
        ok = True
        if named == "all":
            chosen = [d.pcode for d in gazetteer.districts]
        elif isinstance(named, list):
            for j, name in enumerate(named):
                pcode = self.district(gazetteer, name, (*where, "districts", j))
                ok &= pcode is not None
                chosen.append(pcode)
        for j, name in enumerate(excepted if isinstance(excepted, list) else ()):
            pcode = self.district(gazetteer, name, (*where, "except", j))
            ok &= pcode is not None
            if pcode in chosen:
                chosen.remove(pcode)
        for j, name in enumerate(places if isinstance(places, list) else ()):
            place = gazetteer.place(name) if isinstance(name, str) else None
            if place is None:
                self.problem(
                    self.line(*where, "places", j),
                    "unknown-place",
                    f"unknown place '{_short(str(name))}' in {gazetteer.province} "
                    "(places are listed in geodata/places.yaml)",
                    self.suggest(lambda: _hint(gazetteer.suggest_place(str(name)))),
                )
                ok = False
            elif place.district not in chosen:
                chosen.append(place.district)
        if not isinstance(named, list) and named != "all" and named is not None:
            return None  # a wrong type, reported by the schema check
        if ok and not chosen:
            why = " ('all' minus every district leaves none)" if named == "all" else ""
            self.problem(self.line(*where), "no-districts", f"the claim names no district{why}")
            return None
        return tuple(dict.fromkeys(chosen)) if ok else None

    def district(self, gazetteer: Gazetteer, name, where) -> str | None:
        pcode = gazetteer.find(name) if isinstance(name, str) else None
        several = gazetteer.matches(name) if isinstance(name, str) else []
        if pcode is None and len(several) > 1:
            self.problem(
                self.line(*where),
                "ambiguous-district",
                f"'{_short(name)}' names {len(several)} districts in {gazetteer.province}: "
                + ", ".join(f"{p} ({gazetteer.label(p)})" for p in several[:6]),
                "use the P-code",
            )
        elif pcode is None:
            self.problem(
                self.line(*where),
                "unknown-district",
                f"unknown district '{_short(str(name))}' in {gazetteer.province}",
                self.suggest(lambda: _hint(gazetteer.suggest(str(name)))),
            )
        return pcode


def _wide_encoding(data: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` if the bytes look like text in that encoding (by BOM or NULs)."""
    for name, boms in (
        ("UTF-32", (b"\xff\xfe\0\0", b"\0\0\xfe\xff")),
        ("UTF-16", (b"\xff\xfe", b"\xfe\xff")),
    ):
        if data.startswith(boms):
            return name
    head = data[:4096]
    if len(head) >= 4 and head.count(b"\0") * 4 >= len(head):
        for name, width in (("UTF-32", 4), ("UTF-16", 2)):
            for order in ("le", "be"):
                try:
                    text = head[: len(head) // width * width].decode(f"{name.lower()}-{order}")
                except UnicodeDecodeError:
                    continue
                if "\0" not in text and sum(c.isprintable() or c in "\r\n\t" for c in text) >= 0.95 * len(
                    text
                ):
                    return name
    return None


def _region_name(region) -> str | None:
    name = region.get("name") if isinstance(region, dict) else None
    return name.strip() or None if isinstance(name, str) else None


def _field_name(where: tuple) -> str:
    names = [str(w) for w in where if isinstance(w, str)]
    return names[-1] if names else ""


def _in(field_name: str) -> str:
    return f" in {field_name}" if field_name else ""


def _kind(value) -> str:
    for kind, name in (
        (bool, "true/false"),
        (dict, "a mapping"),
        (list, "a list"),
        (str, "text"),
        (int, "a number"),
        (float, "a number"),
        (type(None), "empty"),
    ):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _article(expected: str) -> str:
    return {
        "string": "text",
        "object": "a mapping",
        "array": "a list",
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
    }.get(expected, expected)


def _did_you_mean(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return _hint(close[0]) if close else None


def _hint(name: str | None) -> str | None:
    return f"did you mean '{name}'?" if name else None
