"""Published public editions made without typesetting: the compiler's own content, written
as the compiler writes its JSON files, then published through the service."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app

from app.compilations.content import accepted_submissions, build_content, contents_summary
from app.compilations.models import EDITIONS, Compilation, CompilationFile
from app.compilations.render import render_json
from app.compilations.services import publish
from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_consultation, make_org, make_submission, make_user

THAI = "แรงงานรายงานว่าค่านายหน้าสูงมาก"
KHMER = "កម្មកររាយការណ៍ថាថ្លៃសេវាខ្ពស់"
NEPALI = "कामदारहरूले भर्ती शुल्क तिर्न ऋण लिए"
CHINESE = "工人们报告说偿还招聘费需要一年的工资"
CONFIDENTIAL = "Confidential testimony about a raid in the dormitory."
DRAFT = "Draft paragraph nobody has sent."
RESTRICTED_ONLY_NAME = "Quiet Shelter Group"


def compile_edition(consultation, facilitator, *, published: bool = True) -> Compilation:
    """A version with the JSON files of both editions (no PDF), published when asked."""
    now = utcnow()
    submissions = accepted_submissions(consultation)
    number = 1 + len(
        db.session.scalars(
            db.select(Compilation.id).where(Compilation.consultation_id == consultation.id)
        ).all()
    )
    folder = Path(current_app.config["COMPILATION_DIR"]) / str(consultation.id) / str(number)
    folder.mkdir(parents=True, exist_ok=True)
    compilation = Compilation(
        consultation_id=consultation.id,
        number=number,
        grouping="question",
        language="en",
        created_at=now,
        contents=contents_summary(submissions),
    )
    with current_app.test_request_context("/"):
        for edition in EDITIONS:
            content = build_content(
                consultation,
                submissions,
                edition=edition,
                grouping="question",
                language="en",
                version=number,
                now=now,
            )
            data = render_json(content)
            (folder / f"{edition}.json").write_bytes(data)
            compilation.files.append(
                CompilationFile(
                    edition=edition,
                    format="json",
                    path=f"{consultation.id}/{number}/{edition}.json",
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                )
            )
    db.session.add(compilation)
    db.session.flush()
    if published:
        publish(facilitator, compilation, now)
    db.session.commit()
    return compilation


@dataclass
class Published:
    consultation: object
    facilitator: object
    named: object
    anonymous: object
    confidential: object
    compilation: Compilation | None = None
    secrets: list[str] = field(default_factory=list)


@pytest.fixture
def published(db) -> Published:
    """A consultation with a named text in English and Chinese, an anonymous one in Thai,
    Khmer and Nepali, a confidential one, and a draft; its version 1 is published."""
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(
        facilitator=facilitator, questions=2, objectives=(6, 14), title="Recruitment fees"
    )
    lead = make_user(display_name="Named Lead Person", email="lead-person@example.org")
    named_org = make_org(lead, name="Open Hands Network", countries=["PH"])
    anonymous_org = make_org(name="Hidden Helpers Circle", kind="trade-union", countries=["NP"])
    confidential_org = make_org(name=RESTRICTED_ONLY_NAME, kind="faith-based", countries=["TH"])
    named = make_submission(
        consultation,
        named_org,
        state="accepted",
        texts={"q1": "Fees are charged twice.\n\n<b>Bold</b> & claims", "q2": CHINESE},
    )
    anonymous = make_submission(
        consultation,
        anonymous_org,
        state="accepted",
        texts={"q1": THAI + "\n\n" + KHMER, "q2": NEPALI},
    )
    anonymous.attribution, anonymous.language = "anonymous", "th"
    confidential = make_submission(
        consultation, confidential_org, state="accepted", texts={"q1": CONFIDENTIAL}
    )
    confidential.attribution = "confidential"
    make_submission(consultation, make_org(name="Drafting Org"), texts={"q1": DRAFT})
    consultation.deadline_at = utcnow() - timedelta(days=1)
    db.session.commit()
    scenario = Published(consultation, facilitator, named, anonymous, confidential)
    scenario.compilation = compile_edition(consultation, facilitator)
    scenario.secrets = [
        CONFIDENTIAL,
        DRAFT,
        RESTRICTED_ONLY_NAME,
        "Hidden Helpers Circle",
        "Named Lead Person",
        "lead-person@example.org",
    ]
    return scenario
