"""Tests of dashboard.gazetteer: district names within one province, and places.

Panjshir (AF08) and Baghlan (AF09) come from the committed boundary data (geodata/);
the rest is built in code.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import yaml
from shapely.geometry import box

from dashboard import boundaries
from dashboard.gazetteer import (
    ALIASES_PATH,
    PLACES_PATH,
    District,
    Gazetteer,
    Place,
    boundary_gazetteer,
    name_key,
    read_gazetteer,
)
from dashboard.testing import tiny_gazetteer


@pytest.fixture(scope="module")
def gazetteer_for():
    return boundary_gazetteer()


@pytest.fixture(scope="module")
def panjshir(gazetteer_for):
    return gazetteer_for("AF08")


@pytest.fixture(scope="module")
def baghlan(gazetteer_for):
    return gazetteer_for("AF09")


# ------------------------------------------------------------------------------- folding


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Rukha", "RUKHA"),
        ("Hissa-i-Awal", "hissa i awal"),
        ("Hissa-i-Awal", "Hissa_i_Awal"),
        ("Rūkha", "Rukha"),
        ("Paryān", "Paryan"),
        ("Khenj\u0301", "Khenj"),  # a combining accent
        ("Deh Salah", "deh-salah"),
        ("Pul-e-Khumri", "Pul e Khumri."),
        ("Ma'dan", "Madan"),  # apostrophes
        ("رُخه", "رخه"),  # Dari: the damma is a combining mark
        ("خنج (حصه اول)", "خنج حصه اول"),
    ],
)
def test_name_key_folds_case_hyphens_spaces_and_diacritics(a, b):
    assert name_key(a) == name_key(b)
    assert name_key(a)


@pytest.mark.parametrize(("a", "b"), [("Rukha", "Rokha"), ("Dara", "Darah"), ("رخه", "خنج")])
def test_name_key_keeps_letters_apart(a, b):
    assert name_key(a) != name_key(b)


# --------------------------------------------------------------------------- Panjshir names


@pytest.mark.parametrize(
    ("name", "pcode"),
    [
        # P-codes, in any case
        ("AF0801", "AF0801"),
        ("af0807", "AF0807"),
        (" AF0803 ", "AF0803"),
        # official English names (ADM2_EN)
        ("Bazarak", "AF0801"),
        ("Rukha", "AF0802"),
        ("Dara", "AF0803"),
        ("Khenj", "AF0804"),
        ("Anawa", "AF0805"),
        ("Shutul", "AF0806"),
        ("Paryan", "AF0807"),
        # Dari names (ADM2_DA), whole or in part, with or without short vowels
        ("بازارک", "AF0801"),
        ("رُخه", "AF0802"),
        ("رخه", "AF0802"),
        ("خنج (حصه اول)", "AF0804"),
        ("خنج", "AF0804"),
        ("حصه اول", "AF0804"),
        ("عنابه", "AF0805"),
        ("پریان", "AF0807"),
        # alternative names of the boundary data (ADM2ALT*)
        ("Hisa-e-Awal", "AF0804"),
        ("Onaba", "AF0805"),
        ("Centre", "AF0801"),
        # aliases (geodata/aliases.yaml), folded
        ("Rokha", "AF0802"),
        ("ROKHA", "AF0802"),
        ("Hissa-i-Awal", "AF0804"),
        ("hissa i awal", "AF0804"),
        ("Anaba", "AF0805"),
        ("Shotul", "AF0806"),
        ("Parian", "AF0807"),
        ("Darah", "AF0803"),
        # diacritics and punctuation
        ("Rūkha", "AF0802"),
        ("Paryān", "AF0807"),
        ("Bazarak.", "AF0801"),
    ],
)
def test_panjshir_names(panjshir, name, pcode):
    assert panjshir.find(name) == pcode


def test_panjshir_is_seven_districts(panjshir):
    assert panjshir.province == "AF08"
    assert [(d.pcode, d.name) for d in panjshir.districts] == [
        ("AF0801", "Bazarak"),
        ("AF0802", "Rukha"),
        ("AF0803", "Dara"),
        ("AF0804", "Khenj"),
        ("AF0805", "Anawa"),
        ("AF0806", "Shutul"),
        ("AF0807", "Paryan"),
    ]
    assert panjshir.label("AF0802") == "Rukha"


def test_every_alias_in_the_file_names_its_district(gazetteer_for):
    aliases = yaml.safe_load(ALIASES_PATH.read_text(encoding="utf-8"))
    assert aliases, "geodata/aliases.yaml is empty"
    for province, districts in aliases.items():
        gazetteer = gazetteer_for(province)
        for pcode, names in districts.items():
            assert pcode in gazetteer.by_pcode, f"{province}: {pcode} is not one of its districts"
            for name in names:
                assert gazetteer.find(name) == pcode, f"{province}: alias {name!r} of {pcode}"


def test_every_place_in_the_file_is_in_its_province(gazetteer_for):
    places = yaml.safe_load(PLACES_PATH.read_text(encoding="utf-8")) if PLACES_PATH.exists() else {}
    for province, entries in (places or {}).items():
        gazetteer = gazetteer_for(province)
        for name in entries:
            place = gazetteer.place(name)
            assert place is not None and place.district in gazetteer.by_pcode, (province, name)
            assert gazetteer.place(name.upper()) == place


# ---------------------------------------------------------------- only within the province


@pytest.mark.parametrize(
    "name",
    [
        "Hisa-e-Awal-e-Kohistan",  # Kapisa (AF0204)
        "Andarab",
        "Banu",
        "Khinjan",
        "Deh Salah",
        "AF0907",  # Baghlan
        "Mehtarlam",
        "Laghman Centre",  # Laghman
        "Kabul",
        "",
    ],
)
def test_names_of_other_provinces_are_unknown_in_panjshir(panjshir, name):
    assert panjshir.find(name) is None


@pytest.mark.parametrize(
    ("name", "pcode"),
    [
        ("Andarab", "AF0907"),
        ("Banu", "AF0907"),
        ("Khinjan", "AF0906"),
        ("Deh Salah", "AF0908"),
        ("Centre", "AF0901"),
        ("پلخمری", "AF0901"),
    ],
)
def test_baghlan_names(baghlan, name, pcode):
    assert baghlan.find(name) == pcode


@pytest.mark.parametrize("name", ["Rokha", "Khinj", "Hissa-i-Awal", "Bazarak", "AF0801"])
def test_panjshir_names_are_unknown_in_baghlan(baghlan, name):
    # Panjshir's aliases (Khinj is Khenj) never leak into a neighbour (Khinjan is Baghlan's).
    assert baghlan.find(name) is None


def test_a_name_two_districts_share_is_ambiguous():
    g = Gazetteer(
        "XX01",
        [District("XX0101", "North"), District("XX0102", "South")],
        alt_names={"XX0101": ["Centre"], "XX0102": ["Centre"]},
    )
    assert g.find("Centre") is None
    assert g.matches("centre") == ["XX0101", "XX0102"]
    assert g.matches("North") == ["XX0101"]
    assert g.matches("Atlantis") == []


def test_unknown_province(gazetteer_for):
    with pytest.raises(LookupError, match=r"Unknown province 'AF99'\. Did you mean .*AF09 \(Baghlan\)"):
        gazetteer_for("AF99")


def test_province_by_name(gazetteer_for):
    assert gazetteer_for("Panjshir").province == "AF08"
    assert gazetteer_for("panjsher").find("Rokha") == "AF0802"


# ----------------------------------------------------------------------------- suggestions


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("Rokhaa", "Rukha"),
        ("Bazaarak", "Bazarak"),
        ("Paryann", "Paryan"),
        ("Shutull", "Shutul"),
        ("Hisa-e-Awal-e-Kohistan", "Khenj"),  # nearest is Khenj's alternative name Hisa-e-Awal
        ("khenjj", "Khenj"),
        ("Anawaa", "Anawa"),
    ],
)
def test_suggestions_are_official_names(panjshir, name, suggestion):
    assert panjshir.find(name) is None
    assert panjshir.suggest(name) == suggestion


@pytest.mark.parametrize("name", ["Helmand", "Kabul", "zzzz", "12345"])
def test_no_suggestion_when_nothing_is_close(panjshir, name):
    assert panjshir.suggest(name) is None


def test_suggestions_stay_in_the_province(baghlan):
    assert baghlan.suggest("Rokhaa") is None or baghlan.suggest("Rokhaa") in set(
        d.name for d in baghlan.districts
    )
    assert baghlan.suggest("Khinj") == "Khinjan"


# ----------------------------------------------------------------------------------- places


def test_places():
    g = Gazetteer(
        "XX01",
        [District("XX0101", "North"), District("XX0102", "South")],
        places=[Place("Windy Pass", "XX0102", confidence="high", note="on the ridge")],
    )
    assert g.place("windy-pass") == Place("Windy Pass", "XX0102", "high", "on the ridge")
    assert g.place("North") is None  # a district is not a place
    assert g.find("Windy Pass") is None  # nor a place a district
    assert g.suggest_place("Windy Pas") == "Windy Pass"
    assert g.suggest_place("zzz") is None


# ------------------------------------------------------------------ read_gazetteer from files


def test_read_gazetteer_takes_only_the_province_entries(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "pcode": ["XX0101", "XX0102"],
            "name": ["Alpha", "Beta"],
            "name_da": ["الف", ""],
            "alt_names": [["Alfa"], []],
            "province": ["XX01", "XX01"],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("XX01:\n  XX0102: [Bêta, Betta]\nYY01:\n  XX0101: [Gamma]\n", encoding="utf-8")
    places = tmp_path / "places.yaml"
    places.write_text(
        "XX01:\n  The Mill: XX0101\n  Old Fort: {district: XX0102, confidence: low}\n"
        "YY01:\n  Elsewhere: XX0101\n",
        encoding="utf-8",
    )
    g = read_gazetteer(frame, "XX01", aliases_path=aliases, places_path=places)
    assert [(d.pcode, d.name, d.name_da) for d in g.districts] == [
        ("XX0101", "Alpha", "الف"),
        ("XX0102", "Beta", ""),
    ]
    assert (g.find("alfa"), g.find("beta"), g.find("betta"), g.find("الف")) == (
        "XX0101",
        "XX0102",
        "XX0102",
        "XX0101",
    )
    assert g.find("Gamma") is None  # another province's alias
    assert g.place("the mill").district == "XX0101"
    assert g.place("Old Fort") == Place("Old Fort", "XX0102", "low", None)
    assert g.place("Elsewhere") is None


def test_read_gazetteer_without_name_files(tmp_path):
    frame = boundaries.load_region("AF08")
    g = read_gazetteer(frame, "AF08", aliases_path=tmp_path / "none.yaml", places_path=tmp_path / "none.yaml")
    assert g.find("Rukha") == "AF0802"
    assert g.find("Rokha") is None  # an alias, and there is no alias file
    assert g.places == []


def test_tiny_gazetteer():
    g = tiny_gazetteer()
    assert (g.province, [d.name for d in g.districts]) == ("XX01", ["North", "South", "East"])
    assert (g.find("nord"), g.find("South"), g.find("شرق"), g.find("West")) == (
        "XX0101",
        "XX0102",
        "XX0103",
        None,
    )


# ---------------------------------------------------------------------------- place points


def place_entries():
    places = yaml.safe_load(PLACES_PATH.read_text(encoding="utf-8")) or {}
    return [
        (province, name, entry)
        for province, entries in places.items()
        for name, entry in (entries or {}).items()
    ]


def test_points_parse(tmp_path):
    frame = gpd.GeoDataFrame(
        {"pcode": ["XX0101"], "name": ["Alpha"], "name_da": [""], "alt_names": [[]], "province": ["XX01"]},
        geometry=[box(69, 35, 70, 36)],
        crs="EPSG:4326",
    )
    places = tmp_path / "places.yaml"
    places.write_text(
        "XX01:\n"
        "  The Pass: {district: XX0101, lat: 35.5, lon: 69.25, point_source: 'GeoNames 1'}\n"
        "  Whole Degrees: {district: XX0101, lat: 35, lon: 69, point_source: 'A report, p. 3'}\n"
        "  No Source: {district: XX0101, lat: 35.5, lon: 69.25}\n"
        "  Empty Source: {district: XX0101, lat: 35.5, lon: 69.25, point_source: ' '}\n"
        "  Half: {district: XX0101, lat: 35.5, point_source: 'GeoNames 2'}\n"
        "  Text: {district: XX0101, lat: '35.5', lon: '69.25', point_source: 'GeoNames 3'}\n"
        "  Off The Globe: {district: XX0101, lat: 135.5, lon: 69.25, point_source: 'GeoNames 4'}\n"
        "  Plain: XX0101\n",
        encoding="utf-8",
    )
    g = read_gazetteer(frame, "XX01", aliases_path=tmp_path / "none.yaml", places_path=places)
    assert g.place("the pass") == Place("The Pass", "XX0101", lat=35.5, lon=69.25, point_source="GeoNames 1")
    assert g.place("the pass").point == (35.5, 69.25)
    assert g.place("Whole Degrees").point == (35.0, 69.0)
    assert isinstance(g.place("Whole Degrees").lat, float)
    for name in ("No Source", "Empty Source", "Half", "Text", "Off The Globe", "Plain"):
        place = g.place(name)
        assert (place.lat, place.lon, place.point_source, place.point) == (None, None, None, None), name


def test_no_point_without_a_source_in_the_places_file():
    for province, name, entry in place_entries():
        if isinstance(entry, str):
            continue
        keys = {"lat", "lon", "point_source"} & set(entry)
        assert keys in (set(), {"lat", "lon", "point_source"}), f"{province} {name}: {sorted(keys)}"
        if keys:
            assert isinstance(entry["lat"], float) and isinstance(entry["lon"], float), name
            assert len(entry["point_source"].strip()) > 10, name
            assert entry.get("note"), f"{name}: a point keeps the place's note"


def test_the_places_file_has_sourced_points(panjshir):
    pointed = {p.name: p for p in panjshir.places if p.point}
    assert {"Khawak Pass", "Provincial centre"} <= set(pointed)
    assert pointed["Khawak Pass"].point == (35.66324, 69.78714)
    assert "GeoNames 1136827" in pointed["Khawak Pass"].point_source
    # Never guessed: places no gazetteer read locates stay without a point.
    for name in ("Dashte Rewak", "Governor's compound", "Abshar", "Abdullah Khel"):
        assert panjshir.place(name).point is None, name


def test_every_point_lies_in_its_district_polygon():
    from shapely.geometry import Point

    for province, name, entry in place_entries():
        if isinstance(entry, str) or "lat" not in entry:
            continue
        try:
            districts = boundaries.load_region(province, full_resolution=True)
        except boundaries.BoundaryError as exc:
            pytest.skip(f"no boundary data (../shared/geodata): {exc}")
        polygon = districts.set_index("pcode").geometry[entry["district"]]
        point = Point(entry["lon"], entry["lat"])
        assert polygon.contains(point), (
            f"{province} {name}: ({entry['lat']}, {entry['lon']}) is not inside {entry['district']}"
        )
