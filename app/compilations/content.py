"""What a compilation says, as plain data: the same structure feeds every format.

The structure is documented in docs/compilation-schema.md. User text travels as data,
never as markup: each renderer inserts it as literal text.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select

from app.compilations.labels import document_labels, method_note
from app.compilations.references import (
    consultation_code,
    paragraph_range,
    submission_reference,
)
from app.consultations.models import Consultation
from app.extensions import db
from app.i18n import content_language, gettext, in_zone, text_direction
from app.reference import country_name, gcm, language_name_in_reader_language
from app.submissions.attribution import (
    Anonymity,
    endorsement_credit,
    submission_credit,
    unnamed_organizations,
    writers,
)
from app.submissions.loading import writers_and_text
from app.submissions.models import (
    CONTRIBUTION_LABELS,
    Submission,
)
from app.submissions.states import SubmissionState

SCHEMA = "gcm-compiled-input/1"


def accepted_submissions(consultation: Consultation) -> list[Submission]:
    """Accepted submissions with everything the compilation needs, in a fixed few queries."""
    query = (
        select(Submission)
        .where(
            Submission.consultation_id == consultation.id,
            Submission.state == SubmissionState.ACCEPTED,
        )
        .options(*writers_and_text())
        # In reference order (S-001, S-002...); one without a number yet last, by id.
        .order_by(Submission.reference_number.is_(None), Submission.reference_number, Submission.id)
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
    """The whole compilation for one edition ("public" leaves confidential ones out).

    References (S-014, S-014 ¶3) come from app/compilations/references.py: they are the
    same in both editions and every version. `n` on a paragraph is only a running number
    through this one document."""
    with force_locale(language):
        included = [s for s in submissions if _in_edition(s, edition)]
        anonymity = Anonymity(unnamed_organizations(included, edition))
        entries = [_submission_entry(s, edition, anonymity) for s in included]
        groups = _numbered(_groups(consultation, entries, grouping), grouping)
        figures = _figures(consultation, included, anonymity)
        details = _consultation(consultation)
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
            "method": method_note(details, figures, edition, version),
            "consultation": details,
            "figures": figures,
            "objective_index": _objective_index(consultation, entries),
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
        "code": consultation_code(consultation),
        "symbol": consultation.document_symbol or "",
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


def _submission_entry(submission: Submission, edition: str, anonymity: Anonymity) -> dict:
    """One submission, its paragraphs numbered from 1 across its sections (S-014 ¶3)."""
    sections, number, words, objectives = [], 0, 0, set()
    for section in submission.ordered_sections():
        text = section.text
        if not text.strip():
            continue
        section_objectives = section.objectives or list(section.question.objectives)
        objectives.update(section_objectives)
        words += len(text.split())  # as app.text.word_count counts, faster
        parts = paragraphs(text)
        sections.append(
            {
                "key": section.key,
                "question": section.question.text(submission.language).get("text", ""),
                "objectives": section_objectives,
                "contribution_types": list(section.contribution_types),
                "first": number + 1,  # the number (¶) of its first paragraph
                "paragraphs": parts,
            }
        )
        number += len(parts)
    endorsements = [endorsement_credit(e, edition, anonymity) for e in submission.endorsements]
    return {
        "ref": submission_reference(submission),
        "reference": submission_reference(submission, full=True),
        "id": submission.id,
        "credit": submission_credit(submission, edition, anonymity),
        "attribution": submission.effective_attribution(),
        "language": submission.language,
        "language_name": language_name_in_reader_language(submission.language),
        "direction": text_direction(submission.language),
        "places": _places(submission, anonymity),
        "objectives": sorted(objectives),
        "paragraph_range": paragraph_range(1 if number else None, number or None),
        "paragraph_count": number,
        "words": words,
        "sections": sections,
        "endorsements": [credit for credit in endorsements if credit],
    }


def _places(submission: Submission, anonymity: Anonymity) -> list[str]:
    """Where the writers work, as far as the credit line tells it: the countries of
    organizations credited by name, the broad area (M49 code) shown for the others, or none
    when too few organizations share one."""
    organizations = writers(submission)
    if submission.effective_attribution() == "named":
        return sorted({code for org in organizations for code in org.countries})
    return sorted({code for org in organizations if (code := anonymity.area_code(org))})


def _numbered(groups: list[dict], grouping: str) -> list[dict]:
    """Each paragraph with its reference (S-014 ¶3, stable) and a running number `n` in
    document order (a convenience for this file only)."""
    running, memo = 0, dict[tuple, str]()
    for group in groups:
        for item in group["items"]:
            numbered = []
            for offset, text in enumerate(item["paragraphs"]):
                running += 1
                number = item["first"] + offset
                numbered.append(
                    {
                        "n": running,
                        "number": number,
                        "ref": f"{item['ref']} ¶{number}",
                        "text": text,
                    }
                )
            item["paragraphs"] = numbered
            item["contribution_labels"] = _contribution_labels(item, memo)
            item["context"] = _context(item, grouping, memo)
    return groups


def _context(item: dict, grouping: str, memo: dict) -> str:
    """What a text answers, shown with it: its question (when grouped otherwise), its
    objectives (when grouped by question), its contribution types and its language.
    (`memo` keeps each translated line once: there are few distinct ones.)"""
    key: tuple
    if grouping != "question":
        key = ("q", item["section"], item["question"])
    else:
        key = ("o", tuple(item["objectives"]))
    key += (tuple(item["contribution_types"]), item["language"])
    if key not in memo:
        memo[key] = _context_line(item, grouping)
    return memo[key]


def _context_line(item: dict, grouping: str) -> str:
    parts = []
    if grouping != "question":
        number, text = item["section"][1:], item["question"]
        parts.append(gettext("Question %(number)s: %(text)s", number=number, text=text))
    elif item["objectives"]:
        numbers = ", ".join(str(n) for n in item["objectives"])
        parts.append(gettext("GCM objectives %(numbers)s", numbers=numbers))
    if item["contribution_types"]:
        labels = [str(CONTRIBUTION_LABELS.get(k, k)) for k in item["contribution_types"]]
        parts.append(", ".join(labels))
    parts.append(gettext("Written in %(language)s", language=item["language_name"]))
    return " · ".join(parts)


def _contribution_labels(item: dict, memo: dict) -> list[str]:
    kinds = tuple(item["contribution_types"])
    if kinds not in memo:
        memo[kinds] = [str(CONTRIBUTION_LABELS.get(kind, kind)) for kind in kinds]
    return memo[kinds]


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
        "language_name": entry["language_name"],
        "direction": entry["direction"],
        "places": entry["places"],
        "section": section["key"],
        "question": section["question"],
        "objectives": section["objectives"],
        "contribution_types": section["contribution_types"],
        "endorsements": entry["endorsements"],
        "first": section["first"],
        "paragraphs": section["paragraphs"],
    }


def _objective_index(consultation: Consultation, entries: list[dict]) -> list[dict]:
    """For each GCM objective, the paragraphs that address it (every objective a section is
    tagged with, not only the one it is grouped under), with counts."""
    found: dict[int, list] = defaultdict(list)
    for entry in entries:
        for section in entry["sections"]:
            last = section["first"] + len(section["paragraphs"]) - 1
            for number in section["objectives"]:
                found[number].append((entry["ref"], section["first"], last))
    in_scope = set(consultation.objectives)
    index = []
    for objective in gcm.objectives():
        rows = found.get(objective.number, [])
        if not rows and objective.number not in in_scope:
            continue
        index.append(
            {
                "objective": objective.number,
                "title": objective.label,
                "in_scope": objective.number in in_scope,
                "submissions": len({ref for ref, _, _ in rows}),
                "paragraphs": sum(last - first + 1 for _, first, last in rows),
                "references": [f"{ref} {paragraph_range(a, b)}" for ref, a, b in rows],
            }
        )
    return index


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
    contributors, endorsers = set[str](), set[str]()
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
