"""Panjshir control claims: who claimed which district, when, and on whose word.

Run with ``streamlit run dashboard/app.py``.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` adds only dashboard/

import streamlit as st  # noqa: E402

from dashboard import boundaries, export, page  # noqa: E402
from dashboard.component import district_map  # noqa: E402
from dashboard.control import resolve, what_changed  # noqa: E402
from dashboard.maps import ATTRIBUTION, ATTRIBUTION_URL, view_label  # noqa: E402

st.set_page_config(page_title="Panjshir: claims of control", page_icon="🗺️", layout="wide")

# -- Data: the claims file (cached on its content) and the boundaries -------------------------
loaded = page.load(page.claims_path())
# Always there, empty or not: the elements below keep their places in the page, so the map
# component is never rebuilt (losing zoom and pan) when problems appear or go away.
notices = st.container()
if loaded.boundary_error:
    notices.error("The district boundaries could not be found, so there is no map to draw.")
    notices.code(loaded.boundary_error, language=None)
    st.stop()
if loaded.problems:
    lead = ("showing the last good version until they are fixed" if loaded.stale
            else "there is no earlier good version to show; fix these and the page will load")
    notices.error(f"`{loaded.path}` has {len(loaded.problems)} problem(s): {lead}.")
    notices.code("\n".join(str(p) for p in loaded.problems), language=None)
if loaded.claims is None:
    notices.info("Each line above is `file:line: what is wrong`. Edit the file and interact with the "
                 "page (or reload it) to check again. The format is described in the README.")
    st.stop()
claims = loaded.claims
districts = page.districts(claims.province)
days = page.days(claims)
views = claims.views
names = {d.pcode: d.name for d in claims.districts}

# -- State that arrives from the URL, the map, the chart or the play button -------------------
if "restored" not in st.session_state:
    query = st.query_params
    st.session_state.view = query.get("view") if query.get("view") in views else views[0]
    st.session_state.date = query.get("date") if query.get("date") in days else page.busiest_day(claims)
    st.session_state.district = query.get("district") if query.get("district") in names else None
    st.session_state.restored = True
# An edit of the claims file can take away this session's view (a side renamed) or day (the
# range shortened): move to one that exists rather than fail on every rerun.
if st.session_state.get("view") not in views:
    st.session_state.view = views[0]
if st.session_state.get("date") not in days:
    st.session_state.date = min(max(str(st.session_state.get("date")), days[0]), days[-1])
if st.session_state.get("district") not in names:
    st.session_state.district = None
map_click = (st.session_state.get("map") or {}).get("district")
if map_click in names and map_click != st.session_state.get("last_map_click"):
    st.session_state.district = st.session_state.last_map_click = map_click
chart_pick = page.picked_date(st.session_state.get("chart"))
if chart_pick in days and chart_pick != st.session_state.get("last_chart_pick"):
    st.session_state.date = st.session_state.last_chart_pick = chart_pick
if st.session_state.get("playing"):
    position = days.index(st.session_state.date)
    if position + 1 < len(days):
        st.session_state.date = days[position + 1]
    st.session_state.playing = position + 2 < len(days)

# -- Page --------------------------------------------------------------------------------------
st.title("Panjshir: who claimed which district")
st.caption("District by district and day by day: what the Taliban claimed, what the National "
           "Resistance Front claimed, what independent reporting said, and where they collide. "
           "Every colour rests on a sourced claim: hover a district, or click it for its history.")

left, right = st.columns([5, 2])
with left:
    view = st.segmented_control("Whose claims", views, key="view", required=True,
                                format_func=lambda v: page.markdown_text(
                                    view_label(claims, v).removesuffix(" claims")))
    back, play, forward = st.columns(3)
    previous_day = page.neighbour_claim_day(claims, view, st.session_state.date, -1)
    next_day = page.neighbour_claim_day(claims, view, st.session_state.date, +1)
    if back.button("Previous claim", icon=":material/skip_previous:", disabled=previous_day is None,
                   width="stretch", key="previous"):
        st.session_state.date, st.session_state.playing = previous_day, False
    if forward.button("Next claim", icon=":material/skip_next:", disabled=next_day is None,
                      width="stretch", key="next"):
        st.session_state.date, st.session_state.playing = next_day, False
    playing = st.session_state.get("playing", False)
    if play.button("Pause" if playing else "Play", icon=":material/pause:" if playing else
                   ":material/play_arrow:", width="stretch", key="play"):
        st.session_state.playing = playing = not playing
        if playing and st.session_state.date == days[-1]:
            st.session_state.date = days[0]
    date = st.select_slider("Date", options=days, key="date", format_func=page.day_label,
                            label_visibility="collapsed")
with right:
    basemap = st.selectbox("Basemap", list(page.BASEMAP_LABELS), index=list(page.BASEMAP_LABELS).index(
        page.default_basemap()), format_func=page.BASEMAP_LABELS.get, key="basemap")
with left:
    district_map(page.map_page(claims.digest, basemap, claims, districts), view_key="view",
                 date_key="date", select=st.session_state.district, key="map", height=560)
    st.caption(f"[{ATTRIBUTION}]({ATTRIBUTION_URL}). Hatched: contested (fighting is claimed). "
               "Disputed (combined view): the voices disagree. Dashed grey: no claim yet.")

# The URL first: it should follow the slider as soon as possible, not after the chart.
st.query_params.from_dict({k: v for k, v in {"view": view, "date": date,
                                             "district": st.session_state.district}.items() if v})
snapshot = resolve(claims, view=view, on=date)
page.earlier_version_sidebar(loaded, claims, view=view, on=date)

with right:
    st.subheader(f"{view_label(claims, view)}, {page.day_label(date)}")
    counts = snapshot.to_frame()["holder"].value_counts()
    for holder in claims.holders:
        if counts.get(holder):
            st.markdown(f"**{counts[holder]}** × {page.holder_label(claims, holder)}")
    district = st.selectbox("District", [None, *names], key="district",
                            format_func=lambda p: "Choose a district…" if p is None else names[p],
                            placeholder="Choose a district…")

    made, changes, previous = what_changed(claims, view=view, on=date)
    st.markdown("**What changed**")
    if made:
        st.markdown(f"{len(made)} claim(s) made this day in this view:")
        with st.container(height=320 if len(made) > 5 else "content", border=False):
            st.html(page.claims_made(claims, made))
    else:
        st.caption("No claim was made on this day in this view.")
    if changes:
        since = f"since {page.day_label(previous.isoformat())}" if previous else "at the first claim"
        st.markdown("Changed " + since + ": " + "; ".join(
            f"{c.district}: {page.holder_label(claims, c.before)} → {page.holder_label(claims, c.after)}"
            for c in changes))

st.subheader("Districts per holder over time")
st.vega_lite_chart(page.timeline_rule(date), page.timeline_chart(
    claims, view=view, key_dates=page.claim_days(claims, view)), on_select="rerun", key="chart",
    width="stretch")
st.caption("Ticks mark the days with claims; click one to jump there.")

if district:
    st.subheader(f"{names[district]}: every claim, in every view")
    st.caption("Highlighted: the claim(s) the map rests on now. Greyed: made after this date.")
    st.html(page.district_panel(claims, district, view=view, on=date))

st.subheader("Downloads")
stem = f"panjshir-{view}-{date}"
one, two, three = st.columns(3)
one.download_button("Snapshot (CSV)", export.snapshot_csv(snapshot, claims), f"{stem}.csv",
                    "text/csv", on_click="ignore")
two.download_button("Snapshot (GeoJSON)", lambda: export.snapshot_geojson(snapshot, districts, claims),
                    f"{stem}.geojson", "application/geo+json", on_click="ignore")
three.download_button("Map (standalone HTML)",
                      lambda: export.map_html(snapshot, districts, claims, basemap=basemap),
                      f"{stem}.html", "text/html", on_click="ignore")
st.caption(f"Claims: `{loaded.path}` ({len(claims.claims)} claims, {len(claims.sources)} sources). "
           f"{boundaries.ATTRIBUTION}.")

if st.session_state.get("playing"):
    time.sleep(0.6)
    st.rerun()
