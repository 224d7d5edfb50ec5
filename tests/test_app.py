"""The page's logic through streamlit.testing.v1.AppTest (no browser)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.claims import read_claims
from dashboard.control import resolve
from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")


def run(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def heading(at) -> str:
    return next(h.value for h in at.subheader if " claims, " in h.value or "combined, " in h.value
                or "reports, " in h.value)


def counts(at) -> list[str]:
    return [m.value for m in at.markdown if " × " in m.value]


def expected_counts(claims, view, on) -> list[str]:
    holders = list(resolve(claims, view=view, on=on).holders().values())
    labels = {**{s: x.label for s, x in claims.sides.items()}, "contested": "Contested",
              "disputed": "Disputed", "unknown": "No claim yet"}
    return [f"**{holders.count(h)}** × {labels[h]}" for h in claims.holders if holders.count(h)]


def test_page_runs_without_exceptions(claims_file):
    at = run()
    assert not at.exception
    assert at.segmented_control(key="view").value == "taliban"
    assert at.select_slider(key="date").value == "2021-09-05"  # the day with most claims


def test_view_toggle_and_slider_change_the_snapshot(claims_file):
    claims = read_claims(claims_file)
    at = run({"view": "taliban", "date": "2021-09-05"})
    assert counts(at) == expected_counts(claims, "taliban", "2021-09-05")
    at.segmented_control(key="view").set_value("nrf").run()
    assert not at.exception
    assert heading(at).startswith("National Resistance Front claims")
    assert counts(at) == expected_counts(claims, "nrf", "2021-09-05")
    at.select_slider(key="date").set_value("2021-09-06").run()
    assert counts(at) == expected_counts(claims, "nrf", "2021-09-06")
    at.segmented_control(key="view").set_value("combined").run()
    assert counts(at) == expected_counts(claims, "combined", "2021-09-06")


def test_previous_and_next_claim_buttons(claims_file):
    at = run({"view": "taliban", "date": "2021-09-05"})
    at.button(key="next").click().run()
    after = at.select_slider(key="date").value
    assert after > "2021-09-05"
    at.button(key="previous").click().run()
    assert at.select_slider(key="date").value == "2021-09-05"


def test_query_parameters_round_trip(claims_file):
    at = run({"view": "independent", "date": "2021-09-06", "district": "AF0807"})
    assert at.segmented_control(key="view").value == "independent"
    assert at.select_slider(key="date").value == "2021-09-06"
    assert at.selectbox(key="district").value == "AF0807"
    assert any("Paryan: every claim" in h.value for h in at.subheader)
    at.segmented_control(key="view").set_value("nrf").run()
    at.selectbox(key="district").set_value("AF0801").run()
    assert "nrf" in str(at.query_params["view"])
    assert "AF0801" in str(at.query_params["district"])
    assert "2021-09-06" in str(at.query_params["date"])


def test_bad_query_parameters_fall_back_to_defaults(claims_file):
    at = run({"view": "<script>", "date": "1999-01-01", "district": "XX"})
    assert not at.exception
    assert at.segmented_control(key="view").value == "taliban"
    assert at.selectbox(key="district").value is None


def test_invalid_claims_file_shows_errors_and_keeps_the_last_good_data(claims_file):
    at = run({"view": "taliban", "date": "2021-09-05"})
    good = counts(at)
    text = claims_file.read_text(encoding="utf-8")
    claims_file.write_text(text.replace("holder: taliban", "holder: talibn", 1), encoding="utf-8")
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "1 problem" in errors and "last good version" in errors
    assert any(":" in c.value and "unknown holder 'talibn'" in c.value for c in at.code)
    assert counts(at) == good  # still the last good data

    claims_file.write_text(text, encoding="utf-8")  # fixed: recovers without a restart
    at.run()
    assert not at.error
    assert counts(at) == good


def test_broken_file_with_no_good_version_explains_what_to_fix(tmp_path, monkeypatch):
    broken = tmp_path / "never-good.yaml"
    broken.write_text("version: 1\nclaims: [\n", encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CLAIMS", str(broken))
    at = run()
    assert not at.exception
    assert "no earlier good version" in at.error[0].value
    assert "never-good.yaml:" in at.code[0].value
    assert at.info and "file:line" in at.info[0].value


def test_the_map_needs_no_shared_data(claims_file, tmp_path, monkeypatch):
    # A clone without ../shared: the committed web copy of the boundaries is all the page needs.
    monkeypatch.setattr("dashboard.boundaries.DEFAULT_DIR", tmp_path / "nowhere")
    monkeypatch.setenv("DASHBOARD_GEODATA", str(tmp_path / "also-nowhere"))
    claims_file.write_text(claims_file.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    at = run()
    assert not at.exception and not at.error
    assert heading(at)


def test_a_damaged_boundary_file_says_what_to_do(claims_file, tmp_path, monkeypatch):
    damaged = tmp_path / "districts.topojson"
    damaged.write_text('{"type": "Topology"', encoding="utf-8")
    monkeypatch.setattr("dashboard.boundaries.WEB_FILE", damaged)
    # Break the cache of boundary loads from earlier tests in this process.
    claims_file.write_text(claims_file.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    at = run()
    assert not at.exception
    assert "boundaries could not be found" in at.error[0].value
    assert str(damaged) in at.code[0].value and "geodata_build" in at.code[0].value


def test_a_date_step_moves_only_the_charts_rule(claims_file):
    """The chart's spec (and its areas and ticks) stay the same; only the rule's date, its main
    data, changes, so the browser moves the rule without building the chart again."""
    import io

    import pyarrow as pa

    def chart(at):
        proto = at.get("vega_lite_chart")[0].proto
        rule = pa.ipc.open_stream(io.BytesIO(proto.data.data)).read_pandas()
        return proto.spec, sorted((d.name, d.data.data) for d in proto.datasets), list(rule["date"])

    at = run({"view": "taliban", "date": "2021-09-05"})
    spec, datasets, rule = chart(at)
    assert rule == ["2021-09-05"]
    at.select_slider(key="date").set_value("2021-09-06").run()
    assert chart(at) == (spec, datasets, ["2021-09-06"])
    at.segmented_control(key="view").set_value("nrf").run()
    assert chart(at)[1] != datasets  # another view: other areas and ticks
