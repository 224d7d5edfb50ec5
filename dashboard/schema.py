"""The claims format as a published JSON Schema: :data:`dashboard.claims.SCHEMA` plus words.

``claims.schema.json`` at the repository root is generated from here
(``python -m dashboard schema -o claims.schema.json``) so that editors with the YAML language
server complete field names and flag mistakes while one types. The structure comes from the
checker's own schema; this module only adds the descriptions, kept by field path:

- ``/claims/*/quote``: ``*`` stands for any key of a mapping (a side or source id) or any item
  of a list (a claim).

A test fails when a field of the schema has no description here (or a description names a field
that no longer exists), and when the committed file differs from :func:`json_schema`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from .claims import FORMAT_VERSION, SCHEMA

SCHEMA_FILE = "claims.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:panjshir-control-dashboard:claims:v{FORMAT_VERSION}"
TITLE = "Territorial-control claims (claims.yaml, format version 1)"
REGENERATE = "python -m dashboard schema -o claims.schema.json"

DESCRIPTIONS: dict[str, str] = {
    "": "Source-attributed claims about who holds which districts of one province (or a "
    "country), on what date and on whose word. The checker `python -m dashboard validate` "
    "also checks what a schema cannot: district and place names, dates, links, that each "
    "source, side and holder exists, and unique claim ids.",
    "/version": "Format version of this file; this program reads version 1.",
    "/region": "Where the districts come from: a province (admin-1) or a whole country of the boundary data.",
    "/region/province": "Admin-1 P-code (e.g. AF08 for Panjshir) or name of the province.",
    "/region/country": "Admin-0 P-code (AF) to use every district of the country; a district "
    "name shared by several districts must then be given as a P-code.",
    "/region/name": "How the region is called on the page (optional).",
    "/sides": "Who can hold a district: side id (lower-case letters, digits, '.', '-', '_') to "
    "its label and colour. 'contested', 'unknown', 'independent', 'combined' and 'all' "
    "are reserved.",
    "/sides/*": "One side.",
    "/sides/*/label": "The side's name as shown in the legend and the view picker.",
    "/sides/*/color": "The side's colour on the map, as #rrggbb (prefer colour-blind-safe colours).",
    "/sources": "Whose word a claim is: source id to the person, office or outlet.",
    "/sources/*": "One source.",
    "/sources/*/name": "Who the source is, as shown next to each of its claims.",
    "/sources/*/side": "The side the source speaks for (a side id), or 'independent' for the "
    "press and observers. A claim's view is its source's side.",
    "/sources/*/url": "The source's home page or account (http or https only).",
    "/sources/*/note": "Anything a reader should know about the source (optional).",
    "/sources/*/kind": "What kind of voice the source is: official, spokesman, relay, wire, media, "
    "local-media, eyewitness, analyst, ngo or advocacy (docs/methodology.md). "
    "An advocacy, official or spokesman source is never independent (optional).",
    "/sources/*/leaning": "A short note on the person's or outlet's known leaning (optional).",
    "/claims": "The claims, one per statement, in the order they were made within a day (on the "
    "same date and time, the later one in the file wins within a view).",
    "/claims/*": "One claim: on `date`, `source` said that `holder` holds `districts`.",
    "/claims/*/id": "Unique, stable id of the claim (lower-case letters, digits, '.', '-', '_'); "
    "reviews and links refer to it.",
    "/claims/*/date": "When the claim was made: an ISO date (2021-09-05) or date and time "
    "(2021-09-05T14:00); not before 1900, not in the future.",
    "/claims/*/source": "Who made the claim: a source id from `sources`.",
    "/claims/*/via": "Who carried the claim, if not the source itself: a source id (optional).",
    "/claims/*/url": "Where the claim can be read (http or https only).",
    "/claims/*/archived_url": "An archived copy of `url` (http or https only).",
    "/claims/*/quote": "The claim's words, verbatim and short (at most 1,000 characters).",
    "/claims/*/holder": "Who the source says holds the districts: a side id, or 'contested'.",
    "/claims/*/districts": "The districts the claim is about: 'all', or a list of names or "
    "P-codes of the region (official, Dari, alternative or alias names).",
    "/claims/*/except": "Districts left out of 'districts: all' (only with 'all').",
    "/claims/*/except/*": "A district name or P-code.",
    "/claims/*/places": "Named places (passes, villages) the claim is about, each counted for "
    "its district (listed in geodata/places.yaml).",
    "/claims/*/places/*": "A place name from geodata/places.yaml.",
    "/claims/*/note": "A coder's note on the claim (optional).",
    "/claims/*/date_note": "How the date (and the order within the day) was assigned (optional).",
    "/claims/*/date_precision": "How precisely the date is known: day (stated), approximate (a day "
    "inferred, e.g. from 'on Sunday'), week or month, after ACLED's "
    "time precision codes (optional; not stated means day).",
    "/claims/*/confidence": "How sure the coding is: high, medium or low (optional).",
}


def fields(schema: dict = SCHEMA, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every field of a schema as ``(path, subschema)``, the root first.

    A field is the root, a named property, the value of any key of a mapping
    (``additionalProperties``) or any item of a list (``items``); both of the last are ``*``.

    Examples
    --------
    >>> [p for p, _ in fields({"properties": {"a": {"items": {"properties": {"b": {}}}}}})]
    ['', '/a', '/a/*', '/a/*/b']
    """
    yield path, schema
    for name, sub in schema.get("properties", {}).items():
        yield from fields(sub, f"{path}/{name}")
    for key in ("additionalProperties", "items"):
        if isinstance(schema.get(key), dict):
            yield from fields(schema[key], f"{path}/*")


def missing_descriptions(schema: dict = SCHEMA) -> list[str]:
    """Paths of the schema's fields that :data:`DESCRIPTIONS` does not describe.

    Examples
    --------
    >>> missing_descriptions()
    []
    """
    return [path for path, _ in fields(schema) if not DESCRIPTIONS.get(path, "").strip()]


def stale_descriptions(schema: dict = SCHEMA) -> list[str]:
    """Paths in :data:`DESCRIPTIONS` that are no field of the schema (renamed or removed)."""
    known = {path for path, _ in fields(schema)}
    return sorted(set(DESCRIPTIONS) - known)


def json_schema(schema: dict = SCHEMA) -> dict[str, Any]:
    """The published JSON Schema: a deep copy of the checker's, with ids, title and descriptions.

    Raises
    ------
    KeyError
        If a field has no description (add it to :data:`DESCRIPTIONS`).

    Examples
    --------
    >>> published = json_schema()
    >>> published["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    >>> published["properties"]["claims"]["items"]["properties"]["quote"]["description"][:15]
    "The claim's wor"
    """
    missing = missing_descriptions(schema)
    if missing:
        raise KeyError(f"no description for {', '.join(missing)} in dashboard/schema.py")
    return _ecma({"$schema": DRAFT, "$id": SCHEMA_ID, "title": TITLE, **_described(schema, "")})


def _described(schema: dict, path: str) -> dict:
    """A deep copy of ``schema`` with each field's description first (easier to read)."""
    out: dict[str, Any] = {"description": DESCRIPTIONS[path]}
    for key, value in schema.items():
        if key == "properties":
            value = {name: _described(sub, f"{path}/{name}") for name, sub in value.items()}
        elif key in ("additionalProperties", "items") and isinstance(value, dict):
            value = _described(value, f"{path}/*")
        else:
            value = copy.deepcopy(value)
        out[key] = value
    return out


def _ecma(node):
    """Patterns as JSON Schema's regular expressions (ECMA-262) read them.

    The checker's patterns end in Python's ``\\Z`` (the very end, no final newline allowed);
    ECMA-262 has no ``\\Z``, and its ``$`` (without the m flag) means exactly that.

    Examples
    --------
    >>> _ecma({"pattern": r"^[a-z]+\\Z", "x": [{"pattern": "^#[0-9]{6}$"}]})
    {'pattern': '^[a-z]+$', 'x': [{'pattern': '^#[0-9]{6}$'}]}
    """
    if isinstance(node, dict):
        return {
            k: (v.replace("\\Z", "$") if k == "pattern" and isinstance(v, str) else _ecma(v))
            for k, v in node.items()
        }
    return [_ecma(v) for v in node] if isinstance(node, list) else node


def json_text(schema: dict = SCHEMA) -> str:
    """:func:`json_schema` as the text of ``claims.schema.json`` (2-space indent, final newline)."""
    return json.dumps(json_schema(schema), indent=2, ensure_ascii=False) + "\n"
