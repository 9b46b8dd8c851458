"""A consultation with accepted submissions under every attribution, in several scripts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from app.submissions.models import Endorsement
from tests.factories import make_consultation, make_org, make_submission, make_user

TRICKY = (
    '#set page(fill: red) #import "x.typ" *bold* _under_ <script>alert(1)</script> '
    "=cmd|' /C calc'!A0 $x$ \\ @ref"
)
SCRIPTS = {
    "ar": "يفيد العمال بأن رسوم التوظيف مرتفعة",
    "ne": "कामदारहरूले भर्ती शुल्क तिर्न",
    "bn": "শ্রমিকরা জানান যে নিয়োগ ফি",
    "my": "အလုပ်သမားများက အလုပ်ခန့်ထားခကို",
    "km": "កម្មករ រាយការណ៍ ថា ថ្លៃ",
    "th": "แรงงานรายงานว่าค่านายหน้า",
    "si": "බඳවා ගැනීමේ ගාස්තු",
    "ta": "ஆட்சேர்ப்பு கட்டணத்தை",
    "zh": "工人们报告说偿还招聘费需要一年的工资",
}


@dataclass
class Scenario:
    consultation: object
    facilitator: object
    reviewer: object
    named: object
    anonymous: object
    confidential: object
    lead_owner: object
    secrets: list[str] = field(default_factory=list)


@pytest.fixture
def scenario(db):
    from app.consultations.models import ConsultationStaff

    facilitator, reviewer = make_user(role="facilitator"), make_user(role="un-reviewer")
    consultation = make_consultation(facilitator=facilitator, questions=2, objectives=(6, 14))
    consultation.staff.append(ConsultationStaff(user_id=reviewer.id, role="un-reviewer"))
    lead_owner = make_user(display_name="Named Lead Person")
    named_org = make_org(lead_owner, name="Open Hands Network", countries=["PH"])
    secret_person = make_user(display_name="Secretive Member Person")
    anonymous_org = make_org(
        secret_person,
        name="Hidden Helpers Circle",
        kind="trade-union",
        countries=["NP"],
        contact="hidden-contact@example.org",
    )
    confidential_org = make_org(
        name="Quiet Shelter Group",
        kind="faith-based",
        countries=["TH"],
        contact="quiet-contact@example.org",
    )
    named = make_submission(
        consultation,
        named_org,
        state="accepted",
        texts={"q1": "Named first paragraph.\n\n" + TRICKY, "q2": "Named two."},
    )
    anonymous = make_submission(
        consultation,
        anonymous_org,
        state="accepted",
        texts={"q1": "Anonymous text about wages.", "q2": " ".join(SCRIPTS.values())},
    )
    anonymous.attribution = "anonymous"
    confidential = make_submission(
        consultation,
        confidential_org,
        state="accepted",
        texts={"q1": "Confidential testimony about detention."},
    )
    confidential.attribution = "confidential"
    make_submission(consultation, make_org(name="Draft Only Org"), texts={"q1": "Not accepted."})
    shy = make_org(name="Shy Endorsing Union")
    loud = make_org(name="Loud Endorsing Union")
    named.endorsements.append(Endorsement(organization_id=shy.id, attribution="anonymous"))
    named.endorsements.append(Endorsement(organization_id=loud.id, attribution="named"))
    from datetime import timedelta

    from app.timeutil import utcnow

    consultation.deadline_at = utcnow() - timedelta(days=1)  # drafting is over
    db.session.commit()
    return Scenario(
        consultation,
        facilitator,
        reviewer,
        named,
        anonymous,
        confidential,
        lead_owner,
        secrets=[
            "Hidden Helpers Circle",
            "Quiet Shelter Group",
            "Secretive Member Person",
            "hidden-contact@example.org",
            "quiet-contact@example.org",
            "Shy Endorsing Union",
            "Confidential testimony",
            "Named Lead Person",
        ],
    )
