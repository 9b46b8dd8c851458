"""The outcome table as open data (CSV and JSON): public texts only, no personal data."""

from __future__ import annotations

import csv
import io
import json

from app.outcomes.models import UPTAKE_LABELS
from app.text import spreadsheet_safe

SCHEMA = "gcm-outcome/1"
COLUMNS = [
    "submission",
    "credit",
    "paragraph",
    "status",
    "status_label",
    "outcome_document",
    "outcome_reference",
    "reason",
    "recorded_at",
]


def table(rows, cite) -> list[dict]:
    """One line per recorded uptake, and one "pending" line per submission with none."""
    lines = []
    for row in rows:
        records = row.uptakes or [None]
        for uptake in records:
            document = uptake.document if uptake else None
            lines.append(
                {
                    "submission": cite(row.submission, None),
                    "credit": row.credit,
                    "paragraph": uptake.paragraph if uptake else None,
                    "status": uptake.status if uptake else "pending",
                    "status_label": str(UPTAKE_LABELS[uptake.status if uptake else "pending"]),
                    "outcome_document": (document.symbol or document.title) if document else "",
                    "outcome_reference": (uptake.outcome_reference or "") if uptake else "",
                    "reason": (uptake.reason or "") if uptake else "",
                    "recorded_at": uptake.recorded_at.isoformat() if uptake else "",
                }
            )
    return lines


def to_csv(lines: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for line in lines:
        writer.writerow(
            {k: spreadsheet_safe(str(v)) if v is not None else "" for k, v in line.items()}
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_json(consultation, documents, lines: list[dict], progress: list[dict]) -> bytes:
    data = {
        "schema": SCHEMA,
        "consultation": {"slug": consultation.slug, "title": consultation.title},
        "documents": [
            {
                "title": d.title,
                "symbol": d.symbol,
                "issued_on": d.issued_on.isoformat(),
                "link": d.link,
            }
            for d in documents
        ],
        "uptake": lines,
        "progress_by_objective": progress,
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
