"""Problems found in input files, as small values that print themselves.

A checker returns every problem it finds; loading raises one :class:`ClaimsError`
carrying the whole list. The command line and the page only format that list.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        return f"{text} - {self.hint}" if self.hint else text


class ClaimsError(Exception):
    """A claims file could not be loaded; ``problems`` lists every reason, sorted."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
