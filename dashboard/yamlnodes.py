"""YAML text to plain data, keeping the line each value starts on.

The claims checker needs, for every value, the line it was written on (problems print as
``path:line: message``), and it must see what a plain load hides: aliases (refused, never
expanded) and duplicate keys. :func:`read_located` makes one pass over libyaml's events and
builds the plain data and a ``{path: line}`` table together.

Why events and not ``yaml.compose(text, Loader=yaml.CSafeLoader)``, whose nodes carry marks and
resolved tags: composing a 4.4 MB claims file takes 3.2-4.2 CPU-seconds here against 0.9 for this
reader (PyYAML 6.0.4, libyaml), and a composed alias is the anchor's own node, so the alias's line
is lost. Scalars are typed with PyYAML's public resolver and constructor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import printable, shorten

# libyaml's parser when PyYAML has it (the wheels do): the pure-Python one needs seconds per MB.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NUMBER_LENGTH = 40  # a whole number written with more characters is never read as a number

NONE = object()  # no value (yet): an empty document, a mapping awaiting its key
_SKIP = object()  # the value of a key that was refused (duplicate, not text)
_CONSTRUCT = yaml.constructor.SafeConstructor()
_RESOLVER = yaml.resolver.Resolver()
_PLAIN = (True, False)  # a plain scalar's "implicit": its tag comes from the resolver
# What YAML allows raw (its printable set); anything else, even written as an escape, is refused.
FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Located:
    """What :func:`read_located` found.

    Attributes
    ----------
    value : object
        The plain data (dicts, lists, str, int, float, bool, None), or :data:`NONE` if the
        text holds no document or reading stopped.
    lines : dict
        ``{path: line}``, a path being a tuple of keys and list indices (``()`` the root).
    problems : list
        ``(line, code, message, hint)`` for each problem found while reading.
    """

    value: Any = NONE
    lines: dict[tuple, int] = field(default_factory=dict)
    problems: list[tuple[int, str, str, str | None]] = field(default_factory=list)


def read_located(text: str, *, max_depth: int) -> Located:
    r"""Plain data from YAML text, with the line of every value and every reading problem.

    One pass over libyaml's events (in C), with no node tree: a 5 MB file takes about a
    second. Aliases (``*name``) are refused on their own line and never expanded, so a
    "billion laughs" costs nothing; nesting deeper than ``max_depth`` stops the reading.
    Parser errors become problems too (``yaml-syntax``, ``control-character``, ``too-deep``).

    Examples
    --------
    >>> found = read_located("a: 1\nb: [x, *y]\na: 2\n", max_depth=20)
    >>> found.value, found.lines[("b", 0)]
    ({'a': 1, 'b': ['x', None]}, 2)
    >>> [(line, code) for line, code, _, _ in found.problems]
    [(2, 'yaml-alias'), (3, 'duplicate-key')]
    """
    found = Located()
    try:
        found.value = _read(text, max_depth, found.lines, found.problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        found.value = NONE
        if "nesting depth" in what:  # libyaml's own limit, far beyond ours
            found.problems.append((line, "too-deep", "the YAML is nested too deeply to read", None))
        else:
            hint = "indent with spaces, not tabs" if "\\t" in what or "tab" in what else None
            found.problems.append((line, "yaml-syntax", f"YAML syntax error: {what}", hint))
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        found.value = NONE
        found.problems.append(
            (
                line,
                "control-character",
                f"control character {escaped(_char(exc.character))} is not allowed in YAML",
                "remove the control character",
            )
        )
    except yaml.YAMLError as exc:
        found.value = NONE
        found.problems.append((1, "yaml-syntax", f"YAML error: {shorten(exc, 200)}", None))
    return found


def _read(text: str, max_depth: int, lines: dict, problems: list) -> Any:
    def problem(line: int, code: str, message: str, hint: str | None = None):
        problems.append((line, code, message, hint))

    root: Any = NONE
    stack: list[list] = []  # [container, where, pending key] per open collection
    documents = 0
    for event in yaml.parse(text, Loader=LOADER):
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                problem(
                    event.start_mark.line + 1,
                    "yaml-syntax",
                    "YAML syntax error: a second document ('---'); a claims file is one",
                )
                return NONE
            continue
        if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            stack.pop()
            continue
        if kind not in (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent):
            continue
        line = event.start_mark.line + 1
        if kind is yaml.AliasEvent:
            problem(line, "yaml-alias", "YAML aliases (*name) are not allowed")
            value = None
        elif kind is yaml.ScalarEvent:
            value = _scalar(event)
            bad = FORBIDDEN.search(event.value)
            if bad:  # written as an escape ("\\e", "\\x9b", "\\0"): refused like the raw byte
                problem(
                    line,
                    "control-character",
                    f"control character {escaped(bad.group())} in text '{shorten(event.value, 60)}'",
                    "remove the control character",
                )
        else:
            if len(stack) > max_depth:
                problem(line, "too-deep", f"nested more than {max_depth} levels")
                return NONE
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
            elif key is NONE:  # this event is a key
                if kind is not yaml.ScalarEvent or value is None:
                    problem(line, "wrong-type", "a key must be plain text")
                    frame[2] = _SKIP
                else:
                    key = str(value)
                    if key in container:
                        first = lines.get((*parent, key), "?")
                        problem(
                            line, "duplicate-key", f"duplicate key '{shorten(key)}' (first at line {first})"
                        )
                        frame[2] = _SKIP
                    else:
                        lines[(*parent, key)] = line
                        frame[2] = key
                    if kind is yaml.ScalarEvent:
                        continue
            else:  # this event is the value of the pending key
                frame[2] = NONE
                if key is not _SKIP:
                    container[key] = value
                    where = (*parent, key)
        if where is not None and where not in lines:
            lines[where] = line
        if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
            stack.append([value, where if where is not None else ("<skipped>",), NONE])
    return root


def _scalar(event):
    """A scalar event's value, typed as YAML 1.1 would type it, dates left as text."""
    value = event.value
    plain = not event.style and event.implicit[0]
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, _PLAIN) if plain else (event.tag or "")
    if tag.endswith(":null"):
        return None
    if tag.endswith((":int", ":float", ":bool")):
        return _construct(tag, value, event)
    return value  # text; timestamps stay text too: dates are checked by the claims checker


class BigNumber(int):
    """A whole number written with too many characters to read: kept by its length only.

    Python refuses to print (or parse) integers of thousands of digits, and no field of the
    format takes one; it is never converted, and prints as a description.

    Examples
    --------
    >>> BigNumber("9" * 5000)
    <a number 5000 characters long>
    """

    def __new__(cls, text: str):
        number = super().__new__(cls, 10**MAX_NUMBER_LENGTH)
        number.length = len(text)
        return number

    def __repr__(self) -> str:
        return f"<a number {self.length} characters long>"

    __str__ = __repr__

    def __format__(self, spec) -> str:
        return repr(self)


def _char(character) -> str:
    """ReaderError's character: a code point from libyaml, a character from the Python reader."""
    return chr(character) if isinstance(character, int) else str(character)[:1]


def escaped(char: str) -> str:
    """A character as an escape, quoted: ``'\\x1b'``."""
    shown = printable(char)
    if shown == char:
        code = ord(char)
        shown = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return f"'{shown}'"


def _construct(tag, value, event):
    if tag.endswith(":int") and len(value) > MAX_NUMBER_LENGTH:
        return BigNumber(value)
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
    try:
        return _CONSTRUCT.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        return value
