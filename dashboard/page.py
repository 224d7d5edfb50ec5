"""What the Streamlit page needs besides the core: cached loaders, the panel, the chart.

Everything that reaches HTML from ``claims.yaml`` goes through :func:`html.escape`, and
links only ever point to http(s) addresses.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import importlib.util
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from . import boundaries, encoding, gazetteer, mapdata
from .claims import INDEPENDENT, UNKNOWN, ClaimSet, check_claims, claim_count_drop, read_limited
from .config import default_claims
from .control import COMBINED, ledger, resolve, timeline, what_changed
from .mapdata import BASEMAPS, view_label
from .problems import ClaimsError, Problem
from .voices import holder_name, who_says_what_columns


def _lazy(name: str):
    """``name`` as a module that is imported on its first use (the ``importlib`` recipe).

    Altair (with narwhals and jinja2) costs 0.1-0.6 s to import: the timeline chart needs it,
    the map above it does not, and the map's first paint waits for what the script runs first.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


alt = _lazy("altair")

BASEMAP_LABELS = {"none": "None (works offline)", "osm": "OpenStreetMap", "topo": "Topographic (OpenTopoMap)"}
COUNTRY_NAMES = {"AF": "Afghanistan"}
METHODOLOGY = Path(__file__).resolve().parent.parent / "docs" / "methodology.md"
CHART_WINDOW_DAYS = 42  # the detail chart's default span: the busiest six weeks


@dataclass
class Loaded:
    """The claims to show, the problems of the file on disk, and whether they differ."""

    path: str
    claims: ClaimSet | None = None
    problems: list[Problem] = field(default_factory=list)
    stale: bool = False  # showing the last good data, not what the file now says
    boundary_error: str | None = None
    drop: str | None = None  # the claim count fell sharply since the last good version


def claims_path() -> Path:
    return default_claims()


@st.cache_resource(show_spinner=False, max_entries=16)
def _parse(data: bytes, path: str) -> tuple[ClaimSet | None, list[Problem]]:
    # Keyed on the file's bytes, so an edit shows on the next interaction.
    return check_claims(data, path=path)


@st.cache_resource(show_spinner=False)
def _last_good() -> dict[str, ClaimSet]:
    return {}


@st.cache_resource(show_spinner=False)
def _drops() -> dict[str, str | None]:
    return {}


def load(path) -> Loaded:
    """Read and check the claims file; fall back to the last good claims if it is broken."""
    shown = str(path)
    try:
        data = read_limited(path)  # at most the size limit + 1 byte; a FIFO is refused, not awaited
    except ClaimsError as exc:
        claims, problems = None, exc.problems
    else:
        try:
            claims, problems = _parse(data, shown)
        except boundaries.BoundaryError as exc:
            return Loaded(shown, boundary_error=str(exc))
    good = _last_good()
    if claims is not None:
        previous = good.get(shown)
        if previous is None or previous.digest != claims.digest:
            _drops()[shown] = claim_count_drop(previous, claims)
        good[shown] = claims
        return Loaded(shown, claims, drop=_drops().get(shown))
    return Loaded(shown, good.get(shown), problems, stale=shown in good)


@st.cache_resource(show_spinner=False, max_entries=8)
def districts(province: str):
    """The province's districts, simplified for the web (shared borders kept shared)."""
    return boundaries.for_web(boundaries.load_region(province))


@st.cache_resource(show_spinner="Drawing the map…", max_entries=8)
def map_data(digest: str, _claims: ClaimSet, _districts) -> str:
    """The map engine's data (every view and day) as JSON; one string per claims file.

    The same string object on every rerun: the component's message is then unchanged and
    Streamlit sends the browser a reference to its cached copy instead of the bytes.
    """
    places = gazetteer.region_places(_districts, _claims.province)  # the sourced points: markers
    return mapdata.engine_json(mapdata.engine_data(_claims, _districts, places=places))


@st.cache_resource(show_spinner=False)
def freeze_libraries() -> None:
    """Once per process, before the first run loads anything: the imported libraries' objects
    (pandas, geopandas, pyarrow, Streamlit: about 100,000) out of the way of Python's full
    collections, which otherwise walked them several times while the first page loaded
    (a cold first paint 1.80 -> 1.66 s, median of 4; see :func:`settle_memory`).
    """
    gc.freeze()


@st.cache_resource(show_spinner=False, max_entries=8)
def settle_memory(digest: str) -> None:
    """Once per claims version and process, after a whole run: collect, then freeze what is left.

    The caches (claims, ledger, boundaries, map data, chart specs) and the libraries are a few
    hundred thousand long-lived objects, and each of Python's full collections walked them all:
    50-120 ms, at random reruns (the slowest slider steps at 399 districts). ``gc.freeze()``
    moves them out of the collector's way (later full collections see only newer objects); the
    ``gc.collect()`` before it frees what was already garbage. What the frozen objects hold is
    still freed by reference counting; only a cycle among them that dies later waits for the
    process's end, bounded by one freeze per claims version.
    """
    gc.collect()
    gc.freeze()


def default_basemap() -> str:
    """``none`` unless ``DASHBOARD_BASEMAP`` names another and ``DASHBOARD_OFFLINE`` is unset."""
    wanted = os.environ.get("DASHBOARD_BASEMAP", "none")
    if os.environ.get("DASHBOARD_OFFLINE") or wanted not in BASEMAPS:
        return "none"
    return wanted


# -- The region and the names derived from it ---------------------------------------------------


def region_name(claims: ClaimSet, districts=None) -> str:
    """The region the claims file is about, as the page names it.

    ``region.name`` of the file if it gives one; else the province's (or country's) name from
    the boundary data; else its code. Never fixed text.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> region_name(tiny_claims([]))
    'XX01'
    >>> import pandas as pd
    >>> region_name(tiny_claims([]), pd.DataFrame({"province_name": ["Northland"]}))
    'Northland'
    """
    given = getattr(claims, "region_name", None)
    if given:
        return given
    code = claims.province
    lookup = getattr(boundaries, "region_name", None)  # the boundary data's own names, if known
    if lookup is not None:
        try:
            found = lookup(code)
        except (LookupError, boundaries.BoundaryError, ValueError):
            found = None
        if found:
            return str(found)
    if code in COUNTRY_NAMES:
        return COUNTRY_NAMES[code]
    if districts is not None and "province_name" in getattr(districts, "columns", ()):
        names = [n for n in dict.fromkeys(districts["province_name"]) if isinstance(n, str) and n]
        if len(names) == 1:
            return names[0]
    return code


def slug(text: str) -> str:
    """A file-name-safe form of ``text``: lower-case ASCII letters and digits joined by ``-``.

    Examples
    --------
    >>> slug("Baghlan"), slug("Panjshir / پنجشیر"), slug("../..")
    ('baghlan', 'panjshir', 'region')
    """
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text)) or "region"


def file_stem(region: str, view: str, date: str) -> str:
    """Downloads' file name without extension: ``<region>-<view>-<date>``.

    Examples
    --------
    >>> file_stem("Baghlan", "taliban", "2021-09-05")
    'baghlan-taliban-2021-09-05'
    """
    return f"{slug(region)}-{slug(view)}-{date}"


# -- Days -----------------------------------------------------------------------------------------


def days(claims: ClaimSet) -> list[str]:
    """Every day from the first claim to the last, as ISO dates: the slider's steps.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> days(tiny_claims([("2021-09-03", "red", "red", ["North"]),
    ...                   ("2021-09-05", "blue", "blue", ["North"])]))
    ['2021-09-03', '2021-09-04', '2021-09-05']
    >>> days(tiny_claims([]))
    []
    """
    dates = [c.date for c in claims.claims]
    if not dates:
        return []
    start, end = min(dates), max(dates)
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def _view_dates(claims: ClaimSet, view: str) -> list[dt.date]:
    return [c.date for c in claims.claims if view == COMBINED or claims.view_of(c) == view]


def busiest_day(claims: ClaimSet) -> str | None:
    """The day with the most claims (the earliest of equals), or None if there is none."""
    return opening_day(claims, COMBINED)


def opening_day(claims: ClaimSet, view: str) -> str | None:
    """The day a page opens on in ``view``: the day with most claims in that view.

    So a new file never opens on an all-grey map: if ``view`` has no claim at all, the day with
    most claims of any view; None for a file with no claims.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"]),
    ...                   ("2021-09-03", "press", "red", ["South"]),
    ...                   ("2021-09-05", "blue", "blue", ["North"])])
    >>> opening_day(cs, "blue"), opening_day(cs, "combined"), opening_day(cs, "nobody")
    ('2021-09-05', '2021-09-03', '2021-09-03')
    >>> opening_day(tiny_claims([]), "red") is None
    True
    """
    if claims.digest:  # every rerun asks, for every view: once per claims file
        return _opening_days(claims.digest, claims).get(view) or _opening_day(claims, view)
    return _opening_day(claims, view)


@st.cache_resource(show_spinner=False, max_entries=16)
def _opening_days(digest: str, _claims: ClaimSet) -> dict[str, str | None]:
    return {v: _opening_day(_claims, v) for v in _claims.views}


def _opening_day(claims: ClaimSet, view: str) -> str | None:
    dates = _view_dates(claims, view) or [c.date for c in claims.claims]
    if not dates:
        return None
    counts = Counter(dates)
    most = max(counts.values())
    return min(d for d, n in counts.items() if n == most).isoformat()


def day_label(iso: str) -> str:
    """``2021-09-05`` as ``5 Sep 2021``.

    Examples
    --------
    >>> day_label("2021-09-05")
    '5 Sep 2021'
    """
    return dt.date.fromisoformat(iso).strftime("%-d %b %Y")


def claim_days(claims: ClaimSet, view: str) -> list[str]:
    """The dates with a claim in ``view``, as ISO dates."""
    return [d.isoformat() for d in ledger(claims).claim_dates(view)]


def neighbour_claim_day(claims: ClaimSet, view: str, iso: str, step: int) -> str | None:
    """The previous (step=-1) or next (step=+1) date with a claim in ``view``."""
    found = [d for d in claim_days(claims, view) if (d < iso if step < 0 else d > iso)]
    if not found:
        return None
    return found[-1] if step < 0 else found[0]


# -- Text shown literally -------------------------------------------------------------------------

_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp|www)(?=[:.])|([\w.+-])(?=@)")
WORD_JOINER = "\u2060"


def markdown_text(text: str) -> str:
    """Text shown literally where Streamlit renders Markdown (headings, captions, widget labels).

    Every ASCII punctuation character is backslash-escaped (CommonMark allows it for all of
    them), which defuses links, images, emphasis, HTML, ``$`` maths, ``:emoji:`` and
    ``:material/...:`` shortcodes and ``:red[...]`` colours. Bare addresses (``https://...``,
    ``www.``, ``a@b.c``), which GitHub-flavoured Markdown links even when escaped, get an
    invisible WORD JOINER (U+2060) before their ``:``, ``.`` or ``@``. Line breaks become spaces.

    Examples
    --------
    >>> markdown_text("[site](x) $x$ :smile:")
    '\\\\[site\\\\]\\\\(x\\\\) \\\\$x\\\\$ \\\\:smile\\\\:'
    >>> "\\u2060" in markdown_text("https://evil.example")
    True
    """
    text = re.sub(r"[\r\n\t\v\f]+", " ", str(text))
    text = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + WORD_JOINER, text)
    return _MD_PUNCTUATION.sub(r"\\\1", text)


def holder_label(claims: ClaimSet, holder: str) -> str:
    """A holder as a reader names it (plain text, not escaped)."""
    return holder_name(claims, holder)


def holders(claims: ClaimSet) -> list[str]:
    """Every holder value, from the claims (sides, contested, disputed when defined, unknown)."""
    return list(claims.holders)


def side_colors(claims: ClaimSet) -> dict[str, str]:
    return {sid: s.color for sid, s in claims.sides.items()}


def holder_colors(claims: ClaimSet) -> tuple[list[str], list[str]]:
    """The chart's colour scale: every holder and its flat (background) colour."""
    domain = holders(claims)
    return domain, [encoding.base_color(h, side_colors(claims)) for h in domain]


def _link(url: str | None, text: str = "link") -> str:
    if not url or not url.lower().startswith(("http://", "https://")):
        return ""
    return (
        f'<a href="{html.escape(url, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer">{html.escape(text)}</a>'
    )


def _color(value: str) -> str:
    # Colours come from the file; only a hex colour or a CSS gradient we made reaches a style.
    return (
        value
        if re.fullmatch(r"#[0-9A-Fa-f]{3,8}|repeating-linear-gradient\([#0-9A-Za-z ,.()-]*\)", value)
        else "#777777"
    )


def badge(claims: ClaimSet, holder: str) -> str:
    """HTML: a holder's name after a swatch drawn as on the map (colour, or its stripes)."""
    swatch = _color(encoding.css_background(holder, side_colors(claims)))
    return (
        f'<span class="badge" data-holder="{html.escape(holder)}">'
        f'<span class="swatch" style="background:{html.escape(swatch)}"></span>'
        f"{html.escape(holder_label(claims, holder))}</span>"
    )


_badge = badge


def legend(claims: ClaimSet, shown=None) -> str:
    """HTML: every holder's badge (or those in ``shown``), the legend of the chart and the table."""
    items = [badge(claims, h) for h in holders(claims) if shown is None or h in shown]
    return f'{PANEL_STYLE}<div class="claims-panel legend">{" ".join(items)}</div>'


def counts_html(claims: ClaimSet, holder_counts: dict[str, int]) -> str:
    """HTML: how many districts each holder has, with the holder's badge."""
    items = [
        f"<li><b>{n}</b> × {badge(claims, h)}</li>" for h in holders(claims) if (n := holder_counts.get(h, 0))
    ]
    return f'{PANEL_STYLE}<ul class="claims-panel counts">{"".join(items)}</ul>'


# Light or dark page alike: the text keeps the theme's colour; the highlight is a translucent
# tint and "later" a fade of it (7:1 on white, 9:1 on Streamlit's dark; tests/test_browser_a11y.py).
PANEL_STYLE = """<style>
.claims-panel { font-size: 0.85rem; }
.claims-panel table { border-collapse: collapse; width: 100%; }
.claims-panel th, .claims-panel td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left;
  vertical-align: top; }
.claims-panel .badge { overflow-wrap: anywhere; }
.claims-panel .swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em;
  vertical-align: -0.1em; border: 1px solid #333; }
.claims-panel q { font-style: italic; }
.claims-panel ul, .claims-panel ol, ul.claims-panel, ol.claims-panel { list-style: none;
  padding-left: 0; margin: 0; }
.claims-panel li { margin-bottom: 0.3rem; }
.claims-panel.history li { border-left: 3px solid transparent; padding: 3px 6px; margin-bottom: 4px; }
.claims-panel.history li.in-force { border-left-color: #b8860b; background: rgba(255, 200, 0, 0.18); }
.claims-panel.history li.later { color: color-mix(in srgb, currentColor 70%, transparent); }
.claims-panel.history .when { font-weight: 600; }
.claims-panel.legend .badge { margin-right: 1rem; }
</style>"""


def district_panel(claims: ClaimSet, pcode: str, *, view: str, on: str) -> str:
    """HTML: every claim about one district, in every view, the ones now in force highlighted.

    A list (not a wide table), so it reads in the page's narrow right column.
    """
    in_force = set(next(s for s in resolve(claims, view=view, on=on).states if s.pcode == pcode).claim_ids)
    day = dt.date.fromisoformat(on)
    rows = []
    for c in sorted((c for c in claims.claims if pcode in c.districts), key=lambda c: (c.when, c.order)):
        source = claims.sources[c.source]
        classes = "in-force" if c.id in in_force else ("later" if c.date > day else "")
        quote = f"<br><q>{html.escape(c.quote)}</q>" if c.quote else ""
        note = f"<br><small>{html.escape(c.note)}</small>" if c.note else ""
        via = f" via {html.escape(claims.sources[c.via].name)}" if c.via else ""
        confidence = f" · confidence {html.escape(c.confidence)}" if c.confidence else ""
        when = html.escape(c.when.isoformat(sep=" ", timespec="minutes").removesuffix(" 00:00"))
        rows.append(
            f'<li class="{classes}" data-claim="{html.escape(c.id)}">'
            f'<span class="when">{when}</span> · {html.escape(view_label(claims, source.side))}: '
            f"{badge(claims, c.holder)}<br>{html.escape(source.name)}{via} "
            f"{_link(c.url, 'source')} {_link(c.archived_url, 'archive')}{confidence}{quote}{note}</li>"
        )
    body = "".join(rows) or "<li>No claim names this district.</li>"
    return f'{PANEL_STYLE}<ol class="claims-panel history">{body}</ol>'


def claims_made(claims: ClaimSet, made) -> str:
    """HTML: the claims made on one day, one line each (source, holder, districts)."""
    names = {d.pcode: d.name for d in claims.districts}
    items = []
    for c in made:
        via = f" via {html.escape(claims.sources[c.via].name)}" if c.via else ""
        where = ", ".join(names[p] for p in c.districts)
        if len(c.districts) == len(names) and len(names) > 1:
            where = "all districts"
        source = html.escape(claims.sources[c.source].name)
        items.append(
            f"<li>{badge(claims, c.holder)} {html.escape(where)}: "
            f"<b>{source}</b>{via} {_link(c.url, 'source')}</li>"
        )
    return f'{PANEL_STYLE}<ul class="claims-panel made">{"".join(items)}</ul>'


def changes_html(claims: ClaimSet, changes, previous: dt.date | None) -> str:
    """HTML: the districts whose holder changed since the view's previous claim day."""
    if not changes:
        return ""
    since = f"since {day_label(previous.isoformat())}" if previous else "at the first claim"
    items = [
        f"<li>{html.escape(c.district)}: {badge(claims, c.before)} → {badge(claims, c.after)}</li>"
        for c in changes
    ]
    return (
        f'{PANEL_STYLE}<div class="claims-panel changes">Changed {html.escape(since)}:'
        f"<ul>{''.join(items)}</ul></div>"
    )


# -- What follows the date, computed once per (claims, view, date) -------------------------------


@dataclass(frozen=True)
class Panels:
    """Everything the page shows for one (claims file, view, date), ready to draw."""

    counts: dict
    made: int
    made_html: str
    changes_html: str
    table: pa.Table  # who says what, ready for st.dataframe (see voice_columns)
    table_config: dict


@st.cache_data(show_spinner=False, max_entries=256)
def panels(digest: str, view: str, date: str, _claims: ClaimSet) -> Panels:
    """The counts, what changed and the who-says-what table, cached per ``(digest, view, date)``
    (the claims themselves are not hashed: the digest stands for them).

    Computed from the ledger's arrays, with no :class:`~dashboard.control.Snapshot`: a slider
    step misses this cache, so it is on the path of every step.
    """
    led = ledger(_claims)
    codes = np.bincount(led.holder_codes(view, date), minlength=len(led.holders)).tolist()
    counts = dict(zip(led.holders, codes, strict=True))
    made, changes, previous = what_changed(_claims, view=view, on=date)
    return Panels(
        counts,
        len(made),
        claims_made(_claims, made) if made else "",
        changes_html(_claims, changes, previous),
        *voice_columns(_claims, who_says_what_columns(_claims, date)),
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def snapshot(digest: str, view: str, date: str, _claims: ClaimSet):
    """:func:`dashboard.control.resolve`, cached per ``(digest, view, date)``: for the downloads,
    which call it only when a file is asked for."""
    return resolve(_claims, view=view, on=date)


@st.cache_data(show_spinner=False, max_entries=256)
def history(digest: str, pcode: str, view: str, date: str, _claims: ClaimSet) -> str:
    """:func:`district_panel`, cached per ``(digest, district, view, date)``."""
    return district_panel(_claims, pcode, view=view, on=date)


def voice_columns(claims: ClaimSet, table) -> tuple[pa.Table, dict]:
    """The who-says-what table ready for ``st.dataframe``: readable headers, link columns.

    ``table`` is :func:`~dashboard.voices.who_says_what`'s frame or the same as plain columns
    (:func:`~dashboard.voices.who_says_what_columns`). Returns the table (renamed columns,
    P-code dropped) and its ``column_config``. Holders,
    dates and sources repeat down their columns: they are Arrow dictionaries, each text sent
    once (at 399 districts 26 kB a step instead of 108 kB); the table shows, sorts and searches
    the text as before.
    """
    labels = {v: view_label(claims, v).removesuffix(" claims") for v in (*claims.sides, INDEPENDENT)}
    labels[COMBINED] = "Combined"
    renamed = {"district": "District"}
    config = {"District": st.column_config.TextColumn("District", pinned=True)}
    for column in table:  # a DataFrame or who_says_what_columns()'s dict of lists
        voice, _, part = column.rpartition(" ")
        if voice in labels:
            name = f"{labels[voice]}: {part}"
            renamed[column] = name
            if part == "link":
                config[name] = st.column_config.LinkColumn(name, display_text="source ↗")
    names, arrays = [], []
    for column in table:
        name = renamed.get(column, column)
        if column == "pcode" or name.startswith("Combined: ") and name.endswith(("source", "link")):
            continue
        values = table[column]
        values = pa.array(
            values.tolist() if hasattr(values, "tolist") else values, pa.string(), from_pandas=True
        )
        if name != "District" and not name.endswith(": link"):
            values = values.cast(
                pa.dictionary(pa.int16() if len(values) < 2**15 else pa.int32(), pa.string())
            )
        names.append(name)
        arrays.append(values)
    return pa.Table.from_arrays(arrays, names=names), config


# -- The timeline chart: focus + context ----------------------------------------------------------


def chart_key() -> str:
    """The chart's widget key now. It changes after each pick, so the chart comes back with no
    selection and a second click on the same tick picks again."""
    return f"chart-{st.session_state.get('chart_epoch', 0)}"


def on_chart_pick() -> None:
    """``on_select`` callback of the chart: keep the picked date for the state block.

    Sets ``st.session_state.chart_pick`` (ISO date, read once by :func:`take_chart_pick`) and
    starts a new chart (see :func:`chart_key`) with no selection; :func:`chart_window` then keeps
    the detail's span, or centres it on the picked day if that lies outside.
    """
    picked = picked_date(st.session_state.get(chart_key()))
    if picked is None:
        return
    st.session_state.chart_pick = st.session_state.chart_centre = picked
    st.session_state.chart_epoch = st.session_state.get("chart_epoch", 0) + 1


def chart_window(claims: ClaimSet, view: str) -> tuple[str, str] | None:
    """The detail chart's span for this run: the busiest weeks of ``view`` at first, the same
    span after a pick inside it, centred on a pick outside it (the user had brushed elsewhere)."""
    state = st.session_state
    key = f"{claims.digest}/{view}"
    window = state.get("chart_window") if state.get("chart_window_for") == key else None
    window = window or busiest_window(claims, view)
    centre = state.pop("chart_centre", None)
    if window and centre and not window[0] <= centre <= window[1]:
        window = busiest_window(claims, view, around=centre)
    state.chart_window, state.chart_window_for = window, key
    return window


def take_chart_pick() -> str | None:
    """The date picked on the chart since the last call (ISO), or None: for the state block."""
    return st.session_state.pop("chart_pick", None)


def busiest_window(
    claims: ClaimSet, view: str, span: int = CHART_WINDOW_DAYS, around: str | None = None
) -> tuple[str, str] | None:
    """The chart's default detail window: ``span`` days with most claims in ``view`` (or centred
    on ``around``); None when the whole range is short enough to show at once.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-01-01", "red", "red", ["North"]),
    ...                   ("2021-06-01", "red", "red", ["North"]),
    ...                   ("2021-06-03", "red", "red", ["South"]),
    ...                   ("2021-12-31", "red", "red", ["North"])])
    >>> busiest_window(cs, "red", span=10)
    ('2021-06-01', '2021-06-11')
    >>> busiest_window(cs, "red", span=10, around="2021-12-30")
    ('2021-12-21', '2021-12-31')
    """
    every = days(claims)
    if len(every) <= 2 * span:
        return None
    first, last = dt.date.fromisoformat(every[0]), dt.date.fromisoformat(every[-1])
    if around:
        start = dt.date.fromisoformat(around) - dt.timedelta(days=span // 2)
    else:
        dates = sorted(_view_dates(claims, view) or [c.date for c in claims.claims])
        best, start, j = -1, first, 0
        for i, d in enumerate(dates):
            while dates[j] < d - dt.timedelta(days=span):
                j += 1
            if i - j + 1 > best:
                best, start = i - j + 1, dates[j]
    start = max(first, min(start, last - dt.timedelta(days=span)))
    return start.isoformat(), (start + dt.timedelta(days=span)).isoformat()


def timeline_chart(
    claims: ClaimSet, *, view: str, key_dates: list[str], window: tuple[str, str] | None = None
) -> dict:
    """Districts per holder over time as a Vega-Lite spec: a detail chart over an overview strip.

    The overview spans every day of the slider; its brush picks the detail's span (by default
    ``window``, the busiest weeks). Sides are drawn in their colours, ``contested`` and
    ``disputed`` in their stripes (:mod:`dashboard.encoding`), as on the map. A click on a tick
    of the detail picks a date (the ``pick`` selection).

    The rule at the selected date reads the chart's main data (:func:`timeline_rule`), which
    ``st.vega_lite_chart`` sends beside the spec. The spec itself does not depend on the date,
    so a step of the slider leaves it unchanged and the browser only moves the rule.
    """
    if not claims.digest:  # claims built in code (tests): nothing to key a cache on
        return _timeline_spec(claims, view, list(key_dates), window)
    key_dates = tuple(key_dates)
    return _cached_spec(claims.digest, view, (len(key_dates), hash(key_dates)), window, claims, key_dates)


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_spec(
    digest: str, view: str, dates_key: tuple, window, _claims: ClaimSet, _key_dates: tuple
) -> dict:
    # Keyed on the claims file's digest (the claims themselves are not hashed) and on the key
    # dates' hash (Streamlit's hashing of 399 dates took 5 ms a rerun). The same dict on every
    # rerun, not a copy (st.vega_lite_chart copies the top level before changing it).
    return _timeline_spec(_claims, view, list(_key_dates), window)


def timeline_rule(on: str) -> pa.Table:
    """The chart's main data: the selected date, which the rule layer draws."""
    return pa.table({"date": [on]})


def timeline_frame(claims: ClaimSet, view: str) -> pd.DataFrame:
    """Districts per holder at each change, from the slider's first day to its last, each date once.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims
    >>> cs = tiny_claims([("2021-09-03", "press", "red", ["North"]),
    ...                   ("2021-09-05", "red", "red", ["North"])])
    >>> timeline_frame(cs, "red")[["date", "red", "unknown"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'date': datetime.date(2021, 9, 3), 'red': 0, 'unknown': 3},
     {'date': datetime.date(2021, 9, 5), 'red': 1, 'unknown': 2}]
    """
    every = days(claims)
    all_holders = holders(claims)
    frame = timeline(claims, view=view).reindex(columns=["date", *all_holders], fill_value=0)
    first = dt.date.fromisoformat(every[0]) if every else dt.date.today()
    last = dt.date.fromisoformat(every[-1]) if every else first
    empty = {h: 0 for h in all_holders} | {UNKNOWN: len(claims.districts)}
    if frame.empty or frame["date"].iloc[0] > first:
        frame = pd.concat([pd.DataFrame([{"date": first, **empty}]), frame], ignore_index=True)
    if frame["date"].iloc[-1] < last:  # carry the last state to the slider's end, once
        frame = pd.concat([frame, frame.tail(1).assign(date=last)], ignore_index=True)
    return frame.drop_duplicates("date", keep="last").reset_index(drop=True)


def _utc(iso) -> alt.DateTime:
    d = dt.date.fromisoformat(str(iso))
    return alt.DateTime(year=d.year, month=d.month, date=d.day, utc=True)


def _timeline_spec(claims: ClaimSet, view: str, key_dates: list[str], window: tuple[str, str] | None) -> dict:
    frame = timeline_frame(claims, view)
    order = {h: i for i, h in enumerate(holders(claims))}
    # Sent wide (a date, then a count per holder: a few kB where the long form was 160 kB at
    # 399 districts) and folded in the browser; the holders' ids and labels are looked up from
    # a small table, as data (an id may hold a dot, which a field name would read as a path).
    # ISO dates, read by Vega-Lite as UTC midnight, on a UTC scale: the same day in every
    # browser's time zone, for the areas, the ticks and the rule alike.
    keys = [f"h{i}" for i in order.values()]
    count = "int16" if len(claims.districts) < 2**15 else "int32"
    datasets = {
        "timeline": pa.Table.from_pandas(
            pd.DataFrame(
                {"date": [d.isoformat() for d in frame["date"]]}
                | {k: frame[h].astype(count) for k, h in zip(keys, order, strict=True)}
            ),
            preserve_index=False,
        ),
        "claim_days": pa.table({"date": list(key_dates)}),
    }
    holder_table = alt.LookupData(
        data=alt.InlineData(
            values=[
                {"key": k, "holder": h, "label": holder_label(claims, h), "order": i}
                for k, (h, i) in zip(keys, order.items(), strict=True)
            ]
        ),
        key="key",
        fields=["holder", "label", "order"],
    )
    domain, colors = holder_colors(claims)
    # Fixed domains: otherwise the rule's date is part of the x scale's extent, and moving the
    # rule would redraw every mark; and the y axis is the number of districts, no more.
    ends = [_utc(frame["date"].iloc[0]), _utc(frame["date"].iloc[-1])]
    n = max(len(claims.districts), 1)
    day = 24 * 3600 * 1000  # a day in Vega-Lite's milliseconds
    # Days, never hours; labels in #333 (12.6:1), not the theme's grey #808495 (3.7:1 on white).
    axis = alt.Axis(tickMinStep=day, labelOverlap=True, format="%-d %b", labelColor="#333")
    strip_axis = alt.Axis(
        tickMinStep=day, labelOverlap=True, format="%b %Y" if window else "%-d %b", labelColor="#333"
    )
    brush = alt.selection_interval(
        name="brush", encodings=["x"], value={"x": [_utc(w) for w in window]} if window else alt.Undefined
    )
    pick = alt.selection_point(name="pick", fields=["date"], on="click", nearest=True)
    stacked = (
        alt.Chart(alt.Data(name="timeline"))
        .transform_fold(keys, as_=["key", "districts"])
        .transform_lookup(lookup="key", from_=holder_table)
        .transform_stack(stack="districts", groupby=["date"], as_=["y0", "y1"], sort=[alt.SortField("order")])
    )
    color = alt.Color("holder:N", scale=alt.Scale(domain=domain, range=colors), legend=None)
    tooltip = [
        alt.Tooltip("utcyearmonthdate(date):T", title="date", format="%Y-%m-%d"),
        alt.Tooltip("label:N", title="holder"),
        alt.Tooltip("districts:Q"),
    ]

    def areas(x, *, detail: bool):
        # Labels inside the plot: Streamlit gives each part of the chart the full width, so an
        # axis outside it would push the chart past the page's right edge.
        inside = {
            "labelAlign": "left",
            "labelPadding": -4,
            "tickSize": 0,
            "domain": False,
            "labelColor": "#111",
            "labelFontWeight": "bold",
            "title": None,
            "grid": False,
            "zindex": 1,
        }
        y = alt.Y(
            "y0:Q",
            scale=alt.Scale(domain=[0, n], nice=False),
            axis=alt.Axis(tickMinStep=1, labelBaseline="bottom", **inside)
            if detail
            else alt.Axis(values=[n], labelBaseline="top", **inside),
        )
        layers = [
            stacked.mark_area(interpolate="step-after", clip=True, opacity=0.9).encode(
                x=x, y=y, y2="y1:Q", color=color, tooltip=tooltip if detail else alt.Undefined
            )
        ]
        for holder in encoding.HATCHES:
            if holder in order:
                # The stripes are set in the dict below: altair validates a gradient of many
                # stops slowly.
                layers.append(
                    stacked.transform_filter(alt.datum.holder == holder)
                    .mark_area(
                        interpolate="step-after",
                        clip=True,
                        fill="#000000",
                        description=f"hatch {holder} {240 if detail else 120}",
                    )
                    .encode(x=x, y=y, y2="y1:Q", tooltip=tooltip if detail else alt.Undefined)
                )
        return layers

    x_all = alt.X("date:T", title=None, axis=strip_axis, scale=alt.Scale(type="utc", domain=ends))
    x_zoom = alt.X(
        "date:T",
        title=None,
        axis=axis,
        # The brushed span, else the slider's range: never the data's extent, which would
        # make the scale (and every mark on it) update whenever the rule's date moves.
        scale=alt.Scale(
            type="utc", domain=ends, domainRaw={"expr": 'brush["date"]'} if window else alt.Undefined
        ),
    )
    height = 170
    ticks = (
        alt.Chart(alt.Data(name="claim_days"))
        .mark_tick(color="#111", thickness=2, size=14, clip=True)
        .encode(
            x=x_zoom,
            y=alt.value(height),
            tooltip=[alt.Tooltip("utcyearmonthdate(date):T", title="claims on", format="%Y-%m-%d")],
        )
        .add_params(pick)
    )
    rule = (
        alt.Chart()
        .mark_rule(color="black", strokeWidth=2, clip=True, description="date-rule")
        .encode(x=x_zoom)
    )
    detail = alt.layer(*areas(x_zoom, detail=True), ticks, rule).properties(height=height, width="container")
    strip = areas(x_all, detail=False)
    strip[0] = strip[0].add_params(brush)
    overview = alt.layer(*strip).properties(height=40, width="container")
    spec = alt.vconcat(detail, overview, spacing=6).resolve_scale(color="shared").to_dict()
    # The rule draws the main data, so its layer has none of its own; and no theme sizes.
    _drop_rule_data(spec)
    _set_hatches(spec)
    spec.pop("config", None)
    spec.pop("data", None)
    # Arrow tables, which Streamlit sends as they are (no conversion on each rerun).
    spec["datasets"] = {
        n: v if isinstance(v, pa.Table) else pa.Table.from_pylist(v)
        for n, v in spec.get("datasets", {}).items()
    } | datasets
    return spec


def _set_hatches(spec: dict) -> None:
    """Give each hatched layer its stripes: a gradient parameter, whose stops are a dataset.

    A gradient drawn as stripes has four stops a stripe, hundreds in all: as JSON in the spec
    they were 125 kB of every message that carries the chart (which a slider step re-sends:
    the rule's date changes). As Arrow data (an offset and a colour a row) they are about
    4 kB each, and the parameter's expression, ``{gradient: ..., stops: data('stripes_0')}``,
    numbers and names of our own, builds the gradient once in the browser. Each layer's fill
    names its parameter (``{"expr": ...}``): a gradient written into the mark would be rebuilt
    for every point of the area on every update of the chart's data (Vega encodes an area
    point by point; about 140 ms of the browser's main thread a step at 399 districts).

    Vega-Lite compiles only the data some layer reads, so an empty layer reads each stripes
    dataset (a point layer with no encoding, its rows filtered out: it draws nothing).
    """
    found: dict[tuple[str, int], str] = {}

    def visit(node) -> None:
        if isinstance(node, dict):
            mark = node.get("mark")
            if isinstance(mark, dict) and str(mark.get("description", "")).startswith("hatch "):
                _, holder, count = mark.pop("description").split(" ")
                name = found.setdefault((holder, int(count)), f"hatch_{len(found)}")
                mark["fill"] = {"expr": name}
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(spec)
    params, datasets, readers = [], {}, []
    for (holder, count), name in found.items():
        gradient = encoding.vega_stripes(holder, count)
        stops = gradient.pop("stops")
        data = f"stripes_{name.removeprefix('hatch_')}"
        datasets[data] = pa.table(
            {
                "offset": pa.array([s["offset"] for s in stops], pa.float32()),
                "color": pa.array([s["color"] for s in stops], pa.dictionary(pa.int8(), pa.string())),
            }
        )
        fields = ", ".join(f"{k}: {v if isinstance(v, int) else repr(v)}" for k, v in gradient.items())
        params.append({"name": name, "expr": f"{{{fields}, stops: data('{data}')}}"})
        readers.append(
            {
                "data": {"name": data},
                "mark": {"type": "point", "opacity": 0, "aria": False},  # draws nothing: no role
                "transform": [{"filter": "false"}],
            }
        )
    if found:
        spec["params"] = [*spec.get("params", []), *params]
        spec["vconcat"][0]["layer"].extend(readers)
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}


def _drop_rule_data(node) -> None:
    if isinstance(node, dict):
        mark = node.get("mark")
        if isinstance(mark, dict) and mark.get("description") == "date-rule":
            node.pop("data", None)
        for value in node.values():
            _drop_rule_data(value)
    elif isinstance(node, list):
        for value in node:
            _drop_rule_data(value)


def picked_date(selection) -> str | None:
    """The date clicked on the chart, from ``st.vega_lite_chart(..., on_select=...)``'s state.

    Examples
    --------
    >>> picked_date({"selection": {"pick": [{"date": 1630800000000}]}})
    '2021-09-05'
    >>> picked_date({"selection": {"pick": []}}) is None
    True
    """
    try:
        points = selection["selection"]["pick"]
        value = points[0]["date"]
    except (KeyError, IndexError, TypeError):
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value / 1000, dt.UTC).date().isoformat()
    return str(value)[:10]


def methodology() -> str | None:
    """The text of ``docs/methodology.md`` (our own Markdown, not claim text), if present."""
    try:
        return METHODOLOGY.read_text(encoding="utf-8")
    except OSError:
        return None


def figure_module():
    """``dashboard.figure`` if it is installed in this tree, else None (it may not have landed)."""
    import importlib
    import importlib.util

    if importlib.util.find_spec("dashboard.figure") is None:
        return None
    return importlib.import_module("dashboard.figure")


# -- Comparing with an earlier version of the claims file (sidebar) ----------------------------


@st.cache_data(ttl=30, show_spinner=False)
def _revisions(path: str) -> list:
    from . import revisions

    try:
        return revisions.history(path, limit=30)
    except revisions.RevisionError:
        return []  # not in a git repository (or no git): no comparison offered


@st.cache_resource(show_spinner="Comparing…", max_entries=16)
def _holder_changes(path: str, rev: str, digest: str, view: str, _claims: ClaimSet):
    """The holder changes between ``path`` at ``rev`` and the claims shown, in one view."""
    from . import diff, revisions

    shown = f"{path}@{rev}"
    try:
        data = revisions.show(path, rev)
    except revisions.RevisionError as exc:
        return None, [Problem(shown, 1, "unreadable", str(exc))]
    old, problems = _parse(data, shown)
    if old is None:
        return None, problems
    return diff.compare(old, _claims, views=[view]).holders, []


def earlier_version_sidebar(loaded: Loaded, claims: ClaimSet, *, view: str, on: str) -> None:
    """In the sidebar: pick an earlier git revision of the claims file and list the districts
    whose colour differs in ``view`` between it and the claims shown (nothing outside git).

    Every text from either file is shown in a data frame (plain text), never as Markdown.
    """
    revs = _revisions(loaded.path)
    if not revs:
        return
    labels = {r.rev: f"{r.date} {r.rev}: {r.subject[:60]}" for r in revs}
    with st.sidebar:
        st.subheader("Compare with an earlier version")
        rev = st.selectbox(
            "Version of the claims file (git)",
            [None, *labels],
            key="compare_rev",
            format_func=lambda r: "Choose a commit…" if r is None else labels[r],
        )
        if rev is None:
            st.caption(
                "Lists the districts whose colour in the view shown would differ; "
                "`python -m dashboard diff --git REV` gives the whole comparison."
            )
            return
        changes, problems = _holder_changes(loaded.path, rev, claims.digest, view, claims)
        if changes is None:
            st.error(f"That version has {len(problems)} problem(s).")
            st.code("\n".join(str(p) for p in problems), language=None)
            return
        if not changes:
            st.caption("No district has another colour in this view.")
            return
        day = dt.date.fromisoformat(on)
        st.caption(
            f"{len(changes)} district range(s) with another colour in this view "
            "(then → now); ✓ marks the ones on the date shown."
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "district": c.district,
                        "from": c.start.isoformat(),
                        "to": c.end.isoformat() if c.end else "onwards",
                        "then": holder_label(claims, c.old_holder),
                        "now": holder_label(claims, c.new_holder),
                        "on date": "✓" if c.start <= day and (c.end is None or day <= c.end) else "",
                    }
                    for c in changes
                ]
            ),
            hide_index=True,
        )
