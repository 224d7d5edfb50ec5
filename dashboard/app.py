"""Claims of territorial control: who claimed which district, when, and on whose word.

Run with ``streamlit run dashboard/app.py``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` adds only dashboard/

import streamlit as st  # noqa: E402

from dashboard import boundaries, export, page, state  # noqa: E402
from dashboard.component import control_map, map_drawn, map_report  # noqa: E402
from dashboard.mapdata import ATTRIBUTION, ATTRIBUTION_URL, view_label  # noqa: E402

page.freeze_libraries()  # once per process: the libraries' objects out of the GC's way

# -- Data: the claims file (cached on its content) and the boundaries -------------------------
loaded = page.load(page.claims_path())
usable = loaded.claims is not None and not loaded.boundary_error
districts = page.districts(loaded.claims.province) if usable else None
region = page.region_name(loaded.claims, districts) if usable else None  # region.name, else the boundaries'
# Once per run (each call is a message the browser handles on every rerun).
st.set_page_config(
    page_title=f"{region}: claims of control" if region else "Claims of control",
    page_icon="🗺️",
    layout="wide",
    # The sidebar holds an editor's tool (the comparison with an earlier git version) and comes
    # after the map's first paint; collapsed, its arrival does not shift the map sideways.
    initial_sidebar_state="collapsed",
)
# Always there, empty or not: the elements below keep their places in the page, so the map
# component is never rebuilt (losing zoom and pan) when problems appear or go away.
notices = st.container()
if loaded.boundary_error:
    notices.error("The district boundaries could not be found, so there is no map to draw.")
    notices.code(loaded.boundary_error, language=None)
    st.stop()
if loaded.problems:
    lead = (
        "showing the last good version until they are fixed"
        if loaded.stale
        else "there is no earlier good version to show; fix these and the page will load"
    )
    notices.error(f"{page.markdown_text(loaded.path)} has {len(loaded.problems)} problem(s): {lead}.")
    notices.code("\n".join(str(p) for p in loaded.problems), language=None)
if loaded.drop:  # a save caught half-written looks valid: say when the claim count falls sharply
    notices.warning(page.markdown_text(loaded.drop))
if loaded.claims is None:
    notices.info(
        "Each line above is `file:line: what is wrong`. Edit the file and interact with the "
        "page (or reload it) to check again. The format is described in the README."
    )
    st.stop()
claims = loaded.claims
days = page.days(claims)
if not days:  # `claims: []` (for the checker to refuse): an empty state, never a crash
    notices.info(f"{page.markdown_text(loaded.path)} has no claims yet: add one and the map appears.")
    st.stop()
views = claims.views
names = {d.pcode: d.name for d in claims.districts}

# -- State: the URL (first run), the map's own controls, the chart, the district select box ----
# dashboard/state.py decides (a pure function); the map is told only what Python changed.
session = state.step(
    st.session_state.get("map_session"),
    state.Options(views, days, names, default_date={v: page.opening_day(claims, v) for v in views}),
    query=st.query_params.to_dict(),
    map_state=map_report("map"),
    chart_event=page.take_chart_pick(),  # set by the chart's on_select callback, once per click
    **({"select": st.session_state.district} if "district" in st.session_state else {}),
)
st.session_state.map_session = session.session
st.session_state.district = session.state.district  # the select box shows the state's district
if session.ignored:
    notices.warning("Some of the link's values were not used:")
    notices.code("\n".join(session.ignored), language=None)
view, date = session.state.view, session.state.date

# -- Page --------------------------------------------------------------------------------------
sides = [page.markdown_text(s.label) for s in claims.sides.values()]
st.title(page.markdown_text(f"{region}: who claimed which district"))
st.caption(
    "District by district and day by day: "
    + ", ".join(f"what {s} claimed" for s in sides)
    + ", what independent reporting said, and where they collide. Every colour rests on a "
    "sourced claim: hover a district, or click it for its history."
)
method = page.methodology()
if method:
    # Sent only while open (a rerun opens it): 31 kB of Markdown with a code block held the
    # map's first paint back by about 0.5 s in the browser (bench/firstpaint.py).
    about = st.expander(
        "How the map is made: the method", icon=":material/menu_book:", key="method", on_change="rerun"
    )
    if about.open:
        about.markdown(method)  # docs/methodology.md: our own text, not claim text

st.query_params.from_dict(session.state.query())  # the URL follows the map at once

left, right = st.columns([5, 2])
# The map before the basemap box beside it, so that the browser starts on the map first; the
# box's value is the one its widget returns in this run (the session's, else the default).
basemaps, default_basemap = list(page.BASEMAP_LABELS), page.default_basemap()
basemap = st.session_state.get("basemap", default_basemap)
with left:
    # The map owns the view toggle, the timeline (slider, previous/next claim, play) and the
    # legend; it reports what the person does there, read above on the next rerun.
    control_map(
        page.map_data(claims.digest, claims, districts),
        push=session.push,
        basemap=basemap,
        key="map",
        height=560,
    )
    st.caption(
        f"[{ATTRIBUTION}]({ATTRIBUTION_URL}). Hatched: contested (fighting is claimed). "
        "Cross-hatched: disputed (combined view: the voices disagree). Dashed grey: no claim "
        "yet. Faded: the claim behind the colour is old."
    )
if not map_drawn("map"):
    # A new visitor gets the map first: every element sent with it is built in the browser
    # before the map's own code runs. The map says when it is drawn, which reruns the page.
    st.stop()
with right:
    st.selectbox(
        "Basemap",
        basemaps,
        index=basemaps.index(default_basemap),
        format_func=page.BASEMAP_LABELS.get,
        key="basemap",
    )
    st.subheader(page.markdown_text(f"{view_label(claims, view)}, {page.day_label(date)}"))
    panels = page.panels(claims.digest, view, date, claims)  # cached per digest, view, date
    st.html(page.counts_html(claims, panels.counts))
    district = st.selectbox(
        "District",
        [None, *names],
        key="district",
        format_func=lambda p: "Choose a district…" if p is None else names[p],
        placeholder="Choose a district…",
    )
    if district:  # its history opens here, beside the map, in sight
        with st.container(height=360, key="history"):
            st.markdown(f"**{page.markdown_text(names[district])}: every claim, in every view**")
            st.caption("Highlighted: the claim(s) the map rests on now. Greyed: made after this date.")
            st.html(page.history(claims.digest, district, view, date, claims))

    st.markdown("**What changed**")
    if panels.made:
        st.markdown(f"{panels.made} claim(s) made this day in this view:")
        with st.container(height=320 if panels.made > 5 else "content", border=False):
            st.html(panels.made_html)
    else:
        st.caption("No claim was made on this day in this view.")
    if panels.changes_html:
        st.html(panels.changes_html)

st.subheader("Districts per holder over time")
window = page.chart_window(claims, view)
st.vega_lite_chart(
    page.timeline_rule(date),
    page.timeline_chart(claims, view=view, key_dates=page.claim_days(claims, view), window=window),
    on_select=page.on_chart_pick,
    selection_mode="pick",
    key=page.chart_key(),
    width="stretch",
)
st.html(page.legend(claims))
st.caption(
    (
        "Top: the weeks inside the grey box of the strip below it; drag the box (or draw a new "
        "one) to see other weeks. "
        if window
        else ""
    )
    + "Ticks mark the days with claims; click one to jump there."
)

st.subheader(f"Who says what on {page.day_label(date)}")
st.dataframe(
    panels.table,
    column_config=panels.table_config,
    hide_index=True,
    key="voices",
    height=min(36 + 35 * len(panels.table), 420),
)
st.caption(
    "One row per district: what each voice says holds it on this day, since when, and on "
    "whose word. Click a column's name to sort; search with the table's search icon."
)

st.subheader("Downloads")
stem = page.file_stem(region, view, date)


def snapshot():  # made only when a file is asked for
    return page.snapshot(claims.digest, view, date, claims)


one, two, three, four = st.columns(4)
one.download_button(
    "Snapshot (CSV)",
    lambda: export.snapshot_csv(snapshot(), claims),
    f"{stem}.csv",
    "text/csv",
    on_click="ignore",
)
two.download_button(
    "Snapshot (GeoJSON)",
    lambda: export.snapshot_geojson(snapshot(), districts, claims),
    f"{stem}.geojson",
    "application/geo+json",
    on_click="ignore",
)
three.download_button(
    "Map (standalone HTML)",
    lambda: export.map_html(snapshot(), districts, claims, basemap=basemap),
    f"{stem}.html",
    "text/html",
    on_click="ignore",
)
figure = page.figure_module()
if figure is not None:
    four.download_button(
        "Figure (PNG)",
        lambda: figure.snapshot_figure(snapshot(), districts, claims, fmt="png"),
        f"{stem}.png",
        "image/png",
        on_click="ignore",
    )
st.caption(
    f"Claims: {page.markdown_text(loaded.path)} ({len(claims.claims)} claims, "
    f"{len(claims.sources)} sources). {page.markdown_text(boundaries.ATTRIBUTION)}."
)

# The sidebar last: the comparison with an earlier version is off the path of a slider step.
page.earlier_version_sidebar(loaded, claims, view=view, on=date)
page.settle_memory(claims.digest)  # the page is sent; long-lived objects out of the GC's way
