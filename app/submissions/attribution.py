"""How a submission is credited in the compiled input, following each attribution choice.

named: the organizations' names; anonymous: the kind of each organization and a broad
area only; confidential: left out of the public edition, and described like an anonymous
one in the restricted edition, so no name reaches any file.
"""

from __future__ import annotations

from babel.lists import format_list as babel_format_list
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from app.reference.regions import coarse_area

ANONYMOUS_KINDS = {
    "migrant-led": _l("a migrant-led association"),
    "ngo": _l("a non-governmental organization"),
    "trade-union": _l("a trade union"),
    "faith-based": _l("a faith-based group"),
    "lawyers": _l("a lawyers' collective"),
    "network": _l("a network or coalition"),
    "informal": _l("an informal self-organized group"),
    "other": _l("an organization"),
}


def format_list(items: list[str]) -> str:
    return babel_format_list(items, locale=get_locale()) if items else ""


def describe_anonymously(org) -> str:
    return gettext(
        "%(kind)s in %(area)s",
        kind=str(ANONYMOUS_KINDS.get(org.kind, ANONYMOUS_KINDS["other"])),
        area=coarse_area(org.countries),
    )


def credit(organizations, attribution: str) -> str:
    """The credit line for these organizations under one attribution choice."""
    ordered = sorted(organizations, key=lambda org: org.name.lower())
    if attribution == "named":
        return format_list([org.name for org in ordered])
    descriptions = sorted({describe_anonymously(org) for org in ordered})
    return format_list(descriptions)


def writers(submission) -> list:
    lead = [submission.lead_organization]
    return lead + [c.organization for c in submission.accepted_coauthors()]


def submission_credit(submission, edition: str) -> str | None:
    """The credit line in an edition ("public" or "restricted"); None when left out."""
    attribution = submission.effective_attribution()
    if attribution == "confidential" and edition == "public":
        return None
    return credit(writers(submission), "named" if attribution == "named" else "anonymous")


def endorsement_credit(endorsement, edition: str) -> str | None:
    if endorsement.attribution == "confidential" and edition == "public":
        return None
    kind = "named" if endorsement.attribution == "named" else "anonymous"
    return credit([endorsement.organization], kind)
