"""What a compilation says, as plain data: the same structure feeds every format.

The structure is documented in docs/compilation-schema.md. User text travels as data,
never as markup: each renderer inserts it as literal text.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.compilations.labels import document_labels
from app.consultations.models import Consultation
from app.extensions import db
from app.i18n import content_language, in_zone, text_direction
from app.organizations.models import Organization
from app.reference import country_name, gcm, language_name_in_reader_language
from app.submissions.attribution import (
    Anonymity,
    endorsement_credit,
    submission_credit,
    unnamed_organizations,
    writers,
)
from app.submissions.models import Coauthor, Endorsement, Section, Submission

SCHEMA = "gcm-compiled-input/1"


def accepted_submissions(consultation: Consultation) -> list[Submission]:
    """Accepted submissions with everything the compilation needs, in a fixed few queries."""
    query = (
        select(Submission)
        .where(Submission.consultation_id == consultation.id, Submission.state == "accepted")
        .options(
            joinedload(Submission.lead_organization).selectinload(Organization.country_rows),
            selectinload(Submission.coauthors)
            .joinedload(Coauthor.organization)
            .selectinload(Organization.country_rows),
            selectinload(Submission.sections).options(
                joinedload(Section.question),
                joinedload(Section.current_revision),
                selectinload(Section.objective_rows),
            ),
            selectinload(Submission.endorsements)
            .joinedload(Endorsement.organization)
            .selectinload(Organization.country_rows),
        )
        .order_by(Submission.id)
    )
    return list(db.session.scalars(query))


def paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; the text itself is kept exactly as written."""
    parts = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return [part for part in parts if part]


def build_content(
    consultation: Consultation,
    submissions: list[Submission],
    *,
    edition: str,
    grouping: str,
    language: str,
    version: int,
    now: datetime,
) -> dict:
    """The whole compilation for one edition ("public" leaves confidential ones out)."""
    with force_locale(language):
        included = [s for s in submissions if _in_edition(s, edition)]
        anonymity = Anonymity(unnamed_organizations(included, edition))
        refs = {s.id: f"S-{number:03}" for number, s in enumerate(included, 1)}
        entries = [_submission_entry(s, refs[s.id], edition, anonymity) for s in included]
        groups = _numbered(_groups(consultation, entries, grouping))
        return {
            "schema": SCHEMA,
            "edition": edition,
            "version": version,
            # Typst takes a plain ISO 639 code ("zh", not "zh_Hans").
            "language": content_language(language).split("_")[0],
            "direction": text_direction(language),
            "compiled_at": now.isoformat(),
            "compiled_on": in_zone(now, consultation.timezone, "long"),
            "grouping": grouping,
            "labels": document_labels(edition),
            "consultation": _consultation(consultation),
            "figures": _figures(consultation, included, anonymity),
            "groups": groups,
            "submissions": entries,
            "annex": _annex(included, edition),
        }


def _in_edition(submission: Submission, edition: str) -> bool:
    return edition == "restricted" or submission.effective_attribution() != "confidential"


def _consultation(consultation: Consultation) -> dict:
    from app.consultations.template_helpers import review_label

    zone = consultation.timezone
    meeting = consultation.review_meeting_at
    return {
        "slug": consultation.slug,
        "title": consultation.text(content_language(str(_current_language())))[0].get("title", ""),
        "review": review_label(consultation.review),
        "convening_body": consultation.review.convening_body,
        "opens": in_zone(consultation.opens_at, zone, "long"),
        "deadline": in_zone(consultation.deadline_at, zone, "long"),
        "review_meeting": in_zone(meeting, zone, "long") if meeting else "",
        "objectives": [gcm.objective(n).label for n in consultation.objectives],
    }


def _current_language():
    from flask_babel import get_locale

    return get_locale()


def _submission_entry(submission: Submission, ref: str, edition: str, anonymity: Anonymity) -> dict:
    sections = []
    for section in submission.ordered_sections():
        text = section.text
        if not text.strip():
            continue
        objectives = section.objectives or list(section.question.objectives)
        sections.append(
            {
                "key": section.key,
                "question": section.question.text(submission.language).get("text", ""),
                "objectives": objectives,
                "contribution_types": list(section.contribution_types),
                "paragraphs": paragraphs(text),
            }
        )
    endorsements = [endorsement_credit(e, edition, anonymity) for e in submission.endorsements]
    return {
        "ref": ref,
        "id": submission.id,
        "credit": submission_credit(submission, edition, anonymity),
        "attribution": submission.effective_attribution(),
        "language": submission.language,
        "direction": text_direction(submission.language),
        "sections": sections,
        "endorsements": [credit for credit in endorsements if credit],
    }


def _numbered(groups: list[dict]) -> list[dict]:
    """Paragraphs numbered 1, 2, 3... in document order, for reference (as UN inputs are)."""
    number = 0
    for group in groups:
        for item in group["items"]:
            numbered = []
            for text in item["paragraphs"]:
                number += 1
                numbered.append({"n": number, "text": text})
            item["paragraphs"] = numbered
    return groups


def _primary_objective(section: dict) -> int | None:
    return min(section["objectives"]) if section["objectives"] else None


def _groups(consultation: Consultation, entries: list[dict], grouping: str) -> list[dict]:
    """Sections gathered by guiding question, by objective, or by round-table cluster.

    A section that addresses several objectives is placed under its first one, so no text
    appears twice.
    """
    buckets: dict = defaultdict(list)
    for entry in entries:
        for section in entry["sections"]:
            buckets[_group_key(section, grouping)].append(_item(entry, section))
    return [
        {"key": str(key), "title": _group_title(consultation, key, grouping), "items": items}
        for key, items in sorted(
            buckets.items(), key=lambda kv: _group_order(consultation, kv[0], grouping)
        )
    ]


def _group_key(section: dict, grouping: str):
    if grouping == "question":
        return section["key"]
    objective = _primary_objective(section)
    if objective is None:
        return 0
    if grouping == "cluster":
        cluster = gcm.cluster_of(objective)
        return cluster.number if cluster else 0
    return objective


def _group_order(consultation: Consultation, key, grouping: str):
    if grouping == "question":
        positions = {q.key: q.position for q in consultation.questions}
        return (0, positions.get(key, 999))
    return (1 if key == 0 else 0, key)


def _group_title(consultation: Consultation, key, grouping: str) -> str:
    if grouping == "question":
        question = next((q for q in consultation.questions if q.key == key), None)
        text = question.text().get("text", key) if question else key
        return gettext("Question %(number)s: %(text)s", number=key[1:], text=text)
    if key == 0:
        return gettext("Not tagged with an objective")
    if grouping == "cluster":
        return next(c for c in gcm.clusters() if c.number == key).label
    return gcm.objective(key).label


def _item(entry: dict, section: dict) -> dict:
    return {
        "ref": entry["ref"],
        "credit": entry["credit"],
        "language": entry["language"],
        "direction": entry["direction"],
        "section": section["key"],
        "question": section["question"],
        "objectives": section["objectives"],
        "contribution_types": section["contribution_types"],
        "paragraphs": section["paragraphs"],
    }


def _figures(consultation: Consultation, included: list[Submission], anonymity: Anonymity) -> dict:
    organizations, named_countries, anonymous_areas, languages = set(), set(), set(), set()
    coverage: dict[int, int] = defaultdict(int)
    for submission in included:
        named = submission.effective_attribution() == "named"
        languages.add(submission.language)
        for org in writers(submission):
            organizations.add(org.id)
            if named:
                named_countries.update(org.countries)
            elif (area := anonymity.area(org)) is not None:
                anonymous_areas.add(area)
        for section in submission.sections:
            if section.text.strip():
                for number in section.objectives or section.question.objectives:
                    coverage[number] += 1
    in_scope = set(consultation.objectives)
    return {
        "submissions": len(included),
        "organizations": len(organizations),
        "countries": sorted(country_name(code) for code in named_countries),
        "anonymous_areas": sorted(anonymous_areas),
        "languages": sorted(language_name_in_reader_language(c) for c in languages),
        "coverage": [
            {
                "objective": o.number,
                "title": o.label,
                "sections": coverage.get(o.number, 0),
                "in_scope": o.number in in_scope,
            }
            for o in gcm.objectives()
            if o.number in in_scope or coverage.get(o.number)
        ],
    }


def _annex(included: list[Submission], edition: str) -> dict:
    """Names only of organizations credited by name; the others are described, not listed."""
    contributors, endorsers = set(), set()
    for submission in included:
        if submission.effective_attribution() == "named":
            contributors.update(org.name for org in writers(submission))
        for endorsement in submission.endorsements:
            if endorsement.attribution == "named":
                endorsers.add(endorsement.organization.name)
    return {"contributors": sorted(contributors), "endorsers": sorted(endorsers)}


def contents_summary(submissions: list[Submission]) -> dict:
    """What went into a version, to compare with the next one (revision ids, no text)."""
    return {
        str(s.id): {
            "sections": {sec.key: sec.current_revision_id for sec in s.sections},
            "attribution": s.effective_attribution(),
            "endorsements": sorted(e.organization_id for e in s.endorsements),
        }
        for s in submissions
    }
