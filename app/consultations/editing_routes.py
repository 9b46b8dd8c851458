"""Facilitators set up reviews and consultations: settings, translations, questions, documents."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.consultations import bp, services
from app.consultations.forms import (
    ConsultationForm,
    DocumentForm,
    QuestionForm,
    ReviewForm,
    TranslationForm,
    all_texts_form,
)
from app.consultations.loading import load_consultation
from app.consultations.models import ConsultationDocument, GuidingQuestion, Review
from app.consultations.template_helpers import review_label
from app.extensions import db
from app.files.services import remove_attached
from app.files.uploads import store_from_form
from app.i18n import gettext as _
from app.policy import require
from app.reference import language_name_in_reader_language
from app.sessions.models import ConsultationSession
from app.timeutil import local_to_utc, utc_to_local, utcnow
from app.web import go_to, render

# --- Reviews ---------------------------------------------------------------------------------


@bp.get("/reviews")
@login_required
def reviews():
    require(current_user, "review.manage")
    found = db.session.scalars(select(Review).order_by(Review.created_at.desc())).all()
    return render("consultations/reviews.html", reviews=found)


@bp.route("/reviews/new", methods=["GET", "POST"])
@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit_review(review_id: int | None = None):
    require(current_user, "review.manage")
    review = db.get_or_404(Review, review_id) if review_id else None
    form = ReviewForm()
    if review and request.method == "GET":
        form.fill_from(review)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("consultations/review_form.html", status=status, form=form, review=review)
    services.save_review(
        current_user,
        review,
        utcnow(),
        level=form.level.data,
        area_kind=form.area_kind.data,
        area=form.area(),
        cycle=form.cycle.data,
        convening_body=form.convening_body.data,
    )
    db.session.commit()
    flash(_("The review is saved."), "success")
    return go_to(url_for("consultations.reviews"))


# --- Consultations ---------------------------------------------------------------------------


def _review_options():
    found = db.session.scalars(select(Review).order_by(Review.created_at.desc())).all()
    return [(review, review_label(review)) for review in found]


def _settings(form: ConsultationForm) -> dict:
    zone = form.timezone.data
    meeting = form.review_meeting_at.data
    opens_at, deadline_at = form.opens_at.data, form.deadline_at.data
    assert opens_at is not None and deadline_at is not None  # required fields
    return {
        "title": form.title.data,
        "description": form.description.data,
        "original_language": form.original_language.data,
        "objectives": [int(n) for n in form.objectives.data or []],
        "principles": form.principles.data,
        "accepted_languages": form.accepted_languages.data,
        "invitation_only": form.invitation_only.data == "yes",
        "timezone": zone,
        "opens_at": local_to_utc(opens_at, zone),
        "deadline_at": local_to_utc(deadline_at, zone),
        "review_meeting_at": local_to_utc(meeting, zone) if meeting else None,
    }


@bp.route("/consultations/new", methods=["GET", "POST"])
@login_required
def create():
    require(current_user, "consultation.create")
    form = ConsultationForm(reviews=_review_options())
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("consultations/form.html", status=status, form=form, consultation=None)
    review = db.get_or_404(Review, form.review_id.data)
    consultation = services.create_consultation(
        current_user, utcnow(), review=review, template=form.template.data, **_settings(form)
    )
    db.session.commit()
    flash(_("The consultation is saved. It is not published yet."), "success")
    return go_to(url_for("consultations.edit", slug=consultation.slug))


@bp.route("/consultations/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    consultation = load_consultation(slug, "consultation.edit")
    form = ConsultationForm(reviews=_review_options())
    del form.template
    if request.method == "GET":
        _fill(form, consultation)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _edit_page(consultation, form, status)
    consultation.review = db.get_or_404(Review, form.review_id.data)
    services.update_consultation(current_user, consultation, utcnow(), **_settings(form))
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return go_to(url_for("consultations.edit", slug=consultation.slug))


def _edit_page(consultation, form, status=200, **extra):
    languages = [
        (code, language_name_in_reader_language(code))
        for code in consultation.accepted_languages
        if code != consultation.original_language
    ]
    return render(
        "consultations/form.html",
        status=status,
        form=form,
        consultation=consultation,
        translation_form=extra.get("translation_form")
        or TranslationForm(formdata=None, languages=languages),
        question_form=extra.get("question_form") or QuestionForm(formdata=None),
        document_form=extra.get("document_form") or DocumentForm(formdata=None),
    )


def _filled_form(consultation) -> ConsultationForm:
    """The settings form as saved, beside another form that failed validation."""
    form = ConsultationForm(formdata=None, reviews=_review_options())
    del form.template
    _fill(form, consultation)
    return form


def _fill(form: ConsultationForm, consultation) -> None:
    text = consultation.texts.get(consultation.original_language, {})
    zone = consultation.timezone
    form.review_id.data = consultation.review_id
    form.title.data, form.description.data = text.get("title"), text.get("description")
    form.original_language.data = consultation.original_language
    form.objectives.data = [str(n) for n in consultation.objectives]
    form.principles.data = list(consultation.principles)
    form.accepted_languages.data = list(consultation.accepted_languages)
    form.invitation_only.data = "yes" if consultation.invitation_only else ""
    form.timezone.data = zone
    form.opens_at.data = utc_to_local(consultation.opens_at, zone)
    form.deadline_at.data = utc_to_local(consultation.deadline_at, zone)
    if consultation.review_meeting_at:
        form.review_meeting_at.data = utc_to_local(consultation.review_meeting_at, zone)


@bp.post("/consultations/<slug>/publish")
@login_required
def publish(slug: str):
    consultation = load_consultation(slug, "consultation.edit")
    publish_it = request.form.get("published") == "yes"
    if publish_it and not consultation.questions:
        flash(_("Add at least one guiding question before publishing."), "error")
        return go_to(url_for("consultations.edit", slug=slug))
    services.set_published(current_user, consultation, publish_it, utcnow())
    db.session.commit()
    flash(
        _("The consultation is published.")
        if publish_it
        else _("The consultation is no longer published."),
        "success",
    )
    return go_to(url_for("consultations.edit", slug=slug))


@bp.post("/consultations/<slug>/translations")
@login_required
def translation(slug: str):
    consultation = load_consultation(slug, "consultation.edit")
    languages = [
        (c, c) for c in consultation.accepted_languages if c != consultation.original_language
    ]
    form = TranslationForm(languages=languages)
    if not form.validate_on_submit():
        return _edit_page(consultation, _filled_form(consultation), 422, translation_form=form)
    services.set_translation(
        consultation, form.language.data, form.title.data or "", form.description.data or ""
    )
    db.session.commit()
    flash(_("The translation is saved."), "success")
    return go_to(url_for("consultations.edit", slug=slug))


@bp.route("/consultations/<slug>/translations/<language>", methods=["GET", "POST"])
@login_required
def translate(slug: str, language: str):
    """Every text of the consultation in one of its other languages, on one page."""
    consultation = load_consultation(slug, "consultation.edit")
    if (
        language not in consultation.accepted_languages
        or language == consultation.original_language
    ):
        abort(404)
    sessions = db.session.scalars(
        select(ConsultationSession)
        .where(ConsultationSession.consultation_id == consultation.id)
        .order_by(ConsultationSession.starts_at)
    ).all()
    form = all_texts_form(consultation, sessions, language)
    if not (form.validate_on_submit() and form.check_title()):
        status = 422 if form.is_submitted() else 200
        return render(
            "consultations/translate.html",
            status=status,
            form=form,
            consultation=consultation,
            language=language,
        )
    services.set_all_translations(consultation, sessions, language, form.data)
    db.session.commit()
    flash(_("The translation is saved."), "success")
    return go_to(url_for("consultations.view", slug=slug))


# --- Questions -------------------------------------------------------------------------------


def _question(consultation, question_id: int) -> GuidingQuestion:
    found = next((q for q in consultation.questions if q.id == question_id), None)
    if found is None:
        abort(404)
    return found


@bp.post("/consultations/<slug>/questions")
@login_required
def add_question(slug: str):
    consultation = load_consultation(slug, "consultation.edit")
    form = QuestionForm()
    if not form.validate_on_submit():
        return _edit_page(consultation, _filled_form(consultation), 422, question_form=form)
    word_limit = form.word_limit.data
    assert word_limit is not None  # a required field
    services.add_question(
        consultation,
        form.text.data or "",
        form.help.data or "",
        [int(n) for n in form.objectives.data or []],
        word_limit,
    )
    db.session.commit()
    flash(_("The question is added."), "success")
    return go_to(url_for("consultations.edit", slug=slug) + "#questions")


@bp.route("/consultations/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit_question(slug: str, question_id: int):
    consultation = load_consultation(slug, "consultation.edit")
    question = _question(consultation, question_id)
    language = request.args.get("language") or consultation.original_language
    if language not in consultation.accepted_languages:
        language = consultation.original_language
    form = QuestionForm()
    if request.method == "GET":
        text = question.texts.get(language, {})
        form.text.data, form.help.data = text.get("text"), text.get("help")
        form.objectives.data = [str(n) for n in question.objectives]
        form.word_limit.data = question.word_limit
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render(
            "consultations/question_form.html",
            status=status,
            form=form,
            consultation=consultation,
            question=question,
            language=language,
        )
    word_limit = form.word_limit.data
    assert word_limit is not None  # a required field
    services.update_question(
        question,
        language,
        form.text.data or "",
        form.help.data or "",
        [int(n) for n in form.objectives.data or []],
        word_limit,
    )
    db.session.commit()
    flash(_("The question is saved."), "success")
    return go_to(url_for("consultations.edit", slug=slug) + "#questions")


@bp.post("/consultations/<slug>/questions/<int:question_id>/<any(up, down):direction>")
@login_required
def move_question(slug: str, question_id: int, direction: str):
    consultation = load_consultation(slug, "consultation.edit")
    services.move_question(_question(consultation, question_id), -1 if direction == "up" else 1)
    db.session.commit()
    return go_to(url_for("consultations.edit", slug=slug) + "#questions")


@bp.post("/consultations/<slug>/questions/<int:question_id>/delete")
@login_required
def delete_question(slug: str, question_id: int):
    consultation = load_consultation(slug, "consultation.edit")
    try:
        services.delete_question(_question(consultation, question_id))
    except services.QuestionInUse:
        flash(_("Submissions already answer this question, so it stays."), "error")
        return go_to(url_for("consultations.edit", slug=slug) + "#questions")
    db.session.commit()
    flash(_("The question is deleted."), "success")
    return go_to(url_for("consultations.edit", slug=slug) + "#questions")


# --- Documents -------------------------------------------------------------------------------


@bp.post("/consultations/<slug>/documents")
@login_required
def add_document(slug: str):
    consultation = load_consultation(slug, "consultation.edit")
    form = DocumentForm()
    stored = store_from_form(form, current_user, utcnow())
    if stored is not None:
        consultation.documents.append(ConsultationDocument(file=stored, title=form.title.data))
        db.session.commit()
        flash(_("The document is added."), "success")
        return go_to(url_for("consultations.edit", slug=slug) + "#documents")
    return _edit_page(consultation, _filled_form(consultation), 422, document_form=form)


@bp.post("/consultations/<slug>/documents/<int:document_id>/delete")
@login_required
def delete_document(slug: str, document_id: int):
    consultation = load_consultation(slug, "consultation.edit")
    document = next((d for d in consultation.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    remove_attached(consultation.documents, document)
    db.session.commit()
    flash(_("The document is removed."), "success")
    return go_to(url_for("consultations.edit", slug=slug) + "#documents")
