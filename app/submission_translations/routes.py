"""Add a translation, write it section by section, read it beside the original, check it;
facilitators invite translators.

A translation page shows the original as an edition of the compiled input does: the text
and its credit line, never who wrote it (no organization link, person, or history), so a
translator of an anonymous text learns nothing more than its credit line.
"""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.services import find_account
from app.consultations.loading import load_consultation
from app.extensions import db
from app.forms import add_error
from app.i18n import gettext as _
from app.organizations.models import Membership, Organization
from app.policy import may, readable_edition, require
from app.reference import LANGUAGE_CODES, language_name_in_reader_language
from app.submission_translations import bp, services
from app.submission_translations.forms import AddTranslationForm, SectionForm, TranslatorForm
from app.submission_translations.models import (
    ConsultationTranslator,
    TranslatedSection,
    Translation,
)
from app.submissions.attribution import (
    Anonymity,
    consultation_anonymity,
    submission_credit,
    unnamed_organizations,
)
from app.submissions.loading import submission_query
from app.submissions.models import Submission
from app.submissions.states import SubmissionState
from app.timeutil import utcnow
from app.web import go_to, render


def _submission(submission_id: int) -> Submission:
    submission = db.session.scalar(submission_query(Submission.id == submission_id))
    if submission is None:
        abort(404)
    return submission


def _translation(translation_id: int, action: str) -> Translation:
    """The translation, 404 when this person may not see it, 403 when they may not act."""
    translation = db.session.scalar(
        select(Translation)
        .where(Translation.id == translation_id)
        .options(
            selectinload(Translation.sections).joinedload(TranslatedSection.current_revision),
            joinedload(Translation.organization),
            joinedload(Translation.created_by),
        )
    )
    if translation is None:
        abort(404)
    _submission(translation.submission_id)  # loads it with its sections, once
    if not may(current_user, "translation.view", translation):
        abort(404)
    require(current_user, action, translation)
    return translation


def _edition(submission) -> str:
    """The edition whose credit line this person may read ("restricted" for its writers,
    facilitators and UN reviewers, "public" for everyone else)."""
    edition = readable_edition(current_user, submission)
    return "restricted" if edition in ("whole", "restricted") else "public"


def credit_line(submission) -> str | None:
    """The credit line as the edition this person may read credits it; nothing more."""
    edition = _edition(submission)
    return submission_credit(submission, edition, consultation_anonymity(submission, edition))


def _credit_choices(submission) -> list[tuple[str, str]]:
    """The organizations this person may credit (writers in one taking part, not writing the
    text), "the authors" for the text's own writers, and "a volunteer"."""
    writing = submission.organization_ids()
    mine = db.session.scalars(
        select(Organization)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == current_user.id, Membership.role.in_(("owner", "editor")))
        .order_by(Organization.name)
    ).all()
    joined = [o for o in mine if o.id not in writing and _joined(submission, o)]
    choices = [(f"org-{o.id}", o.name) for o in joined]
    if any(o.id in writing for o in mine):
        choices.insert(0, ("authors", _("The organizations that wrote it")))
    choices.append(("volunteer", _("A volunteer")))
    return choices


def _joined(submission, org) -> bool:
    participation = submission.consultation.participation_of(org)
    return participation is not None and participation.joined


def _language_choices(submission) -> list[tuple[str, str]]:
    codes = [c for c in LANGUAGE_CODES if c != submission.language]
    named = [(c, language_name_in_reader_language(c)) for c in codes]
    return sorted(named, key=lambda pair: pair[1].lower())


@bp.route("/submissions/<int:submission_id>/translations/new", methods=["GET", "POST"])
@login_required
def add(submission_id: int):
    submission = _submission(submission_id)
    if not may(current_user, "translation.add", submission):
        abort(404)
    form = AddTranslationForm(
        languages=_language_choices(submission), credits=_credit_choices(submission)
    )
    if not form.validate_on_submit():
        return _add_page(submission, form, 422 if form.is_submitted() else 200)
    kind, org = form.credit.data, None
    if kind.startswith("org-"):
        org = db.session.get(Organization, int(kind[4:]))
        kind = "organization"
    try:
        translation = services.add_translation(
            current_user, submission, form.language.data, kind, org, form.show_name.data, utcnow()
        )
    except services.AlreadyTranslated as exists:
        flash(_("A translation into this language exists. Here it is."), "info")
        return go_to(url_for("translations.view", translation_id=exists.translation.id))
    db.session.commit()
    flash(_("The translation is started. Translate each section below."), "success")
    return go_to(url_for("translations.view", translation_id=translation.id))


def _add_page(submission, form, status=200):
    return render(
        "submission_translations/add.html",
        status=status,
        submission=submission,
        credit=credit_line(submission),
        form=form,
        translations=services.translations_of(submission),
    )


@bp.get("/translations/<int:translation_id>")
@login_required
def view(translation_id: int):
    translation = _translation(translation_id, "translation.view")
    submission = translation.submission
    return render(
        "submission_translations/view.html",
        translation=translation,
        submission=submission,
        credit=credit_line(submission),
        mark=services.translation_mark(translation),
        missing={s.id for s in services.missing_sections(translation)},
    )


@bp.route("/translations/<int:translation_id>/sections/<key>", methods=["GET", "POST"])
@login_required
def edit_section(translation_id: int, key: str):
    translation = _translation(translation_id, "translation.edit")
    section = translation.submission.section(key)
    if section is None or not section.text.strip():
        abort(404)
    translated = translation.section_for(section.id)
    form = SectionForm()
    if not form.is_submitted():
        form.body.data = translated.text if translated else ""
        form.version.data = str(translated.version if translated else 0)
    if not form.validate_on_submit():
        return _section_page(translation, section, form, 422 if form.is_submitted() else 200)
    try:
        version = form.version.data or ""
        base = int(version) if version.isdigit() else None
        services.save_section(
            current_user, translation, section, form.body.data or "", base, utcnow()
        )
    except services.ParagraphsDiffer as differ:
        add_error(
            form.body,
            _(
                "The original has %(expected)d paragraphs and your translation has %(found)d. "
                "Keep one paragraph for each, separated by a blank line.",
                expected=differ.expected,
                found=differ.found,
            ),
        )
        return _section_page(translation, section, form, 422)
    except services.StaleVersion:
        add_error(
            form.body,
            _(
                "Someone saved this section after you opened it. Your text is kept here; "
                "compare it with the saved one above, then save again."
            ),
        )
        assert translated is not None  # a section saved before has a version that moved
        form.version.data = str(translated.version)
        return _section_page(translation, section, form, 422)
    db.session.commit()
    flash(_("The translated section is saved."), "success")
    return go_to(url_for("translations.view", translation_id=translation.id))


def _section_page(translation, section, form, status=200):
    translated = translation.section_for(section.id)
    return render(
        "submission_translations/section.html",
        status=status,
        translation=translation,
        submission=translation.submission,
        section=section,
        translated=translated,
        original=services.original_paragraphs(section),
        revisions=services.revisions(translated) if translated else [],
        form=form,
    )


@bp.post("/translations/<int:translation_id>/check")
@login_required
def check(translation_id: int):
    translation = _translation(translation_id, "translation.check")
    try:
        services.check_translation(current_user, translation, utcnow())
    except services.Incomplete:
        flash(_("Some sections are not translated yet, so it cannot be checked."), "error")
        return go_to(url_for("translations.view", translation_id=translation.id))
    db.session.commit()
    flash(_("The translation is marked as checked."), "success")
    return go_to(url_for("translations.view", translation_id=translation.id))


@bp.get("/consultations/<slug>/texts-to-translate")
@login_required
def for_consultation(slug: str):
    """Accepted texts this person may translate, each with its credit line only."""
    consultation = load_consultation(slug, "translations.list")
    accepted = db.session.scalars(
        submission_query(
            Submission.consultation_id == consultation.id,
            Submission.state == SubmissionState.ACCEPTED,
        ).order_by(Submission.id)
    ).all()
    # One reading of who is credited without a name, for every row (as an edition does).
    anonymity = {e: Anonymity(unnamed_organizations(accepted, e)) for e in ("public", "restricted")}
    found = services.translations_of_all(accepted)
    rows = [
        (s, submission_credit(s, _edition(s), anonymity[_edition(s)]), found.get(s.id, []))
        for s in accepted
        if may(current_user, "translation.add", s)
    ]
    return render(
        "submission_translations/list.html",
        consultation=consultation,
        rows=rows,
        manage=may(current_user, "translators.manage", consultation),
    )


@bp.route("/consultations/<slug>/translators", methods=["GET", "POST"])
@login_required
def translators(slug: str):
    consultation = load_consultation(slug, "translators.manage")
    form = TranslatorForm()
    if not form.validate_on_submit():
        return _translators_page(consultation, form, 422 if form.is_submitted() else 200)
    person = find_account(form.identifier.data or "")
    if person is None:
        add_error(form.identifier, _("No account has this sign-in name or e-mail."))
        return _translators_page(consultation, form, 422)
    try:
        services.invite_translator(current_user, consultation, person, utcnow())
    except services.AlreadyTranslator:
        add_error(form.identifier, _("This person is already a translator here."))
        return _translators_page(consultation, form, 422)
    db.session.commit()
    flash(_("%(name)s can now translate.", name=person.display_name), "success")
    return go_to(url_for("translations.translators", slug=slug))


def _translators_page(consultation, form, status=200):
    return render(
        "submission_translations/translators.html",
        status=status,
        consultation=consultation,
        form=form,
        translators=services.translators_of(consultation),
    )


@bp.post("/consultations/<slug>/translators/<int:translator_id>/remove")
@login_required
def remove_translator(slug: str, translator_id: int):
    consultation = load_consultation(slug, "translators.manage")
    row = db.session.get(ConsultationTranslator, translator_id)
    if row is None or row.consultation_id != consultation.id:
        abort(404)
    services.remove_translator(current_user, consultation, row, utcnow())
    db.session.commit()
    flash(_("The translator is removed."), "success")
    return go_to(url_for("translations.translators", slug=slug))


@bp.app_template_global()
def submission_translations(submission) -> list[Translation]:
    return services.translations_of(submission)


@bp.app_template_global()
def translation_mark(translation: Translation) -> str:
    return services.translation_mark(translation)


@bp.app_template_global()
def translation_status(translation: Translation) -> str:
    from app.submission_translations.models import STATUS_LABELS

    return str(STATUS_LABELS[translation.status])


@bp.app_template_test("visible_translation")
def visible_translation(translation: Translation) -> bool:
    return may(current_user, "translation.view", translation)
