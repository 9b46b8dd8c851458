"""How a submission is credited in the compiled input, following each attribution choice.

named: the organizations' names; anonymous: the kind of each organization and a broad
area only; confidential: left out of the public edition, and described like an anonymous
one in the restricted edition, so no name reaches any file.

A broad area can still point at one organization when few take part ("a trade union in
Southern Asia" when only one trade union from there joined). So an area is named only when
at least MIN_SHARED organizations credited without their name share it; otherwise a wider
region is named, or none (see `Anonymity`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from babel.lists import format_list as babel_format_list
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.i18n import gettext
from app.i18n import lazy_gettext as _l
from app.reference.regions import area_chain, area_name
from app.submissions.states import SubmissionState

MIN_SHARED = 3

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


class Anonymity:
    """Which area may be named beside each organization credited without its name.

    Built from every organization credited without its name in one edition of one
    consultation: an area is named only if at least MIN_SHARED of them work within it.
    """

    def __init__(self, organizations: Iterable) -> None:
        unique = {org.id: org for org in organizations}
        self._shared: Counter[str] = Counter()
        for org in unique.values():
            self._shared.update(area_chain(org.countries))

    def area_code(self, org) -> str | None:
        for code in area_chain(org.countries):
            if self._shared[code] >= MIN_SHARED:
                return code
        return None

    def area(self, org) -> str | None:
        code = self.area_code(org)
        return area_name(code) if code else None


def format_list(items: list[str]) -> str:
    return babel_format_list(items, locale=get_locale()) if items else ""


def describe_anonymously(org, anonymity: Anonymity) -> str:
    kind = str(ANONYMOUS_KINDS.get(org.kind, ANONYMOUS_KINDS["other"]))
    area = anonymity.area(org)
    if area is None:
        return kind
    return gettext("%(kind)s in %(area)s", kind=kind, area=area)


def credit(organizations, attribution: str, anonymity: Anonymity) -> str:
    """The credit line for these organizations under one attribution choice."""
    ordered = sorted(organizations, key=lambda org: org.name.lower())
    if attribution == "named":
        return format_list([org.name for org in ordered])
    descriptions = sorted({describe_anonymously(org, anonymity) for org in ordered})
    return format_list(descriptions)


def writers(submission) -> list:
    lead = [submission.lead_organization]
    return lead + [c.organization for c in submission.accepted_coauthors()]


def _unnamed_in(attribution: str, edition: str) -> bool:
    """Credited without a name in this edition (confidential texts are not in the public one)."""
    return attribution == "anonymous" or (attribution == "confidential" and edition == "restricted")


def unnamed_organizations(submissions, edition: str) -> list:
    """Every organization that these submissions credit without its name in an edition."""
    found = []
    for submission in submissions:
        if _unnamed_in(submission.effective_attribution(), edition):
            found.extend(writers(submission))
        for endorsement in submission.endorsements:
            if _unnamed_in(endorsement.attribution, edition):
                found.append(endorsement.organization)
    return found


def consultation_anonymity(submission, edition: str) -> Anonymity:
    """The areas that may be named for this submission now: among the accepted submissions
    of its consultation, and the submission itself (for a preview before it is accepted)."""
    from app.organizations.models import Organization
    from app.submissions.models import Coauthor, Endorsement, Submission

    accepted = db.session.scalars(
        select(Submission)
        .where(
            Submission.consultation_id == submission.consultation_id,
            Submission.state == SubmissionState.ACCEPTED,
            Submission.id != submission.id,
        )
        .options(
            joinedload(Submission.lead_organization).selectinload(Organization.country_rows),
            selectinload(Submission.coauthors)
            .joinedload(Coauthor.organization)
            .selectinload(Organization.country_rows),
            selectinload(Submission.endorsements)
            .joinedload(Endorsement.organization)
            .selectinload(Organization.country_rows),
        )
    ).all()
    return Anonymity(unnamed_organizations([*accepted, submission], edition))


def submission_credit(submission, edition: str, anonymity: Anonymity) -> str | None:
    """The credit line in an edition ("public" or "restricted"); None when left out."""
    attribution = submission.effective_attribution()
    if attribution == "confidential" and edition == "public":
        return None
    kind = "named" if attribution == "named" else "anonymous"
    return credit(writers(submission), kind, anonymity)


def endorsement_credit(endorsement, edition: str, anonymity: Anonymity) -> str | None:
    if endorsement.attribution == "confidential" and edition == "public":
        return None
    kind = "named" if endorsement.attribution == "named" else "anonymous"
    return credit([endorsement.organization], kind, anonymity)
