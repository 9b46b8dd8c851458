"""Start, follow, publish and download compilations."""

from __future__ import annotations

from flask import abort, current_app, flash, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.sessions import passive
from app.compilations import bp, services
from app.compilations.forms import CompilationForm, PublishForm
from app.compilations.models import Compilation, CompilationFile
from app.consultations.loading import load_consultation
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import interface_locale
from app.jobs import JobRecord, recover_lost
from app.policy import may, require
from app.timeutil import utcnow
from app.web import go_to, render


def _versions(consultation) -> list[Compilation]:
    query = (
        select(Compilation)
        .where(Compilation.consultation_id == consultation.id)
        .options(selectinload(Compilation.files))
        .order_by(Compilation.number.desc())
    )
    found = list(db.session.scalars(query))
    if may(current_user, "compilation.manage", consultation) or may(
        current_user, "consultation.read_submissions", consultation
    ):
        return found
    return [c for c in found if c.published_at is not None]


def _form(consultation, formdata=None) -> CompilationForm:
    # Headings and labels in any interface language, the consultation's own ones first.
    interface = current_app.config["LANGUAGES"]
    written = [consultation.original_language, *sorted(consultation.accepted_languages)]
    own = [interface_locale(c) for c in written]
    from app.submission_translations.compiling import translated_languages

    # ...and the languages texts were translated into (compilations in a translation's language).
    translated = [interface_locale(c) for c in sorted(translated_languages(consultation))]
    languages = list(dict.fromkeys([c for c in own if c in interface] + translated + interface))
    form = CompilationForm(formdata=formdata, languages=languages)
    if formdata is None:
        form.language.data = interface_locale(consultation.original_language)
        form.symbol.data = consultation.document_symbol or ""
    return form


def _recover(consultation) -> None:
    """Runs nobody works on any more (queue entry lost, worker dead) show as failed now."""
    if recover_lost("compile", consultation.id):
        db.session.expire_all()


@bp.get("/consultations/<slug>/compilations")
def index(slug: str):
    consultation = load_consultation(slug)
    if may(current_user, "compilation.manage", consultation):
        _recover(consultation)
    return _index(consultation)


def _index(consultation, form: CompilationForm | None = None, status: int = 200):
    versions = _versions(consultation)
    manage = may(current_user, "compilation.manage", consultation)
    return render(
        "compilations/index.html",
        "compile_form" if form is not None else None,
        status=status,
        consultation=consultation,
        versions=versions,
        changes={
            v.id: services.changes(v, versions[i + 1] if i + 1 < len(versions) else None)
            for i, v in enumerate(versions)
        },
        form=(form or _form(consultation)) if manage else None,
        failed=services.failed_runs(consultation) if manage else [],
    )


@bp.post("/consultations/<slug>/compilations")
@login_required
def start(slug: str):
    consultation = load_consultation(slug, "compilation.manage")
    _recover(consultation)  # before the hold below, which takes SQLite's write lock
    form = _form(consultation, request.form)
    if not form.validate_on_submit():
        return _index(consultation, form, 422)  # what was typed comes back, with the reason
    consultation.document_symbol = form.symbol.data or None
    try:
        record = services.start_compilation(
            current_user,
            consultation,
            form.grouping.data,
            form.language.data,
            utcnow(),
            translations=form.translations.data,
        )
    except services.NothingToCompile:
        flash(_("No submission is accepted yet, so there is nothing to compile."), "error")
        return go_to(url_for("compilations.index", slug=slug))
    except services.CompilationRunning as running:
        return _show_running(slug, running.run)
    db.session.commit()
    return go_to(url_for("compilations.progress", slug=slug, job_id=record.id))


def _show_running(slug: str, run: JobRecord):
    db.session.rollback()
    flash(_("A compilation of this consultation is already running. Here is its progress."), "info")
    return go_to(url_for("compilations.progress", slug=slug, job_id=run.id))


def _run(consultation, job_id: str) -> JobRecord:
    run = db.session.get(JobRecord, job_id)
    if run is None or run.kind != "compile" or run.subject_id != consultation.id:
        abort(404)
    return run


@bp.get("/consultations/<slug>/compilations/jobs/<job_id>")
@passive
@login_required
def progress(slug: str, job_id: str):
    """The progress bar; while the job runs, htmx asks again every second."""
    consultation = load_consultation(slug, "compilation.manage")
    _recover(consultation)
    run = _run(consultation, job_id)
    built = db.session.scalar(select(Compilation).where(Compilation.job_id == run.id))
    return render(
        "compilations/progress.html",
        "progress",
        consultation=consultation,
        run=run,
        built=built,
        stopped=services.stopped(run),
    )


@bp.post("/consultations/<slug>/compilations/jobs/<job_id>/retry")
@login_required
def retry_run(slug: str, job_id: str):
    consultation = load_consultation(slug, "compilation.manage")
    _recover(consultation)
    run = _run(consultation, job_id)
    if run.state == "finished" and not services.stopped(run):
        return go_to(url_for("compilations.index", slug=slug))
    try:
        services.retry_compilation(consultation, run)
    except services.CompilationRunning as running:
        return _show_running(slug, running.run)
    db.session.commit()
    return go_to(url_for("compilations.progress", slug=slug, job_id=run.id))


@bp.route("/compilations/<int:compilation_id>/publish", methods=["GET", "POST"])
@login_required
def publish(compilation_id: int):
    """A confirmation that says what publishing does; the consultation's phase changes
    only if the facilitator ticks "also close drafting"."""
    compilation = db.get_or_404(Compilation, compilation_id)
    consultation = _consultation_of(compilation, "compilation.manage")
    form = PublishForm()
    if compilation.published_at is not None:
        return go_to(url_for("compilations.index", slug=consultation.slug))
    confirmed = form.validate_on_submit() and form.confirm.data == "yes"
    if not confirmed:
        status = 422 if form.is_submitted() else 200
        return render(
            "compilations/publish.html",
            status=status,
            consultation=consultation,
            compilation=compilation,
            form=form,
        )
    close = bool(form.close_drafting.data)
    services.publish(current_user, compilation, utcnow(), close_drafting=close)
    db.session.commit()
    flash(
        _(
            "Version %(number)d is published: its public edition is on the consultation page.",
            number=compilation.number,
        ),
        "success",
    )
    if close:
        flash(_("Drafting is closed: the consultation is marked as compiled."), "info")
    return go_to(url_for("compilations.index", slug=consultation.slug))


@bp.post("/compilations/<int:compilation_id>/unpublish")
@login_required
def unpublish(compilation_id: int):
    compilation = db.get_or_404(Compilation, compilation_id)
    consultation = _consultation_of(compilation, "compilation.manage")
    if compilation.published_at is not None:
        services.unpublish(current_user, compilation, utcnow())
        db.session.commit()
    flash(
        _(
            "Version %(number)d is withdrawn: the public can no longer read or download it.",
            number=compilation.number,
        ),
        "success",
    )
    return go_to(url_for("compilations.index", slug=consultation.slug))


def _consultation_of(compilation: Compilation, action: str):
    from app.consultations.models import Consultation

    slug = db.session.scalars(
        select(Consultation.slug).where(Consultation.id == compilation.consultation_id)
    ).one()
    return load_consultation(slug, action)


@bp.get("/compilations/<int:compilation_id>/files/<int:file_id>")
def download(compilation_id: int, file_id: int):
    found = db.get_or_404(CompilationFile, file_id)
    if found.compilation_id != compilation_id:
        abort(404)
    consultation = _consultation_of(found.compilation, "consultation.view")
    require(current_user, "compilation.download", (consultation, found), hide=True)
    if found.edition == "restricted":
        services.record_download(current_user, found, _role(consultation), utcnow())
        db.session.commit()
    number = found.compilation.number
    name = f"{consultation.slug}-v{number}-{found.edition}.{found.format}"
    response = send_file(
        services.file_path(found),
        as_attachment=True,
        download_name=name,
        max_age=0,
        conditional=False,
        etag=False,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _role(consultation) -> str:
    if current_user.id in consultation.staff_ids("un-reviewer"):
        return "un-reviewer"
    if current_user.id in consultation.staff_ids("facilitator"):
        return "facilitator"
    return current_user.role
