"""Translations by people: adding, writing, checking, and compiled editions in another language."""

from __future__ import annotations

import io
import json
import zipfile

import pypdf
from sqlalchemy import select

from app.compilations.content import accepted_submissions, build_content
from app.compilations.services import build_compilation, file_path
from app.notifications.models import Notification
from app.submission_translations.compiling import apply_translations, translation_plan
from app.submission_translations.models import ConsultationTranslator, Translation
from app.timeutil import utcnow
from tests.factories import join_consultation, make_org, make_user

FRENCH_Q1 = "Premier paragraphe nommé.\n\nDeuxième paragraphe, traduit."
FRENCH_Q2 = "Deux, en français."


def docx_text(data: bytes) -> str:
    """All text of a DOCX: its body XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def _translating_org(scenario, name="Traducteurs Solidaires"):
    owner = make_user(display_name="Camille Translator Person")
    org = make_org(owner, name=name, countries=["FR"])
    join_consultation(scenario.consultation, org)
    return owner, org


def _translate(client, translation_id, key, body):
    return client.post(f"/translations/{translation_id}/sections/{key}", data={"body": body})


def _start(client, submission, org=None, language="fr", show_name=False):
    data = {"language": language, "credit": f"org-{org.id}" if org else "volunteer"}
    if show_name:
        data["show_name"] = "y"
    response = client.post(f"/submissions/{submission.id}/translations/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _content(scenario, edition="public", language="fr", mode="checked"):
    consultation = scenario.consultation
    content = build_content(
        consultation,
        accepted_submissions(consultation),
        edition=edition,
        grouping="question",
        language=language,
        version=1,
        now=utcnow(),
    )
    return apply_translations(content, translation_plan(consultation, language, mode), mode)


def _items(content):
    return [item for group in content["groups"] for item in group["items"]]


def test_translation_flows_from_adding_to_checking_to_a_compiled_edition(
    app, db, scenario, signed_in_client
):
    owner, org = _translating_org(scenario)
    translator = signed_in_client(owner)
    named = scenario.named

    page = translator.get(f"/submissions/{named.id}").get_data(as_text=True)
    assert f"/submissions/{named.id}/translations/new" in page  # "Add a translation"
    translation_id = _start(translator, named, org)

    # The lead organization hears of it, without the text or the translator.
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == scenario.lead_owner.id, Notification.kind == "translation.added"
        )
    )
    assert note is not None and note.params == {
        "language": "fr",
        "consultation": scenario.consultation.title,
    }

    # One paragraph for each of the original's: else 422, with the text kept.
    wrong = _translate(translator, translation_id, "q1", "Un seul paragraphe gardé.")
    assert wrong.status_code == 422
    assert "Un seul paragraphe gardé." in wrong.get_data(as_text=True)
    assert "The original has 2 paragraphs" in wrong.get_data(as_text=True)
    assert _translate(translator, translation_id, "q1", FRENCH_Q1).status_code == 303
    assert _translate(translator, translation_id, "q2", FRENCH_Q2).status_code == 303

    view = translator.get(f"/translations/{translation_id}").get_data(as_text=True)
    assert "Translation by Traducteurs Solidaires, not checked" in view
    assert "Deuxième paragraphe, traduit." in view and "Named two." in view  # side by side
    assert "Camille Translator Person" not in view  # the name only if they choose

    # The translator cannot check their own translation; not checked, it is not compiled.
    assert translator.post(f"/translations/{translation_id}/check").status_code == 403
    assert "Deuxième paragraphe" not in json.dumps(_content(scenario), ensure_ascii=False)

    lead = signed_in_client(scenario.lead_owner)
    assert lead.post(f"/translations/{translation_id}/check").status_code == 303
    assert db.session.get(Translation, translation_id).checked

    compilation = build_compilation(
        scenario.consultation, "question", "fr", scenario.facilitator.id, None, lambda f, s: None
    )
    db.session.commit()
    files = {(f.edition, f.format): file_path(f).read_bytes() for f in compilation.files}
    data = json.loads(files[("public", "json")])
    english = {
        (i["ref"], i["section"]): [p["n"] for p in i["paragraphs"]]
        for i in _items(_content(scenario, language="en", mode="none"))
    }
    translated = [i for i in _items(data) if "translation" in i]
    assert {(i["ref"], i["section"]) for i in translated} == {("S-001", "q1"), ("S-001", "q2")}
    q1 = next(i for i in translated if i["section"] == "q1")
    assert [p["text"] for p in q1["paragraphs"]] == FRENCH_Q1.split("\n\n")
    assert q1["paragraphs"][0]["original"] == "Named first paragraph."
    assert [p["n"] for p in q1["paragraphs"]] == english[("S-001", "q1")]  # same references
    assert q1["translation"]["mark"] == "Translation by Traducteurs Solidaires, checked"
    assert data["translations"]["language"] == "fr"
    assert data["translations"]["unchecked_included"] is False
    assert [(t["ref"], t["section"], t["status"]) for t in data["translations"]["texts"]] == [
        ("S-001", "q1", "checked"),
        ("S-001", "q2", "checked"),
    ]
    body = docx_text(files[("public", "docx")])
    assert "Deuxième paragraphe, traduit." in body and "Translation by Traducteurs" in body
    assert "Named two." in body  # the original after the translation
    pdf = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(files[("public", "pdf")])).pages
    )
    assert "Deux, en français." in pdf and "Named two." in pdf


def test_unchecked_translations_are_compiled_only_when_allowed_and_marked(
    app, db, scenario, signed_in_client
):
    owner, org = _translating_org(scenario)
    translator = signed_in_client(owner)
    translation_id = _start(translator, scenario.named, org)
    _translate(translator, translation_id, "q1", FRENCH_Q1)

    assert "Premier paragraphe" not in json.dumps(_content(scenario), ensure_ascii=False)
    allowed = _content(scenario, mode="unchecked")
    item = next(i for i in _items(allowed) if "translation" in i)
    assert item["paragraphs"][0]["text"] == "Premier paragraphe nommé."
    assert item["translation"]["mark"] == "Translation by Traducteurs Solidaires, not checked"
    assert allowed["translations"]["unchecked_included"] is True
    # A section left untranslated stays as written.
    q2 = next(i for i in _items(allowed) if i["ref"] == "S-001" and i["section"] == "q2")
    assert "translation" not in q2 and q2["paragraphs"][0]["text"] == "Named two."


def test_a_checked_translation_edited_again_is_not_checked_any_more(
    app, db, scenario, signed_in_client
):
    owner, org = _translating_org(scenario)
    translator = signed_in_client(owner)
    translation_id = _start(translator, scenario.named, org)
    _translate(translator, translation_id, "q1", FRENCH_Q1)
    _translate(translator, translation_id, "q2", FRENCH_Q2)
    facilitator = signed_in_client(scenario.facilitator)
    assert facilitator.post(f"/translations/{translation_id}/check").status_code == 303
    assert db.session.get(Translation, translation_id).checked
    _translate(translator, translation_id, "q2", "Deux, autrement.")
    assert not db.session.get(Translation, translation_id).checked
    assert "Deux, autrement." not in json.dumps(_content(scenario), ensure_ascii=False)


def test_a_translation_cannot_be_checked_while_sections_are_missing(
    app, db, scenario, signed_in_client
):
    owner, org = _translating_org(scenario)
    translation_id = _start(signed_in_client(owner), scenario.named, org)
    signed_in_client(scenario.lead_owner).post(f"/translations/{translation_id}/check")
    assert not db.session.get(Translation, translation_id).checked


def test_an_invited_translator_of_an_anonymous_text_learns_only_its_credit_line(
    app, db, scenario, signed_in_client
):
    volunteer = make_user(display_name="Volunteer Translator Person")
    facilitator = signed_in_client(scenario.facilitator)
    invited = facilitator.post(
        f"/consultations/{scenario.consultation.slug}/translators",
        data={"identifier": volunteer.username},
    )
    assert invited.status_code == 303
    assert db.session.scalar(
        select(ConsultationTranslator).where(ConsultationTranslator.user_id == volunteer.id)
    )
    translator = signed_in_client(volunteer)
    anonymous = scenario.anonymous

    listing = translator.get(f"/consultations/{scenario.consultation.slug}/texts-to-translate")
    assert listing.status_code == 200
    translation_id = _start(translator, anonymous, language="fr")
    pages = [listing.get_data(as_text=True)]
    pages.append(translator.get(f"/submissions/{anonymous.id}/translations/new").get_data(True))
    pages.append(translator.get(f"/translations/{translation_id}").get_data(as_text=True))
    pages.append(
        translator.get(f"/translations/{translation_id}/sections/q1").get_data(as_text=True)
    )
    assert _translate(translator, translation_id, "q1", "Anonyme, en français.").status_code == 303
    pages.append(
        translator.get(f"/translations/{translation_id}/sections/q1").get_data(as_text=True)
    )
    text = "\n".join(pages)
    assert "a trade union" in text  # the public credit line
    assert "Anonymous text about wages." in text  # the text to translate
    for secret in scenario.secrets:
        assert secret not in text, secret
    assert f"/organizations/{anonymous.lead_organization_id}" not in text
    assert "Translation by a volunteer, not checked" in text
    # Others see the translation credited to "a volunteer", not to the person.
    lead_view = signed_in_client(anonymous.lead_organization.owners()[0].user).get(
        f"/translations/{translation_id}"
    )
    assert "Translation by a volunteer, not checked" in lead_view.get_data(as_text=True)
    assert "Volunteer Translator Person" not in lead_view.get_data(as_text=True)
    # The confidential text is for UN reviewers: no translator sees it.
    confidential = translator.get(f"/submissions/{scenario.confidential.id}/translations/new")
    assert confidential.status_code == 404


def test_a_translator_shows_their_name_only_when_they_choose(app, db, scenario, signed_in_client):
    owner, org = _translating_org(scenario)
    client = signed_in_client(owner)
    shown = _start(client, scenario.named, org, language="fr", show_name=True)
    hidden = _start(client, scenario.named, org, language="es")
    lead = signed_in_client(scenario.lead_owner)
    assert "Camille Translator Person, Traducteurs Solidaires" in lead.get(
        f"/translations/{shown}"
    ).get_data(as_text=True)
    assert "Camille Translator Person" not in lead.get(f"/translations/{hidden}").get_data(True)


def test_a_translators_export_holds_their_translation_and_not_who_wrote_the_original(
    app, db, scenario, signed_in_client
):
    volunteer = make_user(display_name="Exported Volunteer")
    db.session.add(
        ConsultationTranslator(consultation_id=scenario.consultation.id, user_id=volunteer.id)
    )
    db.session.commit()
    client = signed_in_client(volunteer)
    translation_id = _start(client, scenario.anonymous, language="fr")
    _translate(client, translation_id, "q1", "Texte exporté du bénévole.")
    data = client.get("/account/export").get_json()
    texts = data["translations"]["translated_texts"]
    assert [(t["language"], t["section"], t["text"]) for t in texts] == [
        ("fr", "q1", "Texte exporté du bénévole.")
    ]
    assert data["translations"]["translator_in"][0]["consultation"] == scenario.consultation.title
    raw = json.dumps(data, ensure_ascii=False)
    for secret in scenario.secrets:
        assert secret not in raw, secret


def test_a_save_from_an_older_version_is_refused_and_keeps_the_text(
    app, db, scenario, signed_in_client
):
    owner, org = _translating_org(scenario)
    client = signed_in_client(owner)
    translation_id = _start(client, scenario.named, org)
    url = f"/translations/{translation_id}/sections/q2"
    assert client.post(url, data={"body": "Première version.", "version": "0"}).status_code == 303
    stale = client.post(url, data={"body": "Version concurrente.", "version": "0"})
    assert stale.status_code == 422
    page = stale.get_data(as_text=True)
    assert "Version concurrente." in page and "Première version." in page  # both shown
    translation = db.session.get(Translation, translation_id)
    assert translation.sections[0].text == "Première version."
