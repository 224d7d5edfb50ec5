"""Reading and checking ``claims.yaml`` (format version 1).

:func:`check_claims` returns every problem in a file at once, each with the line the
YAML parser saw it on; :func:`read_claims` raises one :class:`ClaimsError` carrying
them all. Nothing here prints or exits.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import fastjsonschema
import jsonschema
import yaml

from .gazetteer import Gazetteer
from .problems import ClaimsError, Problem

FORMAT_VERSION = 1
MAX_BYTES = 5_000_000  # a hand-kept file of ~10,000 claims is ~3 MB
MAX_DEPTH = 20
MAX_CLAIMS = 200_000
EARLIEST = dt.datetime(1900, 1, 1)
INDEPENDENT = "independent"
CONTESTED = "contested"
UNKNOWN = "unknown"
RESERVED_IDS = {INDEPENDENT, CONTESTED, UNKNOWN, "combined", "all"}
CONFIDENCE = ("high", "medium", "low")

_ID = r"^[a-z0-9][a-z0-9._-]*$"
_TEXT = {"type": "string", "minLength": 1, "maxLength": 2000}
_URL = {"type": "string", "maxLength": 2000}
_NAMES = {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 1000}

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
            "properties": {"province": {"type": "string", "maxLength": 100},
                           "country": {"type": "string", "maxLength": 100},
                           "name": _TEXT},
        },
        "sides": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": _ID, "maxLength": 100},
            "additionalProperties": {
                "type": "object",
                "required": ["label", "color"],
                "additionalProperties": False,
                "properties": {"label": {**_TEXT, "maxLength": 200},
                               "color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}},
            },
        },
        "sources": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": _ID, "maxLength": 100},
            "additionalProperties": {
                "type": "object",
                "required": ["name", "side"],
                "additionalProperties": False,
                "properties": {"name": {**_TEXT, "maxLength": 300}, "side": {"type": "string"},
                               "url": _URL, "note": _TEXT},
            },
        },
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
    """Whose word a claim is; ``side`` is a side id or ``independent``."""

    id: str
    name: str
    side: str
    url: str | None = None


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
        """Every value a district's holder can take."""
        return [*self.sides, CONTESTED, UNKNOWN]

    def claim(self, claim_id: str) -> Claim:
        return self._by_id[claim_id]

    @property
    def _by_id(self) -> dict[str, Claim]:
        cache = self.__dict__.get("_by_id_cache")
        if cache is None:
            cache = {c.id: c for c in self.claims}
            object.__setattr__(self, "_by_id_cache", cache)
        return cache

    def summary(self) -> str:
        """One line: claims, sources, districts, date range."""
        dates = [c.date for c in self.claims]
        span = f"{min(dates)} to {max(dates)}" if dates else "no dates"
        return (f"{self.path}: {len(self.claims)} claims from {len(self.sources)} sources "
                f"on {len(self.districts)} districts of {self.province}, {span}")


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
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ClaimsError([Problem(shown, 1, "unreadable", f"cannot read file: {exc.strerror}")])
    claims, problems = check_claims(data, path=shown, gazetteer_for=gazetteer_for)
    if problems:
        raise ClaimsError(problems)
    return claims


def check_claims(data: bytes, *, path: str = "claims.yaml",
                 gazetteer_for: GazetteerFor | None = None) -> tuple[ClaimSet | None, list[Problem]]:
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
    problems = sorted(set(checker.problems))
    return (None if problems else claims), problems


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

    def problem(self, line: int, code: str, message: str, hint: str | None = None):
        self.problems.append(Problem(self.path, line, code, message, hint))

    def line(self, *where) -> int:
        """The line of the nearest node on the path ``where`` (or of its parent)."""
        where = tuple(where)
        while where and where not in self.lines:
            where = where[:-1]
        return self.lines.get(where, 1)

    # -- bytes -> YAML nodes -> plain data -------------------------------------------------
    def run(self, data: bytes) -> ClaimSet | None:
        digest = hashlib.sha256(data).hexdigest()
        text = self.decode(data)
        if text is None:
            return None
        try:
            value = self.read(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            what = exc.problem or "invalid YAML"
            if "nesting depth" in what:  # libyaml's own limit, far beyond ours
                self.problem(line, "too-deep", "the YAML is nested too deeply to read")
                return None
            hint = "indent with spaces, not tabs" if "\\t" in what or "tab" in what else None
            self.problem(line, "yaml-syntax", f"YAML syntax error: {what}", hint)
            return None
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            self.problem(line, "yaml-syntax", f"character {exc.character!r} is not allowed in YAML",
                         "remove the control character")
            return None
        except yaml.YAMLError as exc:
            self.problem(1, "yaml-syntax", f"YAML error: {_short(exc, 200)}")
            return None
        if self.problems:
            return None
        if value is _NONE:
            self.problem(1, "empty", "the file is empty; a claims file starts with 'version: 1'")
            return None
        if not isinstance(value, dict):
            self.problem(1, "wrong-type",
                         f"the file must be a mapping with version, region, sides, sources and "
                         f"claims, not {_kind(value)}")
            return None
        self.check_schema(value)
        return self.check_meaning(value, digest)

    def read(self, text: str) -> Any:
        """Plain data from the parser's events, recording each value's line in ``self.lines``.

        One pass over libyaml's events (in C), with no node tree: a 5 MB file takes about a
        second. Aliases (*name) are refused on their own line and never expanded, so a
        "billion laughs" costs nothing; nesting deeper than the limit stops the reading.
        """
        root: Any = _NONE
        stack: list[list] = []  # [container, where, pending key] per open collection
        documents = 0
        for event in yaml.parse(text, Loader=_LOADER):
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.problem(event.start_mark.line + 1, "yaml-syntax",
                                 "YAML syntax error: a second document ('---'); a claims file is one")
                    return _NONE
                continue
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                stack.pop()
                continue
            if kind not in (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent,
                            yaml.SequenceStartEvent):
                continue
            line = event.start_mark.line + 1
            if kind is yaml.AliasEvent:
                self.problem(line, "yaml-alias", "YAML aliases (*name) are not allowed")
                value = None
            elif kind is yaml.ScalarEvent:
                value = _scalar(event)
            else:
                if len(stack) > MAX_DEPTH:
                    self.problem(line, "too-deep", f"nested more than {MAX_DEPTH} levels")
                    return _NONE
                value = {} if kind is yaml.MappingStartEvent else []
            where = None  # None: the value is read but kept nowhere
            if not stack:
                root, where = value, ()
            else:
                frame = stack[-1]
                container, parent, key = frame
                if isinstance(container, list):
                    where = (*parent, len(container))
                    container.append(value)
                elif key is _NONE:  # this event is a key
                    if kind is not yaml.ScalarEvent or value is None:
                        self.problem(line, "wrong-type", "a key must be plain text")
                        frame[2] = _SKIP
                    else:
                        key = str(value)
                        if key in container:
                            first = self.lines.get((*parent, key), "?")
                            self.problem(line, "duplicate-key",
                                         f"duplicate key '{_short(key)}' (first at line {first})")
                            frame[2] = _SKIP
                        else:
                            self.lines[(*parent, key)] = line
                            frame[2] = key
                        if kind is yaml.ScalarEvent:
                            continue
                else:  # this event is the value of the pending key
                    frame[2] = _NONE
                    if key is not _SKIP:
                        container[key] = value
                        where = (*parent, key)
            if where is not None and where not in self.lines:
                self.lines[where] = line
            if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                stack.append([value, where if where is not None else ("<skipped>",), _NONE])
        return root

    def decode(self, data: bytes) -> str | None:
        if not data.strip():
            self.problem(1, "empty", "the file is empty; a claims file starts with 'version: 1'")
            return None
        if len(data) > MAX_BYTES:
            self.problem(1, "too-large", f"the file is {len(data) / 1e6:.1f} MB; the limit is "
                         f"{MAX_BYTES / 1e6:.0f} MB")
            return None
        if b"\0" in data[:8192]:
            self.problem(1, "binary", "this is a binary file, not YAML text")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problem(line, "encoding", f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                         "save the file as UTF-8")
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
        if len(claims) > MAX_CLAIMS:
            self.problem(self.line("claims"), "too-long",
                         f"claims is too long ({len(claims)} items; at most {MAX_CLAIMS})")
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
                hint = _did_you_mean(extra, allowed)
                self.problem(self.line(*where, extra), "unknown-field",
                             f"unknown field '{_short(extra)}'{_in(field_name)}", hint)
        elif kind == "required":
            missing = re.findall(r"'([^']+)' is a required property", error.message)
            self.problem(line, "missing-field",
                         f"missing field '{missing[0] if missing else '?'}'{_in(field_name)}")
        elif kind == "type":
            expected = error.validator_value
            expected = " or ".join(expected) if isinstance(expected, list) else expected
            self.problem(line, "wrong-type", f"{field_name or 'value'} must be "
                         f"{_article(expected)}, not {_kind(error.instance)}")
        elif kind == "anyOf" and where == ("region",):
            self.problem(line, "missing-field", "region needs a province (admin-1 P-code) or a country")
        elif kind == "anyOf" and where and where[-1] == "districts":
            self.problem(line, "wrong-type", "districts must be 'all' or a list of district names")
        elif kind == "enum":
            self.problem(line, "bad-value", f"{field_name} must be one of "
                         f"{', '.join(map(str, error.validator_value))}, not '{_short(error.instance)}'",
                         _did_you_mean(str(error.instance), [str(v) for v in error.validator_value]))
        elif kind == "pattern" and where and where[-1] == "color":
            self.problem(line, "bad-color", f"color must be like '#1f77b4', not '{_short(error.instance)}'")
        elif kind == "pattern":
            self.problem(line, "bad-id", f"id '{_short(error.instance)}' must be lower-case letters, "
                         "digits, '.', '-' or '_'")
        elif kind == "propertyNames":
            self.problem(line, "bad-id", f"id '{_short(error.instance)}'{_in(field_name)} must be "
                         "lower-case letters, digits, '.', '-' or '_'")
        elif kind in ("maxLength", "maxItems"):
            size = len(error.instance)
            self.problem(line, "too-long", f"{field_name} is too long ({size} "
                         f"{'characters' if kind == 'maxLength' else 'items'}; at most "
                         f"{error.validator_value})")
        elif kind in ("minLength", "minProperties"):
            self.problem(line, "empty-value", f"{field_name} must not be empty")
        else:
            self.problem(line, "invalid", f"{field_name or 'value'}: {_short(error.message, 200)}")

    # -- meaning -------------------------------------------------------------------------------
    def check_meaning(self, doc: dict, digest: str) -> ClaimSet | None:
        version = doc.get("version")
        if isinstance(version, int) and version != FORMAT_VERSION:
            self.problem(self.line("version"), "bad-version",
                         f"format version {version} is not supported; this program reads version "
                         f"{FORMAT_VERSION}")
        sides = self.sides(doc.get("sides"))
        sources = self.sources(doc.get("sources"), sides)
        gazetteer = self.gazetteer(doc.get("region"))
        claims = self.claims(doc.get("claims"), sides, sources, gazetteer)
        if self.problems or gazetteer is None:
            return None
        return ClaimSet(province=gazetteer.province, sides=sides, sources=sources,
                        claims=tuple(claims), districts=tuple(gazetteer.districts),
                        path=self.path, digest=digest, region_name=_region_name(doc.get("region")))

    def sides(self, value) -> dict[str, Side]:
        sides = {}
        for sid, side in (value or {}).items() if isinstance(value, dict) else ():
            if sid in RESERVED_IDS:
                self.problem(self.line("sides", sid), "reserved-id",
                             f"'{sid}' cannot be a side id: it is a reserved word")
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
                self.problem(self.line("sources", sid, "side"), "unknown-side",
                             f"unknown side '{_short(side)}' for source '{sid}'",
                             _did_you_mean(side, [*sides, INDEPENDENT]))
            url = self.url(src.get("url"), ("sources", sid, "url"))
            sources[sid] = Source(sid, str(src.get("name", sid)), side, url)
        return sources

    def gazetteer(self, region) -> Gazetteer | None:
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
        if not parts or parts.scheme.lower() not in ("http", "https") or not parts.netloc \
                or any(c.isspace() for c in value.strip()):
            self.problem(self.line(*where), "bad-url",
                         f"'{_short(value, 60)}' is not an http(s) link",
                         "only http:// and https:// addresses are accepted")
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
                    self.problem(self.line(*where, "id"), "duplicate-id",
                                 f"duplicate id '{_short(cid)}' (first at line {first_line[cid]})")
                else:
                    first_line[cid] = self.line(*where, "id")
            when = self.when(raw.get("date"), (*where, "date"))
            source = raw.get("source")
            if isinstance(source, str) and source not in sources:
                self.problem(self.line(*where, "source"), "unknown-source",
                             f"unknown source '{_short(source)}'", _did_you_mean(source, list(sources)))
            via = raw.get("via")
            if isinstance(via, str) and via not in sources:
                self.problem(self.line(*where, "via"), "unknown-source",
                             f"unknown source '{_short(via)}' in via", _did_you_mean(via, list(sources)))
            holder = raw.get("holder")
            if isinstance(holder, str) and holder not in holders:
                self.problem(self.line(*where, "holder"), "unknown-side",
                             f"unknown holder '{_short(holder)}': a side id or contested",
                             _did_you_mean(holder, holders))
            url = self.url(raw.get("url"), (*where, "url"))
            archived = self.url(raw.get("archived_url"), (*where, "archived_url"))
            districts = self.districts(raw, where, gazetteer)
            if not all(isinstance(raw.get(k), str) for k in ("id", "source", "holder")) \
                    or when is None or districts is None:
                continue
            named = raw.get("districts", "")
            named = ", ".join(map(str, named)) if isinstance(named, list) else str(named or "")
            if isinstance(raw.get("except"), list) and raw["except"]:
                named += " except " + ", ".join(map(str, raw["except"]))
            places = raw.get("places")
            out.append(Claim(
                id=cid, when=when, source=source, holder=holder, districts=districts, order=i,
                line=line, via=via if isinstance(via, str) else None, url=url, archived_url=archived,
                quote=raw.get("quote"), note=raw.get("note"), date_note=raw.get("date_note"),
                confidence=raw.get("confidence"),
                places=tuple(map(str, places)) if isinstance(places, list) else (),
                named=named.strip(),
            ))
        return out

    def when(self, value, where) -> dt.datetime | None:
        if value is None:
            return None
        text = str(value).strip()
        line = self.line(*where)
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?", text)
        if not match:
            self.problem(line, "bad-date", f"date '{_short(text, 40)}' is not an ISO date",
                         "write it as 2021-09-05, or 2021-09-05T14:00 with a time")
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
            self.problem(self.line(*where), "missing-field", "missing field 'districts'",
                         "name the districts, 'all', or places")
            return None
        if excepted is not None and named != "all":
            self.problem(self.line(*where, "except"), "except-without-all",
                         "'except' is only allowed with 'districts: all'")
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
                self.problem(self.line(*where, "places", j), "unknown-place",
                             f"unknown place '{_short(str(name))}' in {gazetteer.province} "
                             "(places are listed in geodata/places.yaml)",
                             _hint(gazetteer.suggest_place(str(name))))
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
            self.problem(self.line(*where), "ambiguous-district",
                         f"'{_short(name)}' names {len(several)} districts in {gazetteer.province}: "
                         + ", ".join(f"{p} ({gazetteer.label(p)})" for p in several[:6]),
                         "use the P-code")
        elif pcode is None:
            self.problem(self.line(*where), "unknown-district",
                         f"unknown district '{_short(str(name))}' in {gazetteer.province}",
                         _hint(gazetteer.suggest(str(name))))
        return pcode


# libyaml's parser when PyYAML has it (the wheels do): the pure-Python one needs seconds per MB.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_NONE = object()  # no value (yet): an empty document, a mapping awaiting its key
_SKIP = object()  # the value of a key that was refused (duplicate, not text)
_CONSTRUCT = yaml.constructor.SafeConstructor()
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers


def _scalar(event):
    """A scalar event's value, typed as YAML 1.1 would type it, dates left as text."""
    value = event.value
    if event.style or not event.implicit[0]:
        tag = event.tag or ""
        if tag.endswith((":int", ":float", ":bool")):
            return _construct(tag, value, event)
        return None if tag.endswith(":null") else value
    for tag, pattern in _RESOLVERS.get(value[:1] if value else "", []):
        if pattern.match(value):
            if tag.endswith(":null"):
                return None
            if tag.endswith((":int", ":float", ":bool")):
                return _construct(tag, value, event)
            return value  # timestamps stay text: dates are checked by the claims checker
    return value


def _construct(tag, value, event):
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
    try:
        return _CONSTRUCT.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        return value


def _region_name(region) -> str | None:
    name = region.get("name") if isinstance(region, dict) else None
    return name.strip() or None if isinstance(name, str) else None


def _field_name(where: tuple) -> str:
    names = [str(w) for w in where if isinstance(w, str)]
    return names[-1] if names else ""


def _in(field_name: str) -> str:
    return f" in {field_name}" if field_name else ""


def _kind(value) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "empty"}.get(type(value), type(value).__name__)


def _article(expected: str) -> str:
    return {"string": "text", "object": "a mapping", "array": "a list", "integer": "a whole number",
            "number": "a number", "boolean": "true or false"}.get(expected, expected)


def _did_you_mean(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return _hint(close[0]) if close else None


def _hint(name: str | None) -> str | None:
    return f"did you mean '{name}'?" if name else None


def _short(text, limit: int = 80) -> str:
    text = str(text).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
