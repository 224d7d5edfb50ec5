"""Earlier versions of a file from its git repository (``git show REV:path``).

Only this module runs git: with an argument list (never a shell), ``--end-of-options`` before
the revision, a time limit and a size limit. Every failure is a :class:`RevisionError` whose
message says what to do.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .claims import MAX_BYTES

TIMEOUT = 30  # seconds for one git command


class RevisionError(Exception):
    """git could not give the file at that revision (not a repository, no such revision, ...)."""


@dataclass(frozen=True)
class Revision:
    """One commit that changed a file: ``rev`` (abbreviated hash), date and subject."""

    rev: str
    date: str
    subject: str


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args],
            check=False,
            cwd=cwd,
            capture_output=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise RevisionError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise RevisionError(f"git {args[0]} took more than {TIMEOUT} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = message[-1].removeprefix("fatal: ").removeprefix("error: ") if message else "failed"
        raise RevisionError(f"git {args[0]}: {last}")
    return done.stdout


def locate(path) -> tuple[Path, str]:
    """The repository root holding ``path`` and the path relative to it (with ``/``).

    Raises
    ------
    RevisionError
        If ``path`` is not inside a git work tree.
    """
    path = Path(path).resolve()
    folder = path.parent if not path.is_dir() else path
    if not folder.is_dir():
        raise RevisionError(f"{path.parent} does not exist")
    try:
        root = Path(_git(["rev-parse", "--show-toplevel"], folder).decode().strip()).resolve()
    except RevisionError:
        raise RevisionError(
            f"{folder} is not in a git repository; compare two files with 'diff OLD.yaml NEW.yaml' instead"
        ) from None
    return root, path.relative_to(root).as_posix()


def show(path, rev: str) -> bytes:
    """The bytes of ``path`` as it was at revision ``rev`` of its repository.

    Examples
    --------
    >>> show("claims.yaml", "HEAD")[:9]  # doctest: +SKIP
    b'# Territo'
    """
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n:"):
        raise RevisionError(f"'{rev}' is not a revision (a commit hash, a tag, HEAD~3, ...)")
    root, relative = locate(path)
    data = _git(["show", "--no-textconv", "--end-of-options", f"{rev}:{relative}"], root)
    if len(data) > MAX_BYTES:
        # The checker refuses it anyway; say so without holding more than this in memory twice.
        return data[: MAX_BYTES + 1]
    return data


def history(path, *, limit: int = 30) -> list[Revision]:
    """The latest commits that changed ``path``, newest first (``git log --follow``)."""
    root, relative = locate(path)
    out = _git(
        ["log", f"--max-count={int(limit)}", "--format=%h%x00%as%x00%s", "--follow", "--", relative], root
    )
    rows = [line.split("\0") for line in out.decode("utf-8", "replace").splitlines()]
    return [Revision(*row) for row in rows if len(row) == 3]
