"""The repository's data: claims.yaml validates, the seed claims are in it, and the snapshots at
key dates are the ones the research supports (derived by hand, see docs/methodology.md)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from dashboard.claims import read_claims
from dashboard.cli import main
from dashboard.control import resolve

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "claims.yaml"
PLACES = ROOT / "geodata" / "places.yaml"
SEED = ROOT.parent / "shared" / "seeds" / "panjshir-article.txt"

PCODE = {
    "Bazarak": "AF0801",
    "Rukha": "AF0802",
    "Dara": "AF0803",
    "Khenj": "AF0804",
    "Anawa": "AF0805",
    "Shutul": "AF0806",
    "Paryan": "AF0807",
}
ORDER = list(PCODE)  # the order of the letters in the table below


@pytest.fixture(scope="module")
def claims():
    return read_claims(CLAIMS)


def test_claims_file_validates(capsys):
    assert main(["validate", str(CLAIMS)]) == 0
    assert "claims from" in capsys.readouterr().out


def test_coverage_of_the_timeline(claims):
    cs = claims.claims
    assert len(cs) >= 60
    assert len({c.source for c in cs}) >= 20
    assert min(c.date for c in cs) <= dt.date(2021, 8, 23)
    assert max(c.date for c in cs) >= dt.date(2022, 9, 13)
    for view in ("taliban", "nrf", "independent"):
        assert any(claims.view_of(c) == view for c in cs), view


def test_claims_are_in_date_order(claims):
    dates = [c.date for c in claims.claims]
    assert dates == sorted(dates)


# --- the seed article: every claim in it, with its quote and whose word it is ---------------
ALL = set(PCODE.values())
SEED_CLAIMS = [
    # (date, quote substring, source, via, holder, districts). Corrections of 2026-11: the seed's
    # "appeared on September 3" and "Bazarak, was mined" lines are relays of claims coded from
    # their first carriers (see test_corrections); the NRF audio is of 09-04.
    ("2021-09-04", "We control the entire province", "nrf-unnamed", "panjshir-province-twitter", "nrf", ALL),
    (
        "2021-09-05",
        "clear Panjsher as soon as possible",
        "bilal-karimi",
        "cnn",
        "taliban",
        ALL - {"AF0801", "AF0802"},
    ),
    ("2021-09-05", "completely cleared", "fahim-dashti", "twitter", "nrf", {"AF0807"}),
]


@pytest.mark.parametrize(
    "date, quote, source, via, holder, districts", SEED_CLAIMS, ids=[q[:30] for _, q, *_ in SEED_CLAIMS]
)
def test_seed_claim_present(claims, date, quote, source, via, holder, districts):
    found = [c for c in claims.claims if c.date.isoformat() == date and c.quote and quote in c.quote]
    assert len(found) == 1, f"no single claim on {date} quoting {quote!r}"
    c = found[0]
    assert (c.source, c.via, c.holder, set(c.districts)) == (source, via, holder, districts)


@pytest.mark.parametrize("quote", [q for _, q, *_ in SEED_CLAIMS])
def test_seed_quotes_are_verbatim(quote):
    if not SEED.exists():
        # CI checks out ../shared beside the repository: there a missing seed is a failure.
        if os.environ.get("CI"):
            pytest.fail(f"{SEED} is missing: CI must have ../shared/seeds")
        pytest.skip("../shared/seeds is not here")
    assert quote in SEED.read_text(encoding="utf-8")


# --- Abshar / Afshar is never silently re-labelled -----------------------------------------
def test_abshar_claims_keep_the_name_and_say_why(claims):
    named = [c for c in claims.claims if {"Abshar", "Afshar"} & set(c.places)]
    assert len(named) >= 8
    for c in named:
        assert "AF0803" in c.districts, c.id
        named_as = "Afshar" if "Afshar" in c.places else "Abshar"
        assert f"Named '{named_as}' in the source; mapped to Dara (AF0803) because" in c.note, c.id


def test_places_map_to_districts_of_the_province():
    places = yaml.safe_load(PLACES.read_text(encoding="utf-8"))["AF08"]
    for name, place in places.items():
        assert place["district"] in ALL, name
        assert place["confidence"] in ("high", "medium", "low"), name
        assert place["note"], name
    assert places["Abshar"]["district"] == "AF0803"
    assert places["Khawak Pass"]["district"] == "AF0807"


# --- expected snapshots at key dates, per view ---------------------------------------------
# Letters in the order Bazarak, Rukha, Dara, Khenj, Anawa, Shutul, Paryan:
# T taliban, N nrf, C contested (fighting claimed), D disputed (combined: the voices disagree),
# U unknown (no claim yet). End of the day.
EXPECTED = {
    # Before the offensive: Taliban say they wait outside / besiege (08-22, 08-23: NRF holds
    # all); NRF says the same; no independent claim before the AP caption of 08-26.
    ("2021-08-23", "taliban"): "NNNNNNN",
    ("2021-08-23", "nrf"): "NNNNNNN",
    ("2021-08-23", "independent"): "UUUUUUU",
    ("2021-08-23", "combined"): "NNNNNNN",
    # 09-01: Muttaqi says Panjshir is surrounded (N), then Akhtar/TASS: Shutul "won back" (T).
    # NRF: all passes and entrances held. Independent: AP caption, Sputnik "uncontrolled".
    ("2021-09-01", "taliban"): "NNNNNTN",
    ("2021-09-01", "nrf"): "NNNNNNN",
    ("2021-09-01", "independent"): "NNNNNNN",
    ("2021-09-01", "combined"): "NNNNNDN",
    # 09-03: Karimi and Taliban sources claim the whole province. NRF: attacks continue on
    # Shutul and the Khawak Pass (C), then Dashti denies Paryan's fall (N). Independent: AFP
    # Malimah (Dara N), LWJ: lines held (N) but Shutul contested.
    ("2021-09-03", "taliban"): "TTTTTTT",
    ("2021-09-03", "nrf"): "NNNNNCN",
    ("2021-09-03", "independent"): "NNNNNCN",
    ("2021-09-03", "combined"): "DDDDDDD",
    # 09-04: Karimi: Khenj, Anaba, Shutul, Paryan taken, all of Abshar (Dara) but its main
    # building (T: a claim to most of a district, correction 25); a Taliban source:
    # landmines slow the advance on Bazarak (C); Rukha still from the 09-03 whole-province
    # claim. NRF: Khawak contested, then Massoud "continues to stand" (N). Independent: AFP
    # fresh fighting (C), then Emergency: Taliban at the Anabah hospital (Anawa T).
    ("2021-09-04", "taliban"): "CTTTTTT",
    ("2021-09-04", "nrf"): "NNNNNNN",
    ("2021-09-04", "independent"): "CCCCTCC",
    ("2021-09-04", "combined"): "DDDDDDD",
    # 09-05: AVA (Shutul, Paryan, Khinj, Abshar T; Onaba C), Karimi to CNN: all but Bazarak and
    # Rokha (T), those two contested (his fighters advancing on them), then, by the order of events,
    # his Rokha tweet via Reuters (Rokha T, Bazarak C) and the claim to the governor's office (Bazarak T).
    # NRF: denial, 'trapped' (C), Paryan cleared (N); the audio "We control the entire province" is
    # of 09-04; Noori (an advocate, now NRF-side): Shutul and Paryan contested.
    # Independent: Roggio, Shutul resident, Aaj Tak (Anaba T).
    ("2021-09-05", "taliban"): "TTTTTTT",
    ("2021-09-05", "nrf"): "NNNNNCC",
    ("2021-09-05", "independent"): "TTCCTCC",
    ("2021-09-05", "combined"): "DDDDDDD",
    # 09-06: Mujahid: completely conquered. NRF: Nazary (most of Bazarak district NRF: N, "haven't
    # captured": N), @nrfafg's denial (N), then Massoud and al-Hayat: still fighting (C), then
    # pro-resistance tweets:
    # the leadership left Bazarak for higher ground (Bazarak T, the first NRF-side concession).
    # Independent: AP witnesses (all T), Taliban at the governor's compound (Bazarak T). So
    # every voice has the Taliban in Bazarak: combined T there.
    ("2021-09-06", "taliban"): "TTTTTTT",
    ("2021-09-06", "nrf"): "TCCCCCC",
    ("2021-09-06", "independent"): "TTTTTTT",
    ("2021-09-06", "combined"): "TDDDDDD",
    # 09-08: Nazary on CNN: the Taliban hold only the main road and the provincial centre.
    ("2021-09-08", "nrf"): "TCCCCCC",
    ("2021-09-08", "combined"): "TDDDDDD",
    # 09-14: Nazary (WhatsApp): NRF forces "stationed throughout the valley": presence, contested.
    ("2021-09-14", "nrf"): "CCCCCCC",
    ("2021-09-14", "combined"): "DDDDDDD",
    # 2022-05-07: Mujahid denies any fighting (T) and Khorasani keeps Dara/Abshar (T). NRF: side
    # gorges (10-2021, C), Anaba ambush (03-2022, C), AbdullahKhel/Abshar fallen but their
    # besieged centres (Dara N: a claim to most of a district, correction 25).
    # Independent: still the September 2021 picture (AP, NYT: T).
    ("2022-05-07", "taliban"): "TTTTTTT",
    ("2022-05-07", "nrf"): "CCNCCCC",
    ("2022-05-07", "independent"): "TTTTTTT",
    ("2022-05-07", "combined"): "DDDDDDD",
    # 2022-05-10: Ahmadi to TOLOnews: "present in many areas of Dara": presence (C).
    ("2022-05-10", "nrf"): "CCCCCCC",
    # 2022-05-14: RFE/RL: the NRF claims large parts of Abshar and Dara (N, correction 25); the
    # Taliban spokesman (05-09) and Abdullah Khel's residents speak of fighting (C): disputed.
    ("2022-05-14", "nrf"): "CCNCCCC",
    ("2022-05-14", "combined"): "DDDDDDD",
    # 2022-05-23: Coffey (NRF side): fighting in the side valleys (C everywhere), so all three
    # voices speak of fighting in Dara: the one contested cell of the combined view.
    ("2022-05-23", "nrf"): "CCCCCCC",
    ("2022-05-23", "combined"): "DDCDDDD",
    # 2022-09-13: Mujahid: clearance done in Rokha, Dara, Afshar (T). NRF: unchanged (C).
    # Independent: AFP (Khenj, Bazarak T), RFE/RL residents and Republic World (Dara, Rukha C),
    # 8am Anaba (C), HRW Khenj jail (T), Rokha resident Paryan/Khenj (T), Amu TV Khenj and Shutul (C).
    # (Coffey is an advocate and no longer steers this view.)
    ("2022-09-13", "taliban"): "TTTTTTT",
    ("2022-09-13", "nrf"): "CCCCCCC",
    ("2022-09-13", "independent"): "TCCCCCT",
    ("2022-09-13", "combined"): "DDDDDDD",
    # Last date (2022-11-30): Karimi full control (09-14, T); Afghan Witness/AP (10-18): Dara C;
    # Kabul Now: Omarz outpost attacked (Khenj C, unchanged).
    ("2022-11-30", "taliban"): "TTTTTTT",
    ("2022-11-30", "nrf"): "CCCCCCC",
    ("2022-11-30", "independent"): "TCCCCCT",
    ("2022-11-30", "combined"): "DDDDDDD",
}
LETTER = {"T": "taliban", "N": "nrf", "C": "contested", "D": "disputed", "U": "unknown"}


@pytest.mark.parametrize("date, view", list(EXPECTED), ids=[f"{d}-{v}" for d, v in EXPECTED])
def test_snapshot(claims, date, view):
    got = resolve(claims, view=view, on=dt.date.fromisoformat(date)).holders()
    expected = {PCODE[name]: LETTER[letter] for name, letter in zip(ORDER, EXPECTED[date, view])}
    assert got == expected


def test_last_date_is_in_the_table(claims):
    assert max(c.date for c in claims.claims).isoformat() in {d for d, _ in EXPECTED}


def test_karimi_cnn_codes_bazarak_and_rukha_by_the_method(claims):
    """The earlier expectation (Bazarak and Rukha `nrf` in the Taliban view on 2021-09-05) is
    withdrawn: Karimi said his fighters were advancing on them, which is `contested`."""
    claim = claims.claim("karimi-cnn-2021-09-05-nrf")
    assert (claim.holder, set(claim.districts), claim.quote) == ("contested", {"AF0801", "AF0802"}, None)
    taliban = resolve(claims, view="taliban", on=dt.date(2021, 9, 5)).holders()
    assert "nrf" not in taliban.values()


def test_combined_view_shows_the_contest_in_the_first_week_of_september(claims):
    """In the combined view Bazarak goes from nrf to disputed to taliban, 09-01..09-07."""
    days = [dt.date(2021, 8, 31) + dt.timedelta(days=n) for n in range(8)]
    states = [resolve(claims, view="combined", on=day).holders() for day in days]
    went = set()
    for pcode in ALL:
        sequence = [s[pcode] for s in states]
        firsts = {h: sequence.index(h) for h in ("nrf", "disputed", "taliban") if h in sequence}
        if len(firsts) == 3 and firsts["nrf"] < firsts["disputed"] < firsts["taliban"]:
            went.add(pcode)
    assert went == {PCODE["Bazarak"]}


# --- the corrections of the 2026-11 audit, one row each (docs/methodology.md, Corrections) ----
GONE = [
    "seed-taliban-reports-2021-09-03",
    "seed-article-2021-09-05-bazarak",
    "taliban-atalayar-2021-09-06-anawa-rukha-bazarak",
    "ahmadi-2022-05-09-dara-abshar",
    "mujahid-press-2021-09-06-eight-districts",
    "mujahid-8am-2022-08-16-denial",
]
CORRECTIONS = [
    # (claim id, field, expected value)
    ("reuters-afp-2021-09-06-compound", "source", "taliban-unnamed"),
    ("reuters-afp-2021-09-06-compound", "via", "reuters"),
    ("reuters-afp-2021-09-06-compound", "confidence", "medium"),
    ("noori-ap-2021-09-05-nrf", "view", "nrf"),
    ("coffey-2022-05-23-side-valleys", "view", "nrf"),
    ("nrf-twitter-2021-09-06-denial", "holder", "contested"),
    ("nazary-whatsapp-2021-09-14-nrf", "holder", "contested"),
    ("karimi-cnn-2021-09-05-nrf", "holder", "contested"),
    ("karimi-cnn-2021-09-05-nrf", "quote", None),
    ("seed-nrf-audio-2021-09-05-all", "date", "2021-09-04"),
    ("saleh-twitter-2021-08-23-nrf", "date", "2021-08-22"),
    ("local-sources-amu-2022-07-khenj-shutul", "date", "2022-07-10"),
    ("local-sources-amu-2022-07-khenj-shutul", "date_precision", "week"),
    ("massoud-bbc-2021-09-06-contested", "via", "facebook"),
    (
        "mujahid-2021-09-06-all",
        "url",
        "https://en.dailypakistan.com.pk/06-Sep-2021/"
        "taliban-claim-full-control-of-panjshir-last-holdout-afghan-province",
    ),
    ("nrf-statement-8am-2022-08-16-paryan", "places", ("Abdullah Khel",)),
    # correction 25: a claim to most of a district is a claim to the district, for every side
    ("karimi-2021-09-04-abshar", "holder", "taliban"),
    ("nazary-cnn-2021-09-06-bazarak", "holder", "nrf"),
    ("ahmadi-twitter-2022-05-07-abdullah-khel-abshar", "holder", "nrf"),
    ("nrf-rferl-2022-05-14-abshar-dara", "holder", "nrf"),
    ("ahmadi-tolonews-2022-05-10-dara-abshar", "holder", "contested"),  # presence stays contested
]


@pytest.mark.parametrize("cid, field, value", CORRECTIONS, ids=[f"{c}-{f}" for c, f, _ in CORRECTIONS])
def test_corrections(claims, cid, field, value):
    claim = claims.claim(cid)
    got = (
        {"view": claims.view_of(claim), "date": claim.date.isoformat()}.get(field)
        if field in ("view", "date")
        else getattr(claim, field)
    )
    assert got == value


@pytest.mark.parametrize("cid", GONE)
def test_duplicates_and_doubtful_claims_are_gone(claims, cid):
    assert cid not in {c.id for c in claims.claims}


def test_karimi_rokha_tweet_follows_his_cnn_statement(claims):
    order = [c.id for c in claims.claims]
    assert order.index("karimi-cnn-2021-09-05-nrf") < order.index("karimi-reuters-2021-09-05-rokha")


def test_seed_article_is_named_and_linked(claims):
    seed = claims.sources["seed-article"]
    assert "Apostrophe" in seed.name and seed.url.startswith("https://apostrophe.ua/")


# --- sources: every kind set; no party or advocate is independent ---------------------------
def test_every_source_has_a_kind(claims):
    from dashboard.claims import SOURCE_KINDS

    for source in claims.sources.values():
        assert source.kind in SOURCE_KINDS, source.id


def test_no_party_or_advocacy_source_is_independent(claims):
    for source in claims.sources.values():
        if source.kind in ("advocacy", "official", "spokesman"):
            assert source.side in claims.sides, source.id
    for sid in ("luke-coffey", "salmai-noori"):
        assert claims.sources[sid].side == "nrf"


# --- the combined view: disagreement is disputed, never contested ---------------------------
def test_combined_never_contested_where_the_voices_only_disagree(claims):
    days = sorted({c.date for c in claims.claims} | {dt.date(2022, 1, 15)})
    for day in days:
        voices = {v: resolve(claims, view=v, on=day).holders() for v in ("taliban", "nrf", "independent")}
        combined = resolve(claims, view="combined", on=day).holders()
        for pcode, holder in combined.items():
            heard = {h[pcode] for h in voices.values()} - {"unknown"}
            if holder == "contested":
                assert heard == {"contested"}, (day, pcode)
            if len(heard) > 1:
                assert holder == "disputed", (day, pcode)


def test_must_show_2022_01_15_combined(claims):
    assert "contested" not in resolve(claims, view="combined", on=dt.date(2022, 1, 15)).holders().values()


def test_must_show_the_nrf_view_changes_in_may_2022(claims):
    """Issue 11: `timeline --view nrf` changes in May 2022 (the NRF's offensive claims)."""
    from dashboard.control import timeline

    rows = timeline(claims, view="nrf")
    may = rows[[d.strftime("%Y-%m") == "2022-05" for d in rows["date"]]]
    assert list(may["date"].astype(str)) == ["2022-05-07", "2022-05-10", "2022-05-14", "2022-05-23"]
    assert list(may["nrf"]) == [1, 0, 1, 0]


def test_claims_in_at_least_eight_months_of_2022(claims):
    assert len({c.date.month for c in claims.claims if c.date.year == 2022}) >= 8


def test_new_claims_are_sourced(claims):
    for cid in (
        "taliban-aajtak-2021-09-05-governor-office",
        "nrf-source-tass-2021-09-07-governor-office",
        "afp-2021-09-16-khenj-bazarak",
        "nrf-rferl-2022-05-14-abshar-dara",
        "residents-rferl-2022-05-14-abdullah-khel",
        "local-sources-republic-2022-06-07-dara-rukha",
        "afghan-witness-ap-2022-10-18-dara",
    ):
        claim = claims.claim(cid)
        assert claim.url and claim.confidence and claim.date_precision, cid
