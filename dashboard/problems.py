"""Problems found in input files, as small values that print themselves.

A checker returns every problem it finds; loading raises one :class:`ClaimsError`
carrying the whole list. The command line and the page only format that list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Characters never printed raw: C0 and C1 controls and DEL (terminal escapes such as ESC or
# CSI \x9b), line and paragraph separators, and the bidirectional overrides that can make a
# line read differently from what it holds ("Trojan source").
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, *, keep: str = "") -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\n``, ...).

    Parameters
    ----------
    text : str
    keep : str, optional
        Characters to leave as they are (``"\\n"`` for text printed line by line).

    Examples
    --------
    >>> print(printable("red\\x1b[31m\\r\\n\\u202eevil"))
    red\\x1b[31m\\r\\n\\u202eevil
    >>> printable("a\\nb", keep="\\n") == "a\\nb"
    True
    """

    def escape(match: re.Match) -> str:
        char = match.group()
        if char in keep:
            return char
        code = ord(char)
        return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")

    return _UNPRINTABLE.sub(escape, text)


def shorten(text, limit: int = 80) -> str:
    """At most ``limit`` characters of ``str(text)``, control characters escaped.

    Examples
    --------
    >>> shorten("x" * 100, 10)
    'xxxxxxxxx…'
    """
    text = str(text)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return printable(text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file.

    Parameters
    ----------
    path : str
        The file, as the user named it.
    line : int
        1-based line number (from the YAML parser's marks; 1 for whole-file problems).
    code : str
        A stable identifier, e.g. ``unknown-district`` (listed in the README).
    message : str
        What is wrong, in words.
    hint : str, optional
        A suggestion, e.g. ``did you mean 'Rukha'?``.

    Examples
    --------
    >>> str(Problem("claims.yaml", 41, "unknown-district", "unknown district 'Rokhaa'",
    ...             hint="did you mean 'Rukha'?"))
    "claims.yaml:41: unknown district 'Rokhaa' - did you mean 'Rukha'?"
    """

    path: str
    line: int
    code: str = field(compare=False)
    message: str
    hint: str | None = field(default=None, compare=False)

    def sort_key(self) -> tuple:
        """The order problems sort in (as ``<`` does, but fast for many thousands)."""
        return self.path, self.line, self.message

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        return printable(f"{text} - {self.hint}" if self.hint else text)


class ClaimsError(Exception):
    """A claims file could not be loaded; ``problems`` lists every reason, sorted."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))
