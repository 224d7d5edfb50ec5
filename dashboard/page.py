"""What the Streamlit page needs besides the core: cached loaders, the panel, the chart.

Everything that reaches HTML from ``claims.yaml`` goes through :func:`html.escape`, and
links only ever point to http(s) addresses.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from . import boundaries
from .claims import CONTESTED, DISPUTED, UNKNOWN, ClaimSet, check_claims, claim_count_drop, read_limited
from .cli import default_claims
from .control import ledger, resolve, timeline
from .maps import BASEMAPS, UNKNOWN_COLOR, build_map, standalone_html, view_label
from .problems import ClaimsError, Problem

BASEMAP_LABELS = {"none": "None (works offline)", "osm": "OpenStreetMap", "topo": "Topographic (OpenTopoMap)"}
CONTESTED_COLOR = "#555555"
DISPUTED_COLOR = "#CC79A7"  # placeholder until the page draws disputed its own way


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
def map_page(digest: str, basemap: str, _claims: ClaimSet, _districts) -> str:
    """The map page with every view's history; one per claims file and basemap."""
    first = resolve(_claims, view=_claims.views[0], on=min(c.date for c in _claims.claims))
    return standalone_html(build_map(first, _districts, _claims, basemap=basemap, popups=False,
                                     compact=True))


def default_basemap() -> str:
    """``none`` unless ``DASHBOARD_BASEMAP`` names another and ``DASHBOARD_OFFLINE`` is unset."""
    wanted = os.environ.get("DASHBOARD_BASEMAP", "none")
    if os.environ.get("DASHBOARD_OFFLINE") or wanted not in BASEMAPS:
        return "none"
    return wanted


def days(claims: ClaimSet) -> list[str]:
    """Every day from the first claim to the last, as ISO dates: the slider's steps."""
    dates = [c.date for c in claims.claims]
    start, end = min(dates), max(dates)
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def busiest_day(claims: ClaimSet) -> str:
    """The day with the most claims: where a first look is most telling."""
    counts = pd.Series([c.date.isoformat() for c in claims.claims]).value_counts()
    return str(counts.sort_index().idxmax())


def day_label(iso: str) -> str:
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


def markdown_text(text: str) -> str:
    """Text shown literally where Streamlit renders Markdown (widget labels): escape its syntax."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~<>$])", r"\\\1", text)


def holder_label(claims: ClaimSet, holder: str) -> str:
    if holder in claims.sides:
        return claims.sides[holder].label
    return {CONTESTED: "Contested", DISPUTED: "Disputed", UNKNOWN: "No claim yet"}.get(holder, holder)


def holder_colors(claims: ClaimSet) -> tuple[list[str], list[str]]:
    domain = [*claims.sides, CONTESTED, DISPUTED, UNKNOWN]
    return domain, [*(s.color for s in claims.sides.values()), CONTESTED_COLOR, DISPUTED_COLOR,
                    UNKNOWN_COLOR]


def _link(url: str | None, text: str = "link") -> str:
    if not url or not url.lower().startswith(("http://", "https://")):
        return ""
    return (f'<a href="{html.escape(url, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{html.escape(text)}</a>')


def _badge(claims: ClaimSet, holder: str) -> str:
    color = claims.sides[holder].color if holder in claims.sides else \
        {CONTESTED: CONTESTED_COLOR, DISPUTED: DISPUTED_COLOR}.get(holder, "#999999")
    return (f'<span class="badge" style="border-color:{html.escape(color)}">'
            f'{html.escape(holder_label(claims, holder))}</span>')


PANEL_STYLE = """<style>
.claims-panel table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
.claims-panel th, .claims-panel td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left;
  vertical-align: top; }
.claims-panel tr.in-force td { background: #fff3c4; font-weight: 600; }
.claims-panel .badge { border-left: 6px solid; padding-left: 4px; white-space: nowrap; }
.claims-panel q { font-style: italic; }
.claims-panel .later td { color: #888; }
.claims-panel.made { padding-left: 1rem; font-size: 0.85rem; }
.claims-panel.made li { margin-bottom: 0.3rem; }
</style>"""


def district_panel(claims: ClaimSet, pcode: str, *, view: str, on: str) -> str:
    """HTML: every claim about one district, in every view, the ones now in force highlighted."""
    in_force = set(next(s for s in resolve(claims, view=view, on=on).states
                        if s.pcode == pcode).claim_ids)
    day = dt.date.fromisoformat(on)
    rows = []
    for c in sorted((c for c in claims.claims if pcode in c.districts), key=lambda c: (c.when, c.order)):
        source = claims.sources[c.source]
        side = source.side
        classes = "in-force" if c.id in in_force else ("later" if c.date > day else "")
        quote = f"<q>{html.escape(c.quote)}</q>" if c.quote else ""
        note = f"<br><small>{html.escape(c.note)}</small>" if c.note else ""
        via = html.escape(claims.sources[c.via].name) if c.via else ""
        rows.append(
            f'<tr class="{classes}" data-claim="{html.escape(c.id)}">'
            f"<td>{html.escape(c.when.isoformat(sep=' ', timespec='minutes').removesuffix(' 00:00'))}</td>"
            f"<td>{html.escape(view_label(claims, side))}</td><td>{_badge(claims, c.holder)}</td>"
            f"<td>{html.escape(source.name)}</td><td>{via}</td>"
            f"<td>{_link(c.url)} {_link(c.archived_url, 'archive')}</td>"
            f"<td>{quote}{note}</td><td>{html.escape(c.confidence or '')}</td></tr>")
    head = ("<tr><th>Date</th><th>View</th><th>Holder</th><th>Source</th><th>Via</th><th>Link</th>"
            "<th>Quote / note</th><th>Confidence</th></tr>")
    body = "".join(rows) or '<tr><td colspan="8">No claim names this district.</td></tr>'
    return f'{PANEL_STYLE}<div class="claims-panel"><table>{head}{body}</table></div>'


def claims_made(claims: ClaimSet, made) -> str:
    """HTML: the claims made on one day, one line each (source, holder, districts)."""
    names = {d.pcode: d.name for d in claims.districts}
    items = []
    for c in made:
        via = f" via {html.escape(claims.sources[c.via].name)}" if c.via else ""
        where = ", ".join(names[p] for p in c.districts)
        if len(c.districts) == len(names) and len(names) > 1:
            where = "all districts"
        items.append(f"<li>{_badge(claims, c.holder)} {html.escape(where)}: "
                     f"<b>{html.escape(claims.sources[c.source].name)}</b>{via} {_link(c.url, 'source')}</li>")
    return f'{PANEL_STYLE}<ul class="claims-panel made">{"".join(items)}</ul>'


def timeline_chart(claims: ClaimSet, *, view: str, key_dates: list[str]) -> dict:
    """Districts per holder over time as a Vega-Lite spec; a click on a tick picks a date.

    The rule at the selected date reads the chart's main data (:func:`timeline_rule`), which
    ``st.vega_lite_chart`` sends beside the spec. The spec itself does not depend on the date,
    so a step of the slider leaves it unchanged and the browser only moves the rule instead of
    building the chart again (which was most of the browser's work per step on 399 districts).
    """
    specs = claims.__dict__.setdefault("_timeline_specs", {})
    key = (view, tuple(key_dates))
    if key not in specs:
        specs[key] = _timeline_spec(claims, view, key_dates)
    return specs[key]


def timeline_rule(on: str) -> pd.DataFrame:
    """The chart's main data: the selected date, which the rule layer draws."""
    return pd.DataFrame({"date": [on]})


def _timeline_spec(claims: ClaimSet, view: str, key_dates: list[str]) -> dict:
    frame = timeline(claims, view=view)
    last = max(c.date for c in claims.claims)
    if frame.empty:
        frame = pd.DataFrame([{"date": last, **{h: 0 for h in claims.holders}}])
    # Carry the last state to the end of the range so the steps span the whole slider.
    frame = pd.concat([frame, frame.tail(1).assign(date=last)], ignore_index=True)
    long = frame.melt("date", var_name="holder", value_name="districts")
    # ISO dates, read by Vega-Lite as UTC midnight, on a UTC scale: the same day in every
    # browser's time zone, for the areas, the ticks and the rule alike.
    long["date"] = [d.isoformat() for d in long["date"]]
    long["label"] = [holder_label(claims, h) for h in long["holder"]]
    domain, colors = holder_colors(claims)
    # A fixed domain: otherwise the rule's date is part of the x scale's extent, and moving the
    # rule would redraw every mark.
    ends = [alt.DateTime(year=d.year, month=d.month, date=d.day, utc=True)
            for d in (frame["date"].iloc[0], last)]
    x = alt.X("date:T", title=None, scale=alt.Scale(type="utc", domain=ends))
    pick = alt.selection_point(name="pick", fields=["date"], on="click", nearest=True)
    area = alt.Chart(long).mark_area(interpolate="step-after", opacity=0.85).encode(
        x=x, y=alt.Y("districts:Q", stack=True, title="districts"),
        color=alt.Color("holder:N", scale=alt.Scale(domain=domain, range=colors),
                        legend=alt.Legend(orient="bottom", title=None, labelExpr=_legend_expr(claims))),
        tooltip=[alt.Tooltip("utcyearmonthdate(date):T", title="date", format="%Y-%m-%d"),
                 "label:N", "districts:Q"])
    points = alt.Chart(pd.DataFrame({"date": list(key_dates)})).mark_tick(
        color="#333", thickness=1, size=8).encode(x=x, y=alt.value(0)).add_params(pick)
    rule = alt.Chart().mark_rule(color="black", strokeWidth=2).encode(x=x)
    with alt.data_transformers.enable("default", max_rows=None):
        spec = alt.layer(area, points, rule).properties(height=180).to_dict()
    # The rule draws the main data, so its layer has none of its own; and no theme sizes.
    spec["datasets"].pop(spec["layer"][2].pop("data")["name"], None)
    spec.pop("config", None)
    return spec


def _legend_expr(claims: ClaimSet) -> str:
    labels = {h: holder_label(claims, h) for h in claims.holders}
    cases = " : ".join(f"datum.label == {_js(h)} ? {_js(t)}" for h, t in labels.items())
    return f"{cases} : datum.label"


def _js(text: str) -> str:
    import json

    return json.dumps(text)


def picked_date(selection) -> str | None:
    """The date clicked on the chart, from ``st.vega_lite_chart(..., on_select="rerun")``'s state."""
    try:
        points = selection["selection"]["pick"]
        value = points[0]["date"]
    except (KeyError, IndexError, TypeError):
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value / 1000, dt.UTC).date().isoformat()
    return str(value)[:10]


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
        rev = st.selectbox("Version of the claims file (git)", [None, *labels], key="compare_rev",
                           format_func=lambda r: "Choose a commit…" if r is None else labels[r])
        if rev is None:
            st.caption("Lists the districts whose colour in the view shown would differ; "
                       "`python -m dashboard diff --git REV` gives the whole comparison.")
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
        st.caption(f"{len(changes)} district range(s) with another colour in this view "
                   "(then → now); ✓ marks the ones on the date shown.")
        st.dataframe(pd.DataFrame([{
            "district": c.district, "from": c.start.isoformat(),
            "to": c.end.isoformat() if c.end else "onwards",
            "then": holder_label(claims, c.old_holder),
            "now": holder_label(claims, c.new_holder),
            "on date": "✓" if c.start <= day and (c.end is None or day <= c.end) else ""}
            for c in changes]), hide_index=True)
