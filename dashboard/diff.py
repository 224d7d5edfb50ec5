"""What an edit of a claims file changes: the claims, and the map, view by view.

:func:`compare` takes two checked claim sets and returns a :class:`ClaimsDiff`: the claims
added, removed and changed (by id, with the fields that changed), the sides and sources that
changed, and, per view, every (district, date range) whose holder differs between the two files
with the claims each side rests on. :func:`to_text` (for a terminal, control characters
escaped) and :func:`to_markdown` (for a pull-request comment, claim text escaped so that it
renders literally, never as Markdown or HTML) format it. Nothing here reads files or prints.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

import pandas as pd

from .claims import UNKNOWN, Claim, ClaimSet
from .control import district_timeline, resolve
from .problems import printable

ABSENT = "absent"  # a district of one file's region that the other file's region lacks

# The fields of a claim compared by id (``order`` and ``line`` only say where it is in the file).
_COMPARED = [f.name for f in fields(Claim) if f.name not in ("order", "line", "id")]
_SHOWN = {"when": "date", "named": "districts"}


@dataclass(frozen=True)
class ClaimChange:
    """A claim present in both files, by id, whose fields differ."""

    id: str
    fields: tuple[str, ...]
    old: Claim
    new: Claim


@dataclass(frozen=True)
class EntryChange:
    """A side or source added, removed or changed (``kind`` is ``side`` or ``source``)."""

    kind: str
    id: str
    change: str  # added, removed or changed
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class HolderChange:
    """A district whose holder differs between the two files over a range of days, in one view.

    ``end`` is the last day of the range, or None when the difference lasts to today's end of
    the data (the last claim onwards). ``old_claims``/``new_claims`` are the ids of the claims
    the holder rests on in each file over the range, in the order they come into force.
    """

    view: str
    pcode: str
    district: str
    start: dt.date
    end: dt.date | None
    old_holder: str
    new_holder: str
    old_claims: tuple[str, ...]
    new_claims: tuple[str, ...]


@dataclass(frozen=True)
class ClaimsDiff:
    """Everything that differs between two claim sets."""

    added: tuple[Claim, ...]
    removed: tuple[Claim, ...]
    changed: tuple[ClaimChange, ...]
    entries: tuple[EntryChange, ...]
    holders: tuple[HolderChange, ...]
    region: tuple[str, str] | None = None  # (old province, new province) if it changed

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.entries or self.holders or self.region)

    def views(self) -> list[str]:
        """The views with holder changes, in the order they were compared."""
        return list(dict.fromkeys(h.view for h in self.holders))


def compare(old: ClaimSet, new: ClaimSet, *, views: list[str] | None = None) -> ClaimsDiff:
    """Compare two claim sets.

    Parameters
    ----------
    old, new : ClaimSet
    views : list of str, optional
        The views whose maps to compare; by default every view of either file
        (each side, ``independent``, ``combined``).

    Returns
    -------
    ClaimsDiff

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> old = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    >>> new = tiny_claims([("2021-09-03", "red", "red", ["North"]),
    ...                    ("2021-09-05", "red", "blue", ["North"])])
    >>> d = compare(old, new, views=["red"])
    >>> [c.id for c in d.added]
    ['c1']
    >>> h = d.holders[0]
    >>> h.district, str(h.start), h.end, h.old_holder, h.new_holder, h.new_claims
    ('North', '2021-09-05', None, 'red', 'blue', ('c1',))
    """
    old_by_id = {c.id: c for c in old.claims}
    new_by_id = {c.id: c for c in new.claims}
    added = tuple(c for c in new.claims if c.id not in old_by_id)
    removed = tuple(c for c in old.claims if c.id not in new_by_id)
    changed = []
    for claim in new.claims:
        before = old_by_id.get(claim.id)
        if before is not None:
            which = claim_fields_changed(before, claim)
            if which:
                changed.append(ClaimChange(claim.id, which, before, claim))
    entries = [*_entries("side", old.sides, new.sides), *_entries("source", old.sources, new.sources)]
    if views is None:
        views = list(dict.fromkeys([*old.views, *new.views]))
    holders = [change for view in views for change in _holder_changes(old, new, view)]
    region = (old.province, new.province) if old.province != new.province else None
    return ClaimsDiff(added, removed, tuple(changed), tuple(entries), tuple(holders), region)


def claim_fields_changed(old: Claim, new: Claim) -> tuple[str, ...]:
    """The names of the fields that differ between two versions of a claim.

    The districts count as changed when they name other districts or are written differently;
    a claim's position in the file is not a field (its effect shows in the holder changes).

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> a, b = tiny_claims([("2021-09-03", "red", "red", ["North"]),
    ...                     ("2021-09-04", "red", "red", ["North", "South"])]).claims
    >>> claim_fields_changed(a, b)
    ('date', 'districts')
    """
    out = []
    for name in _COMPARED:
        a, b = getattr(old, name), getattr(new, name)
        if name == "districts":
            a, b = set(a), set(b)
        if a != b:
            shown = _SHOWN.get(name, name)
            if shown not in out:
                out.append(shown)
    return tuple(out)


def _entries(kind: str, old: dict, new: dict) -> list[EntryChange]:
    out = [EntryChange(kind, key, "added") for key in new if key not in old]
    out += [EntryChange(kind, key, "removed") for key in old if key not in new]
    for key in new:
        if key in old and old[key] != new[key]:
            which = tuple(
                f.name for f in fields(new[key]) if getattr(old[key], f.name) != getattr(new[key], f.name)
            )
            out.append(EntryChange(kind, key, "changed", which))
    return out


def _holders_by_day(claims: ClaimSet, view: str, days: list[dt.date], pcodes: list[str]) -> pd.DataFrame:
    """Each district's holder at the end of each of ``days`` (rows) in one view."""
    present = {d.pcode for d in claims.districts}
    if view in claims.views:
        frame = district_timeline(claims, view=view).set_index("date")
        frame = frame[~frame.index.duplicated(keep="last")]
        frame = frame.reindex(frame.index.union(pd.Index(days))).ffill().reindex(days)
    else:  # a side the file does not have: nobody speaks for it
        frame = pd.DataFrame(index=pd.Index(days))
    frame = frame.reindex(columns=pcodes).astype(object)
    for pcode in pcodes:
        frame[pcode] = frame[pcode].fillna(UNKNOWN) if pcode in present else ABSENT
    return frame


def _claim_days(claims: ClaimSet) -> set[dt.date]:
    return {c.date for c in claims.claims}


def _holder_changes(old: ClaimSet, new: ClaimSet, view: str) -> list[HolderChange]:
    """Every (district, day range) whose holder differs in ``view``, equal neighbours merged."""
    pcodes = list(dict.fromkeys([*(d.pcode for d in new.districts), *(d.pcode for d in old.districts)]))
    names = {d.pcode: d.name for d in (*old.districts, *new.districts)}
    # Every day on which a holder or the claims behind it may change, in either file.
    days = sorted(_claim_days(old) | _claim_days(new))
    if not days:
        return []
    before = _holders_by_day(old, view, days, pcodes)
    after = _holders_by_day(new, view, days, pcodes)
    differs = before.ne(after)
    snapshots: dict[tuple[int, dt.date], dict[str, tuple[str, ...]]] = {}

    def rests(which: int, day: dt.date) -> dict[str, tuple[str, ...]]:
        claims = (old, new)[which]
        if (which, day) not in snapshots:
            snapshots[which, day] = (
                {s.pcode: s.claim_ids for s in resolve(claims, view=view, on=day).states}
                if view in claims.views
                else {}
            )
        return snapshots[which, day]

    out: list[HolderChange] = []
    for pcode in pcodes:
        run: dict | None = None
        for day in days:
            if not differs.at[day, pcode]:
                if run:
                    out.append(_change(run, view, pcode, names[pcode], day))
                run = None
                continue
            key = (before.at[day, pcode], after.at[day, pcode])
            if run and run["key"] != key:
                out.append(_change(run, view, pcode, names[pcode], day))
                run = None
            if run is None:
                run = {"key": key, "start": day, "old": {}, "new": {}}
            run["old"].update(dict.fromkeys(rests(0, day).get(pcode, ())))
            run["new"].update(dict.fromkeys(rests(1, day).get(pcode, ())))
        if run:
            out.append(_change(run, view, pcode, names[pcode], None))
    out.sort(key=lambda h: (h.start, pcodes.index(h.pcode)))
    return out


def _change(run: dict, view: str, pcode: str, name: str, next_day: dt.date | None) -> HolderChange:
    end = next_day - dt.timedelta(days=1) if next_day else None
    return HolderChange(
        view, pcode, name, run["start"], end, *run["key"], tuple(run["old"]), tuple(run["new"])
    )


# -- formatting ---------------------------------------------------------------------------------


def plain(text) -> str:
    """Text for a terminal: control, line-breaking and bidirectional characters escaped
    (:func:`dashboard.problems.printable`).

    Examples
    --------
    >>> print(plain("red\\x1b[31m\\nnext\\u202e"))
    red\\x1b[31m\\nnext\\u202e
    """
    return printable(str(text))


_MARKDOWN = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def markdown(text) -> str:
    """Text that renders literally in Markdown (GitHub's included): every ASCII punctuation
    character backslash-escaped, so no emphasis, link, table cell, mention or raw HTML can
    start; control characters escaped as by :func:`plain`, lines joined.

    Examples
    --------
    >>> print(markdown("<b>*hi*</b> | @you"))
    \\<b\\>\\*hi\\*\\<\\/b\\> \\| \\@you
    """
    return _MARKDOWN.sub(r"\\\1", plain(text))


def _span(change: HolderChange) -> tuple[str, str]:
    return str(change.start), (str(change.end) if change.end else "onwards")


def _claim_line(claim: Claim) -> str:
    return f"{claim.date} {claim.source}: {claim.holder} in {claim.named or ', '.join(claim.districts)}"


def _counts(diff: ClaimsDiff) -> str:
    return (
        f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed; "
        f"{len(diff.holders)} district range{'s' if len(diff.holders) != 1 else ''} "
        f"with another holder"
    )


def to_text(diff: ClaimsDiff, *, old_name: str = "old", new_name: str = "new") -> str:
    """The comparison for a terminal; every text from the files has its control characters escaped.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> old = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    >>> new = tiny_claims([("2021-09-03", "red", "blue", ["North"])])
    >>> print(to_text(compare(old, new, views=["red"])), end="")
    old -> new: 0 added, 0 removed, 1 changed; 1 district range with another holder
    changed claims:
      ~ c0: holder
    holders that change, view red:
      North (XX0101)  2021-09-03 onwards  red -> blue  (old: c0; new: c0)
    """
    lines = [f"{plain(old_name)} -> {plain(new_name)}: {_counts(diff)}"]
    if diff.region:
        lines.append(f"region: {plain(diff.region[0])} -> {plain(diff.region[1])}")
    for title, items, mark in (("added claims", diff.added, "+"), ("removed claims", diff.removed, "-")):
        if items:
            lines.append(f"{title}:")
            lines += [f"  {mark} {plain(c.id)}  ({plain(_claim_line(c))})" for c in items]
    if diff.changed:
        lines.append("changed claims:")
        lines += [f"  ~ {plain(c.id)}: {', '.join(c.fields)}" for c in diff.changed]
    if diff.entries:
        lines.append("sides and sources:")
        lines += [
            f"  {e.kind} {plain(e.id)} {e.change}" + (f": {', '.join(e.fields)}" if e.fields else "")
            for e in diff.entries
        ]
    for view in diff.views():
        lines.append(f"holders that change, view {plain(view)}:")
        for h in (h for h in diff.holders if h.view == view):
            start, end = _span(h)
            span = f"{start} onwards" if h.end is None else start if h.end == h.start else f"{start} to {end}"
            lines.append(
                f"  {plain(h.district)} ({plain(h.pcode)})  {span}  "
                f"{plain(h.old_holder)} -> {plain(h.new_holder)}  "
                f"(old: {plain(', '.join(h.old_claims) or 'no claim')}; "
                f"new: {plain(', '.join(h.new_claims) or 'no claim')})"
            )
    if not diff:
        lines.append("no differences")
    return "\n".join(lines) + "\n"


def to_markdown(diff: ClaimsDiff, *, old_name: str = "old", new_name: str = "new") -> str:
    """The comparison as Markdown for a pull-request comment: lists and one table per view.

    Every text from the files is escaped with :func:`markdown`: it renders literally, and no
    HTML is written.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> old = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    >>> new = tiny_claims([("2021-09-03", "red", "blue", ["North"])])
    >>> print(to_markdown(compare(old, new, views=["red"])))  # doctest: +NORMALIZE_WHITESPACE
    ### Claims: old → new
    0 added, 0 removed, 1 changed; 1 district range with another holder
    <BLANKLINE>
    **Changed claims**
    <BLANKLINE>
    - c0: holder
    <BLANKLINE>
    **View red**: holders that change
    <BLANKLINE>
    | district | from | to | old holder | new holder | old claims | new claims |
    | --- | --- | --- | --- | --- | --- | --- |
    | North \\(XX0101\\) | 2021\\-09\\-03 | onwards | red | blue | c0 | c0 |
    <BLANKLINE>
    """
    md = markdown
    lines = [f"### Claims: {md(old_name)} → {md(new_name)}", _counts(diff), ""]
    if diff.region:
        lines += [f"Region: {md(diff.region[0])} → {md(diff.region[1])}", ""]
    for title, items in (("Added claims", diff.added), ("Removed claims", diff.removed)):
        if items:
            lines += [f"**{title}**", ""]
            lines += [f"- {md(c.id)}: {md(_claim_line(c))}" for c in items]
            lines.append("")
    if diff.changed:
        lines += ["**Changed claims**", ""]
        lines += [f"- {md(c.id)}: {md(', '.join(c.fields))}" for c in diff.changed]
        lines.append("")
    if diff.entries:
        lines += ["**Sides and sources**", ""]
        lines += [
            f"- {e.kind} {md(e.id)} {e.change}" + (f": {md(', '.join(e.fields))}" if e.fields else "")
            for e in diff.entries
        ]
        lines.append("")
    for view in diff.views():
        lines += [
            f"**View {md(view)}**: holders that change",
            "",
            "| district | from | to | old holder | new holder | old claims | new claims |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for h in (h for h in diff.holders if h.view == view):
            start, end = _span(h)
            cells = [
                f"{h.district} ({h.pcode})",
                start,
                end,
                h.old_holder,
                h.new_holder,
                ", ".join(h.old_claims) or "no claim",
                ", ".join(h.new_claims) or "no claim",
            ]
            lines.append("| " + " | ".join(md(c) for c in cells) + " |")
        lines.append("")
    if not diff:
        lines += ["No differences.", ""]
    return "\n".join(lines)
