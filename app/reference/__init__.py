"""Reference data: countries, languages, organization kinds, GCM objectives."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask_babel import get_locale

# Codes in CLDR's territory list that are not countries or territories people live in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "DG", "EA", "IC", "TA"}

# Working languages offered for organizations and submissions: the main languages of
# Asia and the Pacific and of the countries where their migrants work, plus UN languages.
LANGUAGE_CODES = [
    "ar",
    "bn",
    "dz",
    "en",
    "es",
    "fa",
    "fil",
    "fj",
    "fr",
    "hi",
    "id",
    "ja",
    "km",
    "ko",
    "lo",
    "ml",
    "mn",
    "ms",
    "my",
    "ne",
    "pa",
    "ps",
    "ru",
    "si",
    "sm",
    "ta",
    "te",
    "tet",
    "th",
    "to",
    "tpi",
    "ur",
    "uz",
    "vi",
    "zh",
]


@cache
def country_codes() -> tuple[str, ...]:
    territories = Locale("en").territories
    return tuple(
        sorted(
            c
            for c in territories
            if isinstance(c, str) and len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES
        )
    )


def country_name(code: str) -> str:
    """A country's name in the reader's language."""
    return _names(str(_locale()), "territories").get(code, code)


def country_choices() -> list[tuple[str, str]]:
    return _country_choices(str(_locale()))


@cache
def _country_choices(locale_code: str) -> list[tuple[str, str]]:
    names = Locale.parse(locale_code).territories
    return sorted(((c, names.get(c, c)) for c in country_codes()), key=lambda x: x[1])


def language_name_in_reader_language(code: str) -> str:
    return _names(str(_locale()), "languages").get(code, code)


def language_names_in_reader_language() -> dict[str, str]:
    """Every language's name in the reader's language (for a list that names many)."""
    return _names(str(_locale()), "languages")


@cache
def _names(locale_code: str, kind: str) -> dict[str, str]:
    """A locale's names of languages or of territories, English where it has none: one
    plain dict per locale (Babel's data wraps every lookup, and lists name many)."""
    english, own = getattr(Locale("en"), kind), getattr(Locale.parse(locale_code), kind)
    return {**dict(english.items()), **{code: name for code, name in own.items() if name}}


def language_choices() -> list[tuple[str, str]]:
    return _language_choices(str(_locale()))


@cache
def _language_choices(locale_code: str) -> list[tuple[str, str]]:
    names = _names(locale_code, "languages")
    return sorted(((c, names.get(c, c)) for c in LANGUAGE_CODES), key=lambda x: x[1])


def _locale() -> Locale:
    try:
        return get_locale() or Locale("en")
    except RuntimeError:
        return Locale("en")
