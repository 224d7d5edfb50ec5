"""The naive dashboard, for the benchmark only: the map rebuilt and re-sent on every rerun.

Run by ``python -m bench`` as ``streamlit run bench/naive_app.py`` with
``DASHBOARD_CLAIMS`` and static serving on. Same claims, same simplified districts, the
same view control and date slider (same widget keys) as the real page, but the map is a
fresh ``folium.Map`` given to ``streamlit_folium.st_folium`` each time.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` adds only bench/

import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from bench import naive_map  # noqa: E402
from dashboard import page  # noqa: E402
from dashboard.control import resolve  # noqa: E402
from dashboard.mapdata import view_label  # noqa: E402

st.set_page_config(page_title="Naive map (benchmark)", layout="wide")
claims = page.load(page.claims_path()).claims
districts = page.districts(claims.province)
days = page.days(claims)
views = claims.views
if "restored" not in st.session_state:
    query = st.query_params
    st.session_state.view = query.get("view") if query.get("view") in views else views[0]
    st.session_state.date = query.get("date") if query.get("date") in days else page.busiest_day(claims)
    st.session_state.restored = True

left, right = st.columns([5, 2])
with left:
    view = st.segmented_control("Whose claims", views, key="view", required=True)
    date = st.select_slider(
        "Date", options=days, key="date", format_func=page.day_label, label_visibility="collapsed"
    )
    snapshot = resolve(claims, view=view, on=date)
    st_folium(
        naive_map.build(snapshot, districts, claims, day=date),
        key="map",
        height=560,
        use_container_width=True,
        returned_objects=[],
    )
with right:
    st.subheader(f"{view_label(claims, view)}, {page.day_label(date)}")
st.query_params.from_dict({"view": view, "date": date})
