"""Demo submissions: accepted texts in several languages and scripts, for tests and benchmarks.

`demo-data --submissions N` adds N accepted submissions to the closed IMRF consultation,
each about 1,500 words over its sections, written by organizations of their own.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select

from app.consultations.models import Participation
from app.demo.base import DemoData
from app.extensions import db
from app.organizations.models import MemberRole, Membership, Organization, OrgKind, Verification
from app.submissions.models import Revision, Section, Submission
from app.submissions.states import SubmissionState

WORDS_PER_SUBMISSION = 1500

# Sentences about the realities migrants report, in the scripts users write in.
SENTENCES = {
    "en": "Workers report that recruitment fees take a year of wages to repay. "
    "Passports are kept by employers and complaints are not answered.",
    "id": "Pekerja melaporkan biaya penempatan yang sangat tinggi. "
    "Paspor ditahan oleh majikan dan pengaduan tidak dijawab.",
    "fil": "Iniuulat ng mga manggagawa na napakataas ng bayad sa ahensya. "
    "Hawak ng amo ang pasaporte at hindi sinasagot ang mga reklamo.",
    "ne": "कामदारहरूले भर्ती शुल्क तिर्न एक वर्षको तलब लाग्ने बताउँछन्। "
    "रोजगारदाताले राहदानी राख्छन् र उजुरीको जवाफ आउँदैन।",
    "ar": "يفيد العمال بأن رسوم التوظيف تستهلك أجر سنة كاملة. "
    "يحتفظ أصحاب العمل بجوازات السفر ولا يتم الرد على الشكاوى.",
    "bn": "শ্রমিকরা জানান যে নিয়োগ ফি শোধ করতে এক বছরের মজুরি লাগে। "
    "মালিকরা পাসপোর্ট রেখে দেন এবং অভিযোগের উত্তর দেওয়া হয় না।",
    "my": "အလုပ်သမားများက အလုပ်ခန့်ထားခကို ပြန်ဆပ်ရန် တစ်နှစ်စာ လုပ်ခ ကုန်သည်ဟု ပြောကြသည်။ "
    "အလုပ်ရှင်များက နိုင်ငံကူးလက်မှတ်ကို သိမ်းထားကြသည်။",
    "km": "កម្មករ​រាយការណ៍​ថា​ថ្លៃ​ជ្រើសរើស​ត្រូវ​ចំណាយ​ប្រាក់ឈ្នួល​មួយ​ឆ្នាំ​ដើម្បី​សង។ និយោជក​រក្សា​លិខិតឆ្លងដែន​ទុក។",
    "th": "แรงงานรายงานว่าค่านายหน้าต้องใช้ค่าจ้างหนึ่งปีในการชดใช้ นายจ้างยึดหนังสือเดินทางและไม่มีการตอบข้อร้องเรียน",
    "si": "බඳවා ගැනීමේ ගාස්තු ගෙවීමට වසරක වැටුප් ගත වන බව කම්කරුවෝ පවසති. සේවා යෝජකයෝ ගමන් බලපත්‍ර තබා ගනිති.",
    "ta": "ஆட்சேர்ப்பு கட்டணத்தை திருப்பிச் செலுத்த ஒரு வருட ஊதியம் ஆகும் என்று தொழிலாளர்கள் கூறுகின்றனர். "
    "முதலாளிகள் கடவுச்சீட்டுகளை வைத்துக்கொள்கிறார்கள்.",
    "zh": "工人们报告说，偿还招聘费需要一年的工资。雇主扣留护照，投诉得不到回应。",
}
LANGUAGES = list(SENTENCES)


# Every entry of SENTENCES says what these 22 English words say; counting words by spaces
# would be wrong for the scripts written without spaces (Thai, Khmer, Myanmar, Chinese).
WORDS_PER_ENTRY = 22


def section_text(language: str, words: int, rng: random.Random) -> str:
    """About `words` words' worth of varied paragraphs."""
    sentence = SENTENCES[language]
    unit = WORDS_PER_ENTRY
    paragraphs, total = [], 0
    while total < words:
        repeat = rng.randint(1, 3)
        paragraphs.append(" ".join([sentence] * repeat))
        total += unit * repeat
    return "\n\n".join(paragraphs)


def add_submissions(demo: DemoData, count: int) -> list[Submission]:
    """`count` accepted submissions to the closed consultation, each by its own organization."""
    if count <= 0:
        return []
    consultation = next(c for c in demo.consultations if c.state(demo.now) == "closed")
    return _accepted(demo, consultation, count)


def add_compiled_example(demo: DemoData) -> None:
    """Four accepted submissions to the compiled consultation, and its published version 1."""
    from app.compilations.services import build_compilation, publish

    consultation = next(c for c in demo.consultations if c.state(demo.now) == "compiled")
    _accepted(demo, consultation, 4, prefix="Local Contributor")
    compilation = build_compilation(
        consultation,
        "question",
        "en",
        demo.users["facilitator"].id,
        None,
        lambda fraction, stage: None,
        now=demo.now,
    )
    publish(demo.users["facilitator"], compilation, demo.now)


def _accepted(demo: DemoData, consultation, count: int, prefix: str = "Demo Contributor"):
    questions = list(consultation.questions)
    per_section = WORDS_PER_SUBMISSION // max(len(questions), 1)
    rng = random.Random(7)
    # One demo account owns every contributing organization (they are not printed one by one).
    if "contributor" not in demo.users:
        demo.user("contributor", "Demo contributor")
    owner = demo.users["contributor"]
    numbered = db.session.scalar(
        select(func.max(Submission.reference_number)).where(
            Submission.consultation_id == consultation.id
        )
    )
    demo.accounts["contributor"].organizations.append(f"{count} {prefix} organizations")
    created = []
    for number in range(count):
        org = _organization(demo, number, owner, prefix)
        consultation.participations.append(
            Participation(organization_id=org.id, state="joined", joined_at=demo.now)
        )
        language = LANGUAGES[number % len(LANGUAGES)]
        attribution = ("named", "named", "anonymous", "confidential")[number % 4]
        submission = Submission(
            consultation=consultation,
            lead_organization=org,
            language=language,
            attribution=attribution,
            state=SubmissionState.ACCEPTED,
            reference_number=(numbered or 0) + number + 1,
            submitted_at=demo.now,
            decided_at=demo.now,
            created_at=demo.now,
        )
        for question in questions:
            section = Section(question=question, key=question.key, updated_at=demo.now)
            section.set_objectives(question.objectives)
            section.contribution_types = [
                ("challenge", "recommendation", "good practice")[(number + question.position) % 3]
            ]
            submission.sections.append(section)
        db.session.add(submission)
        created.append((submission, language))
        if number % 100 == 99:
            _write_texts(created[-100:], per_section, owner, demo, rng)
    _write_texts(created[len(created) - len(created) % 100 :], per_section, owner, demo, rng)
    return [s for s, _ in created]


def _organization(demo: DemoData, number: int, owner, prefix: str) -> Organization:
    kinds = list(OrgKind)
    countries = [["PH"], ["ID"], ["NP"], ["BD"], ["LK"], ["MM"], ["KH"], ["TH"], ["LB"]]
    org = Organization(
        name=f"Demo Contributor {number + 1:04}",
        kind=kinds[number % len(kinds)],
        listed=number % 5 != 4,
        verification=Verification.VERIFIED,
        description="A demo organization that contributed a submission.",
        created_at=demo.now,
    )
    org.countries = countries[number % len(countries)]
    org.languages = ["en"]
    org.memberships = [Membership(user_id=owner.id, role=MemberRole.OWNER)]
    db.session.add(org)
    db.session.flush()
    return org


def _write_texts(batch, per_section: int, owner, demo: DemoData, rng) -> None:
    db.session.flush()
    for submission, language in batch:
        for section in submission.sections:
            revision = Revision(
                section_id=section.id,
                author_id=owner.id,
                kind="edit",
                body=section_text(language, per_section, rng),
                created_at=demo.now,
            )
            db.session.add(revision)
            db.session.flush()
            section.current_revision_id = revision.id
    db.session.flush()
