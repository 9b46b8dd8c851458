"""Demo reviews at all four levels, with consultations in every state."""

from __future__ import annotations

from datetime import timedelta

from app.consultations import services
from app.consultations.models import Consultation, ConsultationStaff, Participation
from app.demo.base import DemoData

REVIEWS = [
    ("local", "city", "Quezon City", "2026", "Quezon City Migrant Desk"),
    ("national", "country", "NP", "2026", "Ministry of Labour, Employment and Social Security"),
    ("regional", "region", "asia-pacific", "2027", "UN Network on Migration, Asia-Pacific"),
    ("global", "region", "world", "2026", "International Migration Review Forum"),
]

# (review index, title, template, state, language, invitation only)
CONSULTATIONS = [
    (
        2,
        "Asia-Pacific regional review: fair recruitment and decent work",
        "cluster-1",
        "open",
        "en",
        False,
    ),
    (
        2,
        "Asia-Pacific regional review: border governance and protection",
        "cluster-2",
        "open",
        "en",
        True,
    ),
    (3, "IMRF 2026: inclusion, services and development", "cluster-3", "closed", "en", False),
    (1, "Nepal national review: migrant workers' voices", "cluster-1", "upcoming", "ne", False),
    (0, "Quezon City local review of the GCM", "cluster-4", "compiled", "en", False),
    (2, "Asia-Pacific regional review: all objectives (draft)", "all", "draft", "en", False),
]


# Translations of the first consultation, so the language switch shows translated content
# as well as translated chrome. Drafts, like the catalogs (translations/README.md). Its
# template questions are translated from the catalogs (translate_template_questions).
TRANSLATIONS = {
    "bn": (
        "এশিয়া-প্রশান্ত মহাসাগরীয় আঞ্চলিক পর্যালোচনা: ন্যায্য নিয়োগ ও শোভন কাজ",
        "এই পরামর্শসভা পর্যালোচনার জন্য নাগরিক সমাজের লিখিত মতামত জড়ো করে। আপনার কাজ থেকে "
        "বাস্তব উদাহরণ দিয়ে নির্দেশক প্রশ্নগুলোর উত্তর দিন।",
    ),
    "ur": (
        "ایشیا بحرالکاہل علاقائی جائزہ: منصفانہ بھرتی اور باعزت کام",
        "یہ مشاورت جائزے کے لیے سول سوسائٹی کی تحریری تجاویز جمع کرتی ہے۔ اپنے کام سے ٹھوس "
        "مثالیں دے کر رہنما سوالات کے جواب دیں۔",
    ),
    "vi": (
        "Rà soát khu vực châu Á - Thái Bình Dương: tuyển dụng công bằng và việc làm tử tế",
        "Cuộc tham vấn này thu thập góp ý bằng văn bản của xã hội dân sự cho đợt rà soát. "
        "Hãy trả lời các câu hỏi gợi ý bằng ví dụ cụ thể từ công việc của bạn.",
    ),
    "th": (
        "การทบทวนระดับภูมิภาคเอเชียและแปซิฟิก: การจัดหางานที่เป็นธรรมและงานที่มีคุณค่า",
        "การปรึกษาหารือนี้รวบรวมความเห็นเป็นลายลักษณ์อักษรจากภาคประชาสังคมเพื่อการทบทวน "
        "ตอบคำถามนำด้วยตัวอย่างที่เป็นรูปธรรมจากงานของคุณ",
    ),
    "zh": (
        "亚太区域审议：公平招聘与体面工作",
        "本次磋商为审议收集公民社会的书面意见。请用您工作中的具体例子回答引导问题。",
    ),
    "my": (
        "အာရှ-ပစိဖိတ် ဒေသဆိုင်ရာ ပြန်လည်သုံးသပ်မှု- တရားမျှတသော အလုပ်ခန့်ထားမှုနှင့် သင့်လျော်သောအလုပ်",
        "ဤဆွေးနွေးတိုင်ပင်မှုသည် ပြန်လည်သုံးသပ်မှုအတွက် အရပ်ဘက်အဖွဲ့အစည်းများ၏ စာဖြင့်ရေးသော "
        "အကြံပြုချက်များကို စုဆောင်းသည်။ သင့်အလုပ်မှ တိကျသော ဥပမာများဖြင့် လမ်းညွှန်မေးခွန်းများကို ဖြေပါ။",
    ),
}


def _dates(state: str, now):
    if state == "upcoming":
        return now + timedelta(days=10), now + timedelta(days=45)
    if state in ("open", "draft"):
        return now - timedelta(days=20), now + timedelta(days=21)
    return now - timedelta(days=60), now - timedelta(days=10)


def add_consultations(demo: DemoData) -> list[Consultation]:
    facilitator, reviewer = demo.users["facilitator"], demo.users["reviewer"]
    reviews = [
        services.save_review(
            facilitator,
            None,
            demo.now,
            level=level,
            area_kind=kind,
            area=area,
            cycle=cycle,
            convening_body=body,
        )
        for level, kind, area, cycle, body in REVIEWS
    ]
    created = []
    for index, (review, title, template, state, language, invited) in enumerate(CONSULTATIONS):
        opens, deadline = _dates(state, demo.now)
        consultation = services.create_consultation(
            facilitator,
            demo.now,
            review=reviews[review],
            template=template,
            title=title,
            description=_description(title),
            original_language=language,
            accepted_languages=sorted({language, "en", "id", "fil", "ne", "ar"}),
            principles=["a", "f", "g"],
            timezone="Asia/Bangkok",
            opens_at=opens,
            deadline_at=deadline,
            review_meeting_at=deadline + timedelta(days=30),
            invitation_only=invited,
        )
        if index == 0:
            _translate(consultation)
        consultation.published = state != "draft"
        if state == "compiled":
            consultation.compiled_at = demo.now - timedelta(days=2)
        consultation.staff.append(ConsultationStaff(user_id=reviewer.id, role="un-reviewer"))
        if index % 2:
            consultation.staff.append(
                ConsultationStaff(user_id=demo.users["facilitator2"].id, role="facilitator")
            )
        if state != "draft":
            _participants(demo, consultation, index, invited)
        created.append(consultation)
    demo.consultations = created
    return created


def _translate(consultation: Consultation) -> None:
    for language in TRANSLATIONS:
        if language not in consultation.accepted_languages:
            consultation.accepted_languages.append(language)
    for language, (title, description) in TRANSLATIONS.items():
        services.set_translation(consultation, language, title, description)
        services.translate_template_questions(consultation, language)


def _participants(demo: DemoData, consultation: Consultation, index: int, invited: bool):
    for number, org in enumerate(demo.organizations):
        if (number + index) % 3 == 2:
            continue
        state = "invited" if invited and number % 4 == 3 else "joined"
        consultation.participations.append(
            Participation(
                organization_id=org.id,
                state=state,
                invited_at=demo.now,
                joined_at=demo.now if state == "joined" else None,
            )
        )


def _description(title: str) -> str:
    return (
        f"{title}.\n\nThis consultation gathers written input from civil society for the "
        "review. Answer the guiding questions with concrete examples from your work. "
        "Accepted submissions are compiled into the input that the review's secretariat "
        "reads, with the attribution each organization chooses."
    )
