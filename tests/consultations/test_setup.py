import io

from PIL import Image
from sqlalchemy import select

from app.consultations.models import Consultation, GuidingQuestion
from app.files.models import StoredFile
from tests.factories import make_consultation, make_review, make_user

FORM = {
    "title": "Regional review: decent work",
    "description": "Why we ask.",
    "original_language": "en",
    "objectives": ["6"],
    "principles": ["a", "f"],
    "accepted_languages": ["en", "id"],
    "invitation_only": "",
    "timezone": "Asia/Kathmandu",
    "opens_at": "2026-12-01T09:00",
    "deadline_at": "2027-01-15T17:00",
    "review_meeting_at": "2027-02-20T10:00",
    "template": "",
}


def _create(client, review, **overrides):
    return client.post("/consultations/new", data={**FORM, "review_id": review.id, **overrides})


def test_facilitator_creates_from_a_cluster_template(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    review = make_review()
    response = _create(signed_in_client(facilitator), review, template="cluster-1")
    assert response.status_code == 303
    consultation = db.session.scalar(select(Consultation))
    assert not consultation.published
    assert consultation.slug == "regional-review-decent-work"
    assert [q.objectives for q in consultation.questions] == [[2], [5], [6], [12], [18]]
    assert set(consultation.objectives) == {2, 5, 6, 12, 18}
    assert "Objective 5" in consultation.questions[1].text("en")["text"]
    assert consultation.staff_ids("facilitator") == {facilitator.id}


def test_all_objectives_template_makes_23_questions(signed_in_client, db):
    _create(signed_in_client(make_user(role="facilitator")), make_review(), template="all")
    consultation = db.session.scalar(select(Consultation))
    assert len(consultation.questions) == 23
    assert sorted(consultation.objectives) == list(range(1, 24))


def test_template_questions_are_written_in_the_consultation_language(signed_in_client, db):
    _create(
        signed_in_client(make_user(role="facilitator")),
        make_review(),
        template="cluster-2",
        original_language="ar",
        accepted_languages=["ar"],
    )
    question = db.session.scalar(select(GuidingQuestion))
    text = question.texts["ar"]["text"]
    assert "what has changed" not in text and "4" in text


def test_dates_are_read_in_the_consultation_time_zone(signed_in_client, db):
    _create(signed_in_client(make_user(role="facilitator")), make_review())
    consultation = db.session.scalar(select(Consultation))
    # 17:00 in Kathmandu (UTC+5:45) is 11:15 UTC.
    assert consultation.deadline_at.strftime("%Y-%m-%d %H:%M") == "2027-01-15 11:15"


def test_invalid_dates_answer_422_and_keep_the_text(signed_in_client, db):
    response = _create(
        signed_in_client(make_user(role="facilitator")),
        make_review(),
        deadline_at="2026-11-30T09:00",
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "The deadline must come after the opening." in body
    assert 'value="Regional review: decent work"' in body
    assert db.session.scalar(select(Consultation)) is None


def test_members_cannot_create_and_unassigned_facilitators_cannot_edit(signed_in_client):
    review = make_review()
    assert _create(signed_in_client(make_user()), review).status_code == 403
    consultation = make_consultation(state="draft")
    stranger = signed_in_client(make_user(role="facilitator"))
    assert stranger.get(f"/consultations/{consultation.slug}").status_code == 404
    published = make_consultation()
    assert stranger.get(f"/consultations/{published.slug}/edit").status_code == 403
    admin = signed_in_client(make_user(role="admin"))
    assert admin.get(f"/consultations/{published.slug}/edit").status_code == 200


def test_publishing_needs_a_question(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    empty = make_consultation(state="draft", facilitator=facilitator, questions=0)
    client = signed_in_client(facilitator)
    client.post(f"/consultations/{empty.slug}/publish", data={"published": "yes"})
    db.session.refresh(empty)
    assert not empty.published
    ready = make_consultation(state="draft", facilitator=facilitator)
    client.post(f"/consultations/{ready.slug}/publish", data={"published": "yes"})
    db.session.refresh(ready)
    assert ready.published


def test_visitors_see_their_language_or_the_original_with_a_note(client, signed_in_client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(
        facilitator=facilitator, languages=("en", "id"), title="Decent work"
    )
    signed_in_client(facilitator).post(
        f"/consultations/{consultation.slug}/translations",
        data={"language": "id", "title": "Kerja layak", "description": "Mengapa kami bertanya."},
    )
    indonesian = client.get(
        f"/consultations/{consultation.slug}", headers={"Accept-Language": "id"}
    ).get_data(as_text=True)
    assert "Kerja layak" in indonesian and "Decent work" not in indonesian
    nepali = client.get(
        f"/consultations/{consultation.slug}", headers={"Accept-Language": "ne"}
    ).get_data(as_text=True)
    assert "Decent work" in nepali
    assert 'class="notice"' in nepali  # the note that the original language is shown


def test_questions_can_be_added_edited_moved_and_deleted(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator, questions=2)
    client = signed_in_client(facilitator)
    base = f"/consultations/{consultation.slug}/questions"
    bad = client.post(base, data={"text": "New?", "word_limit": "5", "objectives": ["3"]})
    assert bad.status_code == 422 and "between 50 and 10000" in bad.get_data(as_text=True)
    client.post(base, data={"text": "Third?", "help": "", "word_limit": "300", "objectives": ["3"]})
    db.session.refresh(consultation)
    third = consultation.questions[-1]
    assert (third.key, third.word_limit, third.objectives) == ("q3", 300, [3])
    client.post(f"{base}/{third.id}/up")
    db.session.refresh(consultation)
    assert [q.key for q in consultation.questions] == ["q1", "q3", "q2"]
    client.post(
        f"{base}/{third.id}?language=en",
        data={
            "text": "Third, reworded?",
            "help": "x",
            "word_limit": "400",
            "objectives": ["3", "4"],
        },
    )
    db.session.refresh(third)
    assert third.texts["en"]["text"] == "Third, reworded?" and third.objectives == [3, 4]
    client.post(f"{base}/{third.id}/delete")
    db.session.refresh(consultation)
    assert [q.key for q in consultation.questions] == ["q1", "q2"]


def _png_with_metadata() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Person")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def test_documents_are_cleaned_and_downloaded_as_attachments(signed_in_client, client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    staff = signed_in_client(facilitator)
    response = staff.post(
        f"/consultations/{consultation.slug}/documents",
        data={"title": "Background", "file": (io.BytesIO(_png_with_metadata()), "../bg.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    stored = db.session.scalar(select(StoredFile))
    assert stored.original_name == "bg.png"
    db.session.refresh(consultation)
    document_id = consultation.documents[0].id
    download = client.get(f"/consultations/{consultation.slug}/documents/{document_id}")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert b"Secret Person" not in download.data
    assert Image.open(io.BytesIO(download.data)).size == (8, 8)
    download.close()


def test_a_document_of_the_wrong_type_is_refused(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    response = signed_in_client(facilitator).post(
        f"/consultations/{consultation.slug}/documents",
        data={"title": "Script", "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "This kind of file is not accepted" in response.get_data(as_text=True)
    assert db.session.scalar(select(StoredFile)) is None


def test_assigned_staff_without_a_second_factor_cannot_act(signed_in_client, db):
    from app.consultations.models import ConsultationStaff
    from app.policy import may

    facilitator = make_user(role="facilitator", two_factor=False)
    reviewer = make_user(role="un-reviewer", two_factor=False)
    consultation = make_consultation(state="draft")
    consultation.staff.append(ConsultationStaff(user_id=facilitator.id, role="facilitator"))
    consultation.staff.append(ConsultationStaff(user_id=reviewer.id, role="un-reviewer"))
    db.session.commit()
    assert not may(facilitator, "consultation.edit", consultation)
    assert not may(reviewer, "consultation.view", consultation)
    response = signed_in_client(facilitator).get(f"/consultations/{consultation.slug}/edit")
    assert response.headers["Location"] == "/account/two-factor"
    facilitator.totp_secret = "JBSWY3DPEHPK3PXP"
    reviewer.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    assert may(facilitator, "consultation.edit", consultation)
    assert may(reviewer, "consultation.view", consultation)


def test_every_text_can_be_translated_from_the_consultation_page(signed_in_client, client, db):
    """Title, description, guiding questions and session titles, in one form; readers of
    that language see them, and what stays untranslated carries its own language."""
    from app.sessions.models import ConsultationSession
    from tests.factories import make_session

    facilitator = make_user(role="facilitator")
    consultation = make_consultation(
        facilitator=facilitator, languages=("en", "ar"), title="Decent work", questions=2
    )
    session = make_session(consultation, title="Opening dialogue")
    first, second = consultation.questions
    staff = signed_in_client(facilitator)
    page = staff.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    url = f"/consultations/{consultation.slug}/translations/ar"
    assert f'href="{url}"' in page

    form = staff.get(url).get_data(as_text=True)
    assert "Opening dialogue" in form and first.text("en")["text"] in form
    # A question translated without the title: refused, what was typed comes back.
    refused = staff.post(url, data={f"q{first.id}_text": "ما الذي تغير؟"})
    assert refused.status_code == 422
    assert "ما الذي تغير؟" in refused.get_data(as_text=True)
    assert "Translate the title too." in refused.get_data(as_text=True)
    saved = staff.post(
        url,
        data={
            "title": "العمل اللائق",
            "description": "لماذا نسأل.",
            f"q{first.id}_text": "ما الذي تغير؟",
            f"s{session.id}_title": "حوار الافتتاح",
        },
    )
    assert saved.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(ConsultationSession, session.id).title_texts == {"ar": "حوار الافتتاح"}

    client.post("/language", data={"locale": "ar"})
    arabic = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "العمل اللائق" in arabic and "حوار الافتتاح" in arabic
    assert '<p lang="ar" dir="auto">ما الذي تغير؟</p>' in arabic
    # The second question has no Arabic: it is shown in English, marked as English.
    untranslated = second.text("en")["text"]
    assert f'<p lang="en" dir="auto">{untranslated}</p>' in arabic
    # Staff pages of other languages refuse a language the consultation does not accept.
    assert staff.get(f"/consultations/{consultation.slug}/translations/ne").status_code == 404
    assert staff.get(f"/consultations/{consultation.slug}/translations/en").status_code == 404
