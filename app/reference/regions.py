"""UN M49 regions, to describe where an anonymous organization works without naming places
that could identify it: one sub-region, or the continent (see app/submissions/attribution.py
for when an area may be named at all)."""

from __future__ import annotations

from app.reference import _locale

# Sub-region (M49 code) -> ISO 3166 country codes.
SUBREGIONS = {
    "015": "DZ EG LY MA SD TN EH",
    "014": "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
    "017": "AO CM CF TD CG CD GQ GA ST",
    "018": "BW SZ LS NA ZA",
    "011": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    "029": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
    "013": "BZ CR SV GT HN MX NI PA",
    "005": "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
    "021": "BM CA GL PM US",
    "143": "KZ KG TJ TM UZ",
    "030": "CN HK MO KP JP MN KR TW",
    "035": "BN KH ID LA MY MM PH SG TH TL VN",
    "034": "AF BD BT IN IR MV NP PK LK",
    "145": "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "151": "BY BG CZ HU PL MD RO RU SK UA",
    "154": "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB",
    "039": "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK",
    "155": "AT BE FR DE LI LU MC NL CH",
    "053": "AU CX CC HM NZ NF",
    "054": "FJ NC PG SB VU",
    "057": "GU KI MH FM NR MP PW UM",
    "061": "AS CK PF NU PN WS TK TO TV WF",
}
CONTINENTS = {
    "002": ("015", "014", "017", "018", "011"),
    "019": ("029", "013", "005", "021"),
    "142": ("143", "030", "035", "034", "145"),
    "150": ("151", "154", "039", "155"),
    "009": ("053", "054", "057", "061"),
}
_COUNTRY_TO_SUBREGION = {
    country: code for code, countries in SUBREGIONS.items() for country in countries.split()
}
_SUBREGION_TO_CONTINENT = {sub: cont for cont, subs in CONTINENTS.items() for sub in subs}


def coarse_area_code(countries) -> str | None:
    """The smallest M49 region holding all the countries, at most a continent."""
    subregions = {_COUNTRY_TO_SUBREGION[c] for c in countries if c in _COUNTRY_TO_SUBREGION}
    if not subregions:
        return None
    if len(subregions) == 1:
        return subregions.pop()
    continents = {_SUBREGION_TO_CONTINENT[s] for s in subregions}
    return continents.pop() if len(continents) == 1 else None


def area_chain(countries) -> list[str]:
    """The regions holding all the countries, from the smallest up to the continent."""
    code = coarse_area_code(countries)
    if code is None:
        return []
    continent = _SUBREGION_TO_CONTINENT.get(code)
    return [code, continent] if continent else [code]


def area_name(code: str) -> str:
    """A region's name in the reader's language."""
    return _locale().territories.get(code, code)


def grouped_countries(labels: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Country codes grouped by continent, in the reader's language: [(continent name,
    [codes sorted by name])], continents sorted by name, places in no continent last."""
    from app.i18n import gettext

    groups: dict[str, list[str]] = {}
    for code in labels:
        continent = _SUBREGION_TO_CONTINENT.get(_COUNTRY_TO_SUBREGION.get(code, ""), "")
        groups.setdefault(continent, []).append(code)
    named = sorted(
        ((area_name(continent), codes) for continent, codes in groups.items() if continent),
        key=lambda group: group[0],
    )
    if "" in groups:
        named.append((gettext("Other places"), groups[""]))
    return [(name, sorted(codes, key=lambda code: labels[code])) for name, codes in named]
